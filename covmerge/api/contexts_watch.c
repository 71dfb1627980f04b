/* Which data files of a shard were written since the last look (see
 * contexts_watch.h).
 *
 * The first looks walk the shard (see WATCH_AFTER); then a walk puts an
 * inotify watch on each of its directories (before reading it, so nothing
 * created after is missed). The kernel queues an event when a test process writes or
 * creates a file there; the events of a process are queued before its
 * parent can reap it (its files are closed before it becomes a zombie), so
 * after a test the queue holds exactly what that test wrote. A directory
 * created by the test is walked whole (its files were written before its
 * watch existed). When events were lost (IN_Q_OVERFLOW) the shard is walked
 * whole again; when watching is not possible the watcher walks every time,
 * which costs time, never data. */
#include "contexts_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "alloc.h"
#include "hash.h"
#include "path.h"
#include "strbuf.h"

/* A process's writes end at its exit, when its files close
 * (IN_CLOSE_WRITE, one event per file where IN_MODIFY is one per write) */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR | \
		    IN_DONT_FOLLOW)

struct ctx_watch {
	char *root;
	int fd;                   /* inotify; -1: walk every time */
	int primed;               /* every directory of root is watched */
	unsigned looks;           /* walks so far, before watching */
	char **dirs;              /* by watch descriptor: its directory */
	int *dfds;                /* by watch descriptor: the directory opened
				     (O_PATH), -1 when not */
	size_t adirs;
	size_t ndfds;
};

/* Directories kept open per watcher, to open their files by name (a long
 * path costs a lookup per component at every open). */
#define MAX_DIR_FDS 256

/* Looks that walk the shard before the watching starts. */
#define WATCH_AFTER 8

struct ctx_watch *ctx_watch_new(const char *root)
{
	struct ctx_watch *w = xcalloc(1, sizeof(*w));
	w->root = xstrdup(root);
	w->fd = -1;
	return w;
}

static void stop_watching(struct ctx_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->primed = 0;
	for (size_t i = 0; i < w->adirs; i++) {
		free(w->dirs[i]);
		if (w->dfds[i] >= 0)
			close(w->dfds[i]);
	}
	free(w->dirs);
	free(w->dfds);
	w->dirs = NULL;
	w->dfds = NULL;
	w->adirs = w->ndfds = 0;
}

void ctx_watch_free(struct ctx_watch *w)
{
	if (!w)
		return;
	stop_watching(w);
	free(w->root);
	free(w);
}

int ctx_watch_active(const struct ctx_watch *w)
{
	return w->fd >= 0 && w->primed;
}

static void forget_dir(struct ctx_watch *w, int wd)
{
	free(w->dirs[wd]);
	w->dirs[wd] = NULL;
	if (w->dfds[wd] >= 0) {
		close(w->dfds[wd]);
		w->ndfds--;
	}
	w->dfds[wd] = -1;
}

/* Watches dir; returns its watch descriptor, or -1. */
static int watch_dir(struct ctx_watch *w, const char *dir)
{
	if (w->fd < 0)
		return -1;
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0) {
		stop_watching(w);   /* e.g. the watch limit: walk every time */
		return -1;
	}
	if ((size_t)wd >= w->adirs) {
		size_t n = (size_t)wd * 2 + 16;
		w->dirs = xreallocarray(w->dirs, n, sizeof(*w->dirs));
		w->dfds = xreallocarray(w->dfds, n, sizeof(*w->dfds));
		for (size_t i = w->adirs; i < n; i++) {
			w->dirs[i] = NULL;
			w->dfds[i] = -1;
		}
		w->adirs = n;
	}
	if (w->dirs[wd] && !strcmp(w->dirs[wd], dir))
		return wd;
	forget_dir(w, wd);
	w->dirs[wd] = xstrdup(dir);
	if (w->ndfds < MAX_DIR_FDS &&
	    (w->dfds[wd] = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0)
		w->ndfds++;
	return wd;
}

static void add_file(struct ctx_watch_list *out, const char *path, size_t len,
		     int wd, int fresh)
{
	GROW(out->v, out->alloc, out->n + 1);
	struct ctx_watch_file *f = &out->v[out->n++];
	f->path = xstrndup(path, len);
	const char *slash = strrchr(f->path, '/');
	f->name = slash ? slash + 1 : f->path;
	f->wd = wd;
	f->fresh = fresh;
}

void ctx_watch_list_release(struct ctx_watch_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ctx_watch_at(const struct ctx_watch *w, const struct ctx_watch_file *f,
		 const char **name)
{
	int dfd = f->wd >= 0 && (size_t)f->wd < w->adirs ? w->dfds[f->wd] : -1;
	*name = dfd >= 0 ? f->name : f->path;
	return dfd >= 0 ? dfd : AT_FDCWD;
}

struct walk_ctx {
	struct ctx_watch *w;
	struct ctx_watch_list *out;
};

/* The directory's tag is its watch descriptor. */
static int on_dir(const char *dir, void *arg)
{
	struct walk_ctx *wc = arg;
	return watch_dir(wc->w, dir);
}

/* A data file reached through a link stops the watching: a write to its
 * target is not seen here. */
static void on_file(const char *path, size_t len, const char *name, int link,
		    int wd, void *arg)
{
	struct walk_ctx *wc = arg;
	if (!path_has_suffix(name, ".gcda"))
		return;
	if (link)
		stop_watching(wc->w);
	add_file(wc->out, path, len, wc->w->fd >= 0 ? wd : -1, 1);
}

/* Adds the .gcda files under dir->buf to out, watching each directory
 * before it is read (path_walk_tree). */
static int walk(struct ctx_watch *w, struct strbuf *dir,
		struct ctx_watch_list *out, char **bad_path)
{
	struct walk_ctx wc = {w, out};
	struct path_walker wk = {on_dir, on_file, &wc};
	return path_walk_tree(dir, &wk, bad_path);
}

static int walk_from(struct ctx_watch *w, const char *top,
		     struct ctx_watch_list *out, char **bad_path)
{
	struct strbuf dir;
	strbuf_init(&dir);
	strbuf_addstr(&dir, top);
	int rc = walk(w, &dir, out, bad_path);
	strbuf_release(&dir);
	return rc;
}

/* Drops repeated names from out (the first stays, flagged fresh when any
 * was), keeping the order: a table of the names kept, not a sort (a look
 * after each test lists about as many files as a test program has
 * objects). */
static void unique(struct ctx_watch_list *out)
{
	if (out->n < 2)
		return;
	size_t cap = 16;
	while (cap < out->n * 2)
		cap *= 2;
	uint32_t *slot = xcalloc(cap, sizeof(*slot));   /* kept index + 1 */
	size_t n = 0;
	for (size_t i = 0; i < out->n; i++) {
		size_t h = hash_str(out->v[i].path) & (cap - 1);
		for (; slot[h]; h = (h + 1) & (cap - 1))
			if (!strcmp(out->v[slot[h] - 1].path, out->v[i].path))
				break;
		if (slot[h]) {
			out->v[slot[h] - 1].fresh |= out->v[i].fresh;
			free(out->v[i].path);
			continue;
		}
		out->v[n] = out->v[i];
		slot[h] = (uint32_t)++n;
	}
	out->n = n;
	free(slot);
}

/* The events queued since the last look: the data files written, the
 * directories created (walked whole). Returns 1 when events were lost or
 * cannot be read (the caller walks the shard whole). */
static int read_events(struct ctx_watch *w, struct ctx_watch_list *out,
		       char **bad_path, int *rc)
{
	union {
		struct inotify_event ev;
		char bytes[64 * 1024];
	} buf;
	struct strbuf path;
	strbuf_init(&path);
	int lost = 0;
	for (;;) {
		ssize_t n = read(w->fd, buf.bytes, sizeof(buf.bytes));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			lost = 1;
			break;
		}
		for (ssize_t at = 0; at + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *ev =
				(const struct inotify_event *)(buf.bytes + at);
			at += (ssize_t)(sizeof(*ev) + ev->len);
			if (ev->mask & IN_Q_OVERFLOW) {
				lost = 1;
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= w->adirs || !w->dirs[ev->wd])
				continue;
			if (ev->mask & IN_IGNORED) {   /* the directory went */
				forget_dir(w, ev->wd);
				continue;
			}
			if (!ev->len || !ev->name[0])
				continue;
			strbuf_reset(&path);
			strbuf_addstr(&path, w->dirs[ev->wd]);
			strbuf_addch(&path, '/');
			strbuf_addstr(&path, ev->name);
			if (ev->mask & IN_ISDIR) {
				if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && !*rc)
					*rc = walk(w, &path, out, bad_path);
			} else if (path_has_suffix(ev->name, ".gcda")) {
				add_file(out, path.buf, path.len, ev->wd,
					 (ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0);
			}
			if (w->fd < 0)
				lost = 1;   /* a walk stopped the watching */
		}
		if (lost)
			break;
	}
	strbuf_release(&path);
	return lost;
}

int ctx_watch_changed(struct ctx_watch *w, struct ctx_watch_list *out,
		      char **bad_path)
{
	*bad_path = NULL;
	ctx_watch_list_release(out);
	int rc = 0;
	if (w->fd >= 0 && w->primed && !read_events(w, out, bad_path, &rc)) {
		unique(out);
		return rc;
	}
	/* the first looks, lost events, or no watching: the whole shard.
	 * Watching starts at the WATCH_AFTER-th look: closing an inotify
	 * descriptor waits for the kernel to retire its watches (some ten
	 * milliseconds), more than a few walks of a small suite cost */
	if (w->looks < WATCH_AFTER && ++w->looks == WATCH_AFTER)
		w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ctx_watch_list_release(out);
	free(*bad_path);
	*bad_path = NULL;
	if (w->fd >= 0) {
		/* what is queued now is older than the walk */
		char drain[4096];
		while (read(w->fd, drain, sizeof(drain)) > 0)
			;
	}
	rc = walk_from(w, w->root, out, bad_path);
	w->primed = w->fd >= 0;
	if (w->fd < 0)     /* stopped during the walk: no directory is open */
		for (size_t i = 0; i < out->n; i++)
			out->v[i].wd = -1;
	unique(out);
	return rc;
}
