#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "covmerge.h"

int outfile_open(struct outfile *of, const char *path, struct strbuf *err)
{
	memset(of, 0, sizeof(*of));
	of->path = xstrdup(path);
	if (!strcmp(path, "-")) {
		of->fp = stdout;
		return 0;
	}
	/* a device or a pipe (/dev/null, /dev/stdout, a FIFO) is written to
	 * as it is: renaming a file over it would replace it */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			strbuf_addstr(err, strerror(EISDIR));
			free(of->path);
			memset(of, 0, sizeof(*of));
			return -1;
		}
		of->fp = fopen(path, "w");
		if (!of->fp) {
			strbuf_addstr(err, strerror(errno));
			free(of->path);
			memset(of, 0, sizeof(*of));
			return -1;
		}
		of->direct = 1;
		return 0;
	}
	of->tmp = xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(of->tmp);
	if (fd < 0) {
		strbuf_addstr(err, strerror(errno));
		free(of->tmp);
		free(of->path);
		memset(of, 0, sizeof(*of));
		return -1;
	}
	/* mkstemp makes 0600; a report is an ordinary file */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		strbuf_addstr(err, strerror(errno));
		close(fd);
		unlink(of->tmp);
		free(of->tmp);
		free(of->path);
		memset(of, 0, sizeof(*of));
		return -1;
	}
	return 0;
}

int outfile_commit(struct outfile *of, struct strbuf *err)
{
	int rc = 0;
	if (of->direct) {
		int bad = fflush(of->fp) != 0 || ferror(of->fp);
		int e = errno;
		if (fclose(of->fp) != 0 && !bad) {
			bad = 1;
			e = errno;
		}
		if (bad) {
			strbuf_addstr(err, strerror(e));
			rc = -1;
		}
	} else if (!of->tmp) {
		if (fflush(of->fp) != 0 || ferror(of->fp)) {
			strbuf_addstr(err, strerror(errno));
			rc = -1;
		}
	} else {
		int bad = fflush(of->fp) != 0 || ferror(of->fp);
		int e = errno;
		if (fclose(of->fp) != 0 && !bad) {
			bad = 1;
			e = errno;
		}
		if (!bad && rename(of->tmp, of->path) != 0) {
			bad = 1;
			e = errno;
		}
		if (bad) {
			strbuf_addstr(err, strerror(e));
			unlink(of->tmp);
			rc = -1;
		}
	}
	free(of->tmp);
	free(of->path);
	memset(of, 0, sizeof(*of));
	return rc;
}

void outfile_abort(struct outfile *of)
{
	if (of->direct)
		fclose(of->fp);
	if (of->tmp) {
		fclose(of->fp);
		unlink(of->tmp);
	}
	free(of->tmp);
	free(of->path);
	memset(of, 0, sizeof(*of));
}

int write_text_file(const char *path, const char *text, size_t len,
		    cm_emit_fn *emit, void *emit_ctx)
{
	struct strbuf err;
	strbuf_init(&err);
	struct outfile of;
	int rc = outfile_open(&of, path, &err);
	if (rc == 0) {
		/* a short write sets the stream's error, which commit reports */
		fwrite(text, 1, len, of.fp);
		rc = outfile_commit(&of, &err);
	}
	if (rc && emit) {
		char *msg = xasprintf("cannot write \"%s\": %s", path, err.buf);
		emit(emit_ctx, CM_ERROR, msg);
		free(msg);
	}
	strbuf_release(&err);
	return rc;
}
