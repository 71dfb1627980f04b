#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "covmerge.h"

/* The temporary file being written, for the signal handler: a fixed
 * buffer, so the handler only reads memory that stays valid. */
static char active_tmp[4096];
static volatile sig_atomic_t active;

static void set_active(const char *tmp)
{
	active = 0;
	if (tmp && strlen(tmp) < sizeof(active_tmp)) {
		memcpy(active_tmp, tmp, strlen(tmp) + 1);
		active = 1;
	}
}

static void on_signal(int sig)
{
	if (active)
		unlink(active_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

void outfile_cleanup_on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

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
	if (fd >= 0)
		set_active(of->tmp);
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
		set_active(NULL);
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
		set_active(NULL);
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
		set_active(NULL);
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
