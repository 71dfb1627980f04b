/* Which data files of a worker's shard were written since the last look
 * (runner --cov-context=test): inotify watches on every directory of the
 * shard, so that after a test only the files it wrote are read, not every
 * file of the shard. */
#ifndef CM_CONTEXTS_WATCH_H
#define CM_CONTEXTS_WATCH_H

#include <stddef.h>

struct ctx_watch;

/* A watcher of the shard directory root (nothing is watched until the
 * first ctx_watch_changed). */
struct ctx_watch *ctx_watch_new(const char *root);
void ctx_watch_free(struct ctx_watch *w);

/* A data file named by the watcher. */
struct ctx_watch_file {
	char *path;
	const char *name;   /* its last component, in path */
	int wd;             /* its directory's watch, -1 when none */
	int fresh;          /* the name may be a new file since the last look
			       (created, renamed to, or listed by a walk);
			       else it is the same file, written */
};

struct ctx_watch_list {
	struct ctx_watch_file *v;
	size_t n, alloc;
};

void ctx_watch_list_release(struct ctx_watch_list *l);

/* Sets out (each once, in no set order) to the .gcda files under root that were
 * created or written since the previous call. The first 8 calls (watching
 * costs some ten milliseconds to set up and close), a call after
 * the kernel dropped events (its queue overflowed), and every call when
 * watching is not possible (no inotify, the watch limit, a data file
 * reached through a symbolic link) list every .gcda file under root, as
 * path_walk does: the caller reads each and sees it did not move. Returns
 * -1 with *bad_path (to free) when a directory cannot be read. */
int ctx_watch_changed(struct ctx_watch *w, struct ctx_watch_list *out,
		      char **bad_path);

/* Where file f of the last list is found: its directory as kept open by
 * the watcher, with *name its last component (a long path costs a lookup
 * per component at every open), or AT_FDCWD with *name its whole path. */
int ctx_watch_at(const struct ctx_watch *w, const struct ctx_watch_file *f,
		 const char **name);

/* Whether w watches (the later calls list only what was written). */
int ctx_watch_active(const struct ctx_watch *w);

#endif
