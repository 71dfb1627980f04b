#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "path.h"

int dir_lock(const char *dir, struct strbuf *err)
{
	if (path_mkdirs(dir) != 0) {
		strbuf_addf(err, "cannot create the coverage directory \"%s\": %s",
			    dir, strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open the coverage directory \"%s\": %s",
			    dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK) {
			strbuf_addf(err, "the coverage directory \"%s\" is in use by "
				    "another run; wait for it to end, or give this "
				    "run its own --cov-dir", dir);
			return -1;
		}
		/* a file system without locks (some network ones): the run
		 * goes on, unguarded */
		strbuf_addf(err, "cannot lock the coverage directory \"%s\": %s; "
			    "going on without the lock", dir, strerror(e));
		return -2;
	}
	return fd;
}
