#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "covmerge.h"
#include "outdir.h"
#include "path.h"

/* The named temporary files that exist right now, for the signal handler:
 * fixed slots holding strings that stay valid while they are in a slot.
 * Anonymous (O_TMPFILE) files need no cleaning: they vanish with the
 * process. */
#define MAX_ACTIVE 64
static const char *volatile active[MAX_ACTIVE];

static void set_active(const char *tmp)
{
	for (int i = 0; i < MAX_ACTIVE; i++) {
		if (!active[i]) {
			active[i] = tmp;
			return;
		}
	}
}

static void clear_active(const char *tmp)
{
	for (int i = 0; i < MAX_ACTIVE; i++)
		if (active[i] == tmp)
			active[i] = NULL;
}

static void on_signal(int sig)
{
	for (int i = 0; i < MAX_ACTIVE; i++)
		if (active[i])
			unlink(active[i]);
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

/* Our temporary names: "<target>.tmp.<pid>.<suffix>". */
#define TMP_TAG ".tmp."

/* Removes temporary files of our naming beside path whose writer is dead
 * (a run killed by SIGKILL, or on a file system without O_TMPFILE). A
 * process that is still alive keeps its files. */
static void clean_stale(const char *path)
{
	char *dir = path_dirname(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t lb = strlen(base), lt = strlen(TMP_TAG);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		const char *n = de->d_name;
		if (strncmp(n, base, lb) || strncmp(n + lb, TMP_TAG, lt))
			continue;
		char *end;
		errno = 0;
		long pid = strtol(n + lb + lt, &end, 10);
		if (errno || *end != '.' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *stale = path_join(dir, n);
		unlink(stale);
		free(stale);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* An unnamed file in path's directory (O_TMPFILE), when the file system
 * has them and /proc can give it a name later; -1 otherwise. */
static int open_anonymous(const char *path)
{
#ifdef O_TMPFILE
	if (access("/proc/self/fd", X_OK) != 0)
		return -1;
	char *dir = path_dirname(path);
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	free(dir);
	return fd;
#else
	(void)path;
	return -1;
#endif
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
	clean_stale(path);
	int fd = open_anonymous(path);
	if (fd >= 0) {
		of->anonymous = 1;
	} else {
		of->tmp = xasprintf("%s" TMP_TAG "%ld.XXXXXX", path, (long)getpid());
		fd = mkstemp(of->tmp);
		if (fd < 0) {
			strbuf_addstr(err, strerror(errno));
			free(of->tmp);
			free(of->path);
			memset(of, 0, sizeof(*of));
			return -1;
		}
		set_active(of->tmp);
		/* mkstemp makes 0600; a report is an ordinary file */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		strbuf_addstr(err, strerror(errno));
		close(fd);
		outfile_abort(of);
		return -1;
	}
	return 0;
}

/* Gives an anonymous file the name path, replacing what is there: a link
 * under a temporary name, renamed over the target. */
static int link_anonymous(FILE *fp, const char *path)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fileno(fp));
	for (int i = 0; i < 100; i++) {
		char *tmp = xasprintf("%s" TMP_TAG "%ld.%d", path, (long)getpid(), i);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) != 0) {
			int e = errno;
			free(tmp);
			if (e == EEXIST)
				continue;
			errno = e;
			return -1;
		}
		set_active(tmp);
		int rc = rename(tmp, path);
		int e = errno;
		if (rc != 0)
			unlink(tmp);
		clear_active(tmp);
		free(tmp);
		errno = e;
		return rc;
	}
	errno = EEXIST;
	return -1;
}

/* Files written whole and waiting, in a batch, to be put in place. */
struct staged {
	char *path;
	char *tmp;   /* a named temporary, closed; or */
	FILE *fp;    /* an anonymous file, flushed and still open */
	int dir;     /* tmp is a directory (outdir.c) */
};

static struct {
	int on;
	struct staged *v;
	size_t n, alloc;
} batch;

static void release_staged(struct staged *s, int drop)
{
	if (s->fp)
		fclose(s->fp);
	if (s->dir) {
		if (drop && s->tmp)
			path_remove_tree(s->tmp);
		free(s->tmp);
	} else if (s->tmp) {
		if (drop)
			unlink(s->tmp);
		clear_active(s->tmp);
		free(s->tmp);
	}
	free(s->path);
}

/* Puts a written file in place. Returns 0 or -1 with errno set. */
static int put_in_place(struct staged *s)
{
	if (s->fp) {
		int rc = link_anonymous(s->fp, s->path);
		int e = errno;
		if (fclose(s->fp) != 0 && rc == 0) {
			rc = -1;
			e = errno;
		}
		s->fp = NULL;
		errno = e;
		return rc;
	}
	if (s->dir) {
		/* outdir_put_in_place removes tmp in any case */
		int rc = outdir_put_in_place(s->tmp, s->path);
		free(s->tmp);
		s->tmp = NULL;
		return rc;
	}
	return rename(s->tmp, s->path);
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
	} else if (!of->tmp && !of->anonymous) {
		if (fflush(of->fp) != 0 || ferror(of->fp)) {
			strbuf_addstr(err, strerror(errno));
			rc = -1;
		}
	} else {
		struct staged s = {of->path, of->tmp, of->fp, 0};
		int bad = fflush(of->fp) != 0 || ferror(of->fp);
		int e = errno;
		/* a named temporary is closed now: some file systems report
		 * write errors only at close */
		if (of->tmp) {
			if (fclose(of->fp) != 0 && !bad) {
				bad = 1;
				e = errno;
			}
			s.fp = NULL;
		}
		if (!bad && batch.on) {
			GROW(batch.v, batch.alloc, batch.n + 1);
			batch.v[batch.n++] = s;
			memset(of, 0, sizeof(*of));
			return 0;
		}
		if (!bad && put_in_place(&s) != 0) {
			bad = 1;
			e = errno;
		}
		if (bad) {
			strbuf_addstr(err, strerror(e));
			rc = -1;
		}
		release_staged(&s, 1);
		memset(of, 0, sizeof(*of));
		return rc;
	}
	free(of->path);
	memset(of, 0, sizeof(*of));
	return rc;
}

void outfile_abort(struct outfile *of)
{
	if ((of->direct || of->anonymous) && of->fp)
		fclose(of->fp);
	if (of->tmp) {
		if (of->fp)
			fclose(of->fp);
		unlink(of->tmp);
		clear_active(of->tmp);
	}
	free(of->tmp);
	free(of->path);
	memset(of, 0, sizeof(*of));
}

int outfile_batch_add_dir(char *path, char *tmp)
{
	if (!batch.on)
		return -1;
	GROW(batch.v, batch.alloc, batch.n + 1);
	batch.v[batch.n++] = (struct staged){.path = path, .tmp = tmp, .dir = 1};
	return 0;
}

void outfile_batch_begin(void)
{
	batch.on = 1;
}

int outfile_batch_end(int commit, cm_emit_fn *emit, void *emit_ctx)
{
	int rc = 0;
	for (size_t i = 0; i < batch.n; i++) {
		struct staged *s = &batch.v[i];
		if (commit && put_in_place(s) != 0) {
			if (emit) {
				char *msg = xasprintf("cannot write \"%s\": %s", s->path,
						      strerror(errno));
				emit(emit_ctx, CM_ERROR, msg);
				free(msg);
			}
			rc = -1;
		}
		release_staged(s, 1);
	}
	free(batch.v);
	memset(&batch, 0, sizeof(batch));
	return rc;
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
