/* Path helpers shared by covmerge and runner. Purely lexical unless the
 * name says otherwise; every returned string is new and the caller frees it. */
#ifndef CM_PATH_H
#define CM_PATH_H

#include <stddef.h>

#include "strbuf.h"

/* Joins a and b with one '/'; b absolute wins. */
char *path_join(const char *a, const char *b);
/* Collapses "//", "." and "dir/.." lexically; keeps a leading '/'; never
 * returns an empty string ("." instead). */
char *path_normalize(const char *p);
/* Normalised absolute form of p, relative names taken against base (or the
 * process's working directory when base is NULL). */
char *path_absolute(const char *base, const char *p);
int path_has_suffix(const char *p, const char *suffix);
/* Same path with its suffix old replaced by new (old must be a suffix). */
char *path_replace_suffix(const char *p, const char *old_suffix,
			  const char *new_suffix);
/* The directory part ("." when there is none). */
char *path_dirname(const char *p);
const char *path_basename(const char *p);

struct path_list {
	char **v;
	size_t n, alloc;
};

void path_list_add(struct path_list *l, char *owned);
void path_list_release(struct path_list *l);
void path_list_sort(struct path_list *l);
/* Whether s is in l, sorted by path_list_sort. */
int path_list_has_sorted(const struct path_list *l, const char *s);

/* The type of directory entry path, whose readdir d_type is d_type:
 * DT_REG for a regular file or a symbolic link to one, DT_DIR for a
 * directory (a link to one is not followed), 0 for anything else (a
 * dangling link too). */
unsigned char path_entry_type(const char *path, unsigned char d_type);

/* A walk of a directory tree: on_dir (when set) sees each directory
 * before it is read and returns a tag for it; on_file sees each regular
 * file (link: reached through a symbolic link; tag: its directory's),
 * path being its len bytes, name its last component. */
struct path_walker {
	int (*on_dir)(const char *dir, void *ctx);
	void (*on_file)(const char *path, size_t len, const char *name, int link,
			int tag, void *ctx);
	void *ctx;
};

/* Walks the tree under dir (recursively, not following symbolic links to
 * directories); dir is restored. Returns -1 with *bad_path (to free) when
 * a directory cannot be read. */
int path_walk_tree(struct strbuf *dir, const struct path_walker *wk,
		   char **bad_path);

/* Adds every regular file under root (recursively, not following symlinked
 * directories) whose name ends in one of the NULL-terminated suffixes, as
 * normalised absolute paths, to lists[i] for suffix i. Returns 0, or -1
 * with errno set and *bad_path (freed by the caller) naming what failed. */
int path_walk(const char *root, const char *const *suffixes,
	      struct path_list *lists, char **bad_path);

/* How many regular files under dir (recursively) end in suffix; 0 when
 * dir cannot be read. */
size_t path_count_files(const char *dir, const char *suffix);

/* Removes path and everything under it (not following symlinks, not
 * crossing into other file systems). A missing path is fine. Returns 0, or
 * -1 with errno set. */
int path_remove_tree(const char *path);

/* Removes what a killed run left beside path: the entries named
 * "<basename of path><tag><pid>.*" whose process pid is dead (a live
 * process keeps its own). trees: entries may be directories, removed
 * whole; otherwise only files are unlinked. */
void path_remove_stale_temps(const char *path, const char *tag, int trees);
/* mkdir -p with mode 0777 (less umask). Returns 0, or -1 with errno. */
int path_mkdirs(const char *path);

#endif
