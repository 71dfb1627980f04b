#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cmp.h"
#include "strbuf.h"

char *path_join(const char *a, const char *b)
{
	if (b[0] == '/' || !a[0])
		return xstrdup(b);
	size_t la = strlen(a);
	if (a[la - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

char *path_normalize(const char *p)
{
	int absolute = p[0] == '/';
	/* component start offsets into out, to pop on ".." */
	size_t *stack = NULL, nstack = 0, astack = 0;
	struct strbuf out;
	strbuf_init(&out);
	if (absolute)
		strbuf_addch(&out, '/');
	size_t base = out.len;
	const char *s = p;
	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (nstack > 0 &&
			    !(out.len - stack[nstack - 1] == 2 &&
			      memcmp(out.buf + stack[nstack - 1], "..", 2) == 0)) {
				out.len = stack[--nstack];
				if (out.len > base)
					out.len--; /* the separator */
				out.buf[out.len] = '\0';
			} else if (!absolute) {
				if (out.len > base)
					strbuf_addch(&out, '/');
				GROW(stack, astack, nstack + 1);
				stack[nstack++] = out.len;
				strbuf_add(&out, "..", 2);
			}
			/* "/.." stays "/" */
		} else {
			if (out.len > base)
				strbuf_addch(&out, '/');
			GROW(stack, astack, nstack + 1);
			stack[nstack++] = out.len;
			strbuf_add(&out, s, n);
		}
		s += n;
	}
	free(stack);
	if (out.len == 0)
		strbuf_addch(&out, '.');
	return strbuf_detach(&out, NULL);
}

char *path_absolute(const char *base, const char *p)
{
	if (p[0] == '/')
		return path_normalize(p);
	char *cwd = NULL;
	if (!base) {
		cwd = getcwd(NULL, 0);
		base = cwd ? cwd : "/";
	}
	char *j = path_join(base, p);
	char *r;
	if (j[0] != '/') {
		/* a relative base: anchor it at the working directory too */
		char *a = path_absolute(NULL, j);
		r = a;
	} else {
		r = path_normalize(j);
	}
	free(j);
	free(cwd);
	return r;
}

int path_has_suffix(const char *p, const char *suffix)
{
	size_t lp = strlen(p), ls = strlen(suffix);
	return lp >= ls && memcmp(p + lp - ls, suffix, ls) == 0;
}

char *path_replace_suffix(const char *p, const char *old_suffix,
			  const char *new_suffix)
{
	size_t keep = strlen(p) - strlen(old_suffix);
	return xasprintf("%.*s%s", (int)keep, p, new_suffix);
}

char *path_dirname(const char *p)
{
	const char *slash = strrchr(p, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == p)
		return xstrdup("/");
	return xstrndup(p, (size_t)(slash - p));
}

const char *path_basename(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

void path_list_add(struct path_list *l, char *owned)
{
	GROW(l->v, l->alloc, l->n + 1);
	l->v[l->n++] = owned;
}

void path_list_release(struct path_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

void path_list_sort(struct path_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

int path_list_has_sorted(const struct path_list *l, const char *s)
{
	return l->n && bsearch(&s, l->v, l->n, sizeof(*l->v), cmp_str);
}

unsigned char path_entry_type(const char *path, unsigned char d_type)
{
	if (d_type != DT_UNKNOWN && d_type != DT_LNK)
		return d_type == DT_REG || d_type == DT_DIR ? d_type : 0;
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;   /* dangling link */
	if (S_ISREG(st.st_mode))
		return DT_REG;
	if (S_ISDIR(st.st_mode) && d_type != DT_LNK)
		return DT_DIR;
	return 0;
}

int path_walk_tree(struct strbuf *dir, const struct path_walker *wk,
		   char **bad_path)
{
	int tag = wk->on_dir ? wk->on_dir(dir->buf, wk->ctx) : 0;
	DIR *d = opendir(dir->buf);
	if (!d) {
		*bad_path = xstrdup(dir->buf);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	size_t dlen = dir->len;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		dir->len = dlen;
		dir->buf[dlen] = '\0';
		if (dlen == 0 || dir->buf[dlen - 1] != '/')
			strbuf_addch(dir, '/');
		strbuf_addstr(dir, name);
		unsigned char type = path_entry_type(dir->buf, de->d_type);
		if (type == DT_DIR) {
			rc = path_walk_tree(dir, wk, bad_path);
			if (rc)
				break;
		} else if (type == DT_REG) {
			wk->on_file(dir->buf, dir->len, name, de->d_type == DT_LNK,
				    tag, wk->ctx);
		}
	}
	int saved = errno;
	closedir(d);
	dir->len = dlen;
	dir->buf[dlen] = '\0';
	errno = saved;
	return rc;
}

struct by_suffix {
	const char *const *suffixes;
	struct path_list *lists;
};

static void add_by_suffix(const char *path, size_t len, const char *name,
			  int link, int tag, void *ctx)
{
	const struct by_suffix *bs = ctx;
	(void)link;
	(void)tag;
	for (size_t i = 0; bs->suffixes[i]; i++) {
		if (path_has_suffix(name, bs->suffixes[i])) {
			path_list_add(&bs->lists[i], xstrndup(path, len));
			return;
		}
	}
}

int path_walk(const char *root, const char *const *suffixes,
	      struct path_list *lists, char **bad_path)
{
	struct strbuf dir;
	strbuf_init(&dir);
	char *abs = path_absolute(NULL, root);
	strbuf_addstr(&dir, abs);
	free(abs);
	*bad_path = NULL;
	struct by_suffix bs = {suffixes, lists};
	struct path_walker wk = {NULL, add_by_suffix, &bs};
	int rc = path_walk_tree(&dir, &wk, bad_path);
	strbuf_release(&dir);
	return rc;
}

size_t path_count_files(const char *dir, const char *suffix)
{
	const char *const suffixes[] = {suffix, NULL};
	struct path_list l = {0};
	char *bad = NULL;
	path_walk(dir, suffixes, &l, &bad);
	free(bad);
	size_t n = l.n;
	path_list_release(&l);
	return n;
}

static int remove_one(const char *p, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int rc = type == FTW_DP ? rmdir(p) : unlink(p);
	return rc != 0 && errno != ENOENT ? -1 : 0;
}

int path_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) ? -1 : 0;
}

void path_remove_stale_temps(const char *path, const char *tag, int trees)
{
	char *dir = path_dirname(path);
	const char *base = path_basename(path);
	size_t lb = strlen(base), lt = strlen(tag);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		const char *n = de->d_name;
		if (strncmp(n, base, lb) || strncmp(n + lb, tag, lt))
			continue;
		char *end;
		errno = 0;
		long pid = strtol(n + lb + lt, &end, 10);
		if (errno || *end != '.' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *stale = path_join(dir, n);
		if (trees)
			path_remove_tree(stale);
		else
			unlink(stale);
		free(stale);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* mkdir that accepts an existing directory (and only a directory). */
static int mkdir_one(const char *p)
{
	if (mkdir(p, 0777) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	errno = ENOTDIR;
	return -1;
}

int path_mkdirs(const char *path)
{
	if (!path[0]) {
		errno = ENOENT;
		return -1;
	}
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && !rc; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		rc = mkdir_one(p);
		*s = '/';
	}
	if (!rc)
		rc = mkdir_one(p);
	int e = errno;
	free(p);
	errno = e;
	return rc;
}
