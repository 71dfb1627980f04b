#include "fdlimit.h"

#include <dirent.h>
#include <sys/resource.h>

static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 3;
	long n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	/* ".", ".." and the directory's own descriptor */
	return n > 3 ? n - 3 : 0;
}

int fd_worker_cap(int want, struct strbuf *note)
{
	struct rlimit rl;
	if (want <= 1 || getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return want;
	long open = open_fds();
	long room = (long)rl.rlim_cur - open - FD_RESERVE;
	if (room >= want)
		return want;
	int cap = room < 1 ? 1 : (int)room;
	strbuf_addf(note, "-n %d lowered to %d: the open-file limit (ulimit -n) is "
		    "%ld, %ld descriptors are open and %d are kept for reports "
		    "and connections", want, cap, (long)rl.rlim_cur, open,
		    FD_RESERVE);
	return cap;
}
