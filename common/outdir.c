#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "outfile.h"
#include "path.h"

#define TMP_TAG ".tmp."
#define OLD_TAG ".old."

/* Whether the existing directory path may be replaced: it is empty, or
 * its index.html holds marker in its first 4 KiB. */
static int replaceable(const char *path, const char *marker)
{
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int empty = 1;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	if (empty)
		return 1;
	char *index = path_join(path, "index.html");
	FILE *fp = fopen(index, "rb");
	free(index);
	if (!fp)
		return 0;
	char buf[4097];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return memmem(buf, n, marker, strlen(marker)) != NULL;
}

/* Whether dir is the working directory or one of its parents (by their
 * real paths): replacing it would pull the directory from under the
 * shell that runs us. */
static int holds_cwd(const char *dir)
{
	char *d = realpath(dir, NULL), *c = realpath(".", NULL);
	size_t l = d ? strlen(d) : 0;
	int r = d && c && (!strcmp(d, "/") ||
			   (!strncmp(c, d, l) && (c[l] == '/' || c[l] == '\0')));
	free(d);
	free(c);
	return r;
}

/* The target without trailing slashes, or NULL with the cause in err when
 * it cannot be written: its last part is "." or "..", or it is the working
 * directory or a parent of it by any name (a directory in use, which no
 * rename replaces), it is not a directory, or it is one that is
 * neither empty nor a report (marker). */
static char *checked_target(const char *path, const char *marker,
			    struct strbuf *err)
{
	char *target = xstrdup(path);
	size_t l = strlen(target);
	while (l > 1 && target[l - 1] == '/')
		target[--l] = '\0';
	const char *base = path_basename(target);
	if (!strcmp(base, ".") || !strcmp(base, "..") || holds_cwd(target)) {
		strbuf_addstr(err, "it names the current directory or a parent of "
			      "it, which cannot be replaced; name a directory of "
			      "its own, such as coverage-html");
		free(target);
		return NULL;
	}
	struct stat st;
	if (stat(target, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			strbuf_addstr(err, "it exists and is not a directory");
			free(target);
			return NULL;
		}
		if (!replaceable(target, marker)) {
			strbuf_addstr(err, "it is a directory that is neither empty "
				      "nor an HTML report of covmerge (it would be "
				      "replaced whole); remove it or name another one");
			free(target);
			return NULL;
		}
	} else if (errno != ENOENT) {
		strbuf_addstr(err, strerror(errno));
		free(target);
		return NULL;
	} else {
		/* the parent must be there */
		char *parent = path_dirname(target);
		int bad = stat(parent, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
		free(parent);
		if (bad) {
			strbuf_addstr(err, strerror(bad));
			free(target);
			return NULL;
		}
	}
	return target;
}

int outdir_check(const char *path, const char *marker, struct strbuf *err)
{
	char *target = checked_target(path, marker, err);
	free(target);
	return target ? 0 : -1;
}

int outdir_open(struct outdir *od, const char *path, const char *marker,
		struct strbuf *err)
{
	memset(od, 0, sizeof(*od));
	char *target = checked_target(path, marker, err);
	if (!target)
		return -1;
	path_remove_stale_temps(target, TMP_TAG, 1);
	path_remove_stale_temps(target, OLD_TAG, 1);
	char *tmp = xasprintf("%s" TMP_TAG "%ld.XXXXXX", target, (long)getpid());
	if (!mkdtemp(tmp)) {
		strbuf_addstr(err, strerror(errno));
		free(tmp);
		free(target);
		return -1;
	}
	/* mkdtemp makes 0700; a report is an ordinary directory */
	mode_t mask = umask(0);
	umask(mask);
	chmod(tmp, 0777 & ~mask);
	od->path = target;
	od->tmp = tmp;
	return 0;
}

int outdir_write(struct outdir *od, const char *name, const void *data,
		 size_t len, struct strbuf *err)
{
	char *p = path_join(od->tmp, name);
	FILE *fp = fopen(p, "wb");
	free(p);
	if (!fp) {
		strbuf_addstr(err, strerror(errno));
		return -1;
	}
	int bad = fwrite(data, 1, len, fp) != len || fflush(fp) != 0 || ferror(fp);
	int e = errno;
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		strbuf_addstr(err, strerror(e ? e : EIO));
		return -1;
	}
	return 0;
}

int outdir_swap_aside(const char *tmp, const char *path)
{
	char *old = xasprintf("%s" OLD_TAG "%ld.XXXXXX", path, (long)getpid());
	/* a unique name: made as a directory, then replaced by the rename */
	if (!mkdtemp(old)) {
		int e = errno;
		free(old);
		errno = e;
		return -1;
	}
	if (rename(path, old) != 0) {
		int e = errno;
		rmdir(old);
		free(old);
		errno = e;
		return -1;
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		rename(old, path);
		free(old);
		errno = e;
		return -1;
	}
	path_remove_tree(old);
	free(old);
	return 0;
}

int outdir_put_in_place(const char *tmp, const char *path)
{
	int rc = -1, e = 0;
#ifdef RENAME_EXCHANGE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	e = errno;
	if (e == EEXIST) {
		struct stat st;
		if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
			e = ENOTDIR;
		} else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
				     RENAME_EXCHANGE) == 0) {
			/* tmp now holds the old report */
			path_remove_tree(tmp);
			return 0;
		} else {
			e = errno;
			if (e == EINVAL || e == ENOSYS) {
				rc = outdir_swap_aside(tmp, path);
				e = errno;
			}
		}
	} else if (e == EINVAL || e == ENOSYS) {
		rc = rename(tmp, path);
		e = errno;
		if (rc != 0 && (e == ENOTEMPTY || e == EEXIST)) {
			rc = outdir_swap_aside(tmp, path);
			e = errno;
		}
	}
#else
	rc = rename(tmp, path);
	e = errno;
	if (rc != 0 && (e == ENOTEMPTY || e == EEXIST)) {
		rc = outdir_swap_aside(tmp, path);
		e = errno;
	}
#endif
	if (rc != 0)
		path_remove_tree(tmp);
	errno = e;
	return rc;
}

int outdir_commit(struct outdir *od, struct strbuf *err)
{
	int rc = 0;
	if (outfile_batch_add_dir(od->path, od->tmp) == 0) {
		/* the batch owns both strings now */
		memset(od, 0, sizeof(*od));
		return 0;
	}
	if (outdir_put_in_place(od->tmp, od->path) != 0) {
		strbuf_addstr(err, strerror(errno));
		rc = -1;
	}
	free(od->tmp);
	free(od->path);
	memset(od, 0, sizeof(*od));
	return rc;
}

void outdir_abort(struct outdir *od)
{
	if (od->tmp)
		path_remove_tree(od->tmp);
	free(od->tmp);
	free(od->path);
	memset(od, 0, sizeof(*od));
}
