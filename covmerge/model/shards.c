/* Mapping shard files to their objects.
 *
 * A program run with GCOV_PREFIX=<root> and GCOV_PREFIX_STRIP=0 writes the
 * data of object /abs/dir/x.o to <root>/abs/dir/x.gcda, so the notes file
 * is found by taking the path under the root as absolute. A plain build
 * tree has each .gcda beside its .gcno. For stripped or relocated layouts
 * the .gcno files under --object-dir are matched by the longest common
 * tail of their paths, and a tie is settled by the header stamp. */
#include "shards.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "gcno.h"
#include "manifest.h"
#include "project.h"
#include "reader.h"

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The stamp word of a gcov file, or -1 when it cannot be read. */
int64_t read_stamp(const char *path, uint32_t magic)
{
	unsigned char hdr[12];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, hdr, sizeof(hdr));
	close(fd);
	return n == (ssize_t)sizeof(hdr) ? gcov_stamp_of(hdr, sizeof(hdr), magic) : -1;
}

/* Number of equal trailing path components of a and b. */
static size_t common_tail(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = 0;
	while (la > 0 && lb > 0) {
		size_t sa = la, sb = lb;
		while (sa > 0 && a[sa - 1] != '/')
			sa--;
		while (sb > 0 && b[sb - 1] != '/')
			sb--;
		if (la - sa != lb - sb || memcmp(a + sa, b + sb, la - sa) != 0)
			break;
		n++;
		la = sa ? sa - 1 : 0;
		lb = sb ? sb - 1 : 0;
		if (!sa || !sb)
			break;
	}
	return n;
}

struct pair {
	char *gcno, *gcda;  /* gcda NULL: an object with no data */
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->gcno, y->gcno);
	if (c)
		return c;
	if (!x->gcda || !y->gcda)
		return !x->gcda ? (y->gcda ? -1 : 0) : 1;
	return strcmp(x->gcda, y->gcda);
}

static int bsearch_path(const struct path_list *l, const char *p)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->v[mid], p);
		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int under_any(const char *path, char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(dirs[i]);
		if (!strncmp(path, dirs[i], l) && (path[l] == '/' || l == 1))
			return 1;
	}
	return 0;
}

/* p with its symbolic links resolved, or a copy of p when it cannot be
 * resolved: one name for one file, however a path reached it. */
static char *real_or_copy(const char *p)
{
	char *r = realpath(p, NULL);
	return r ? r : xstrdup(p);
}

/* Adds the normalised absolute form of dir to l, and its resolved form
 * too when symbolic links make that differ. */
static void add_dir_names(struct path_list *l, const char *dir)
{
	char *abs = path_absolute(NULL, dir);
	char *real = real_or_copy(abs);
	if (strcmp(real, abs))
		path_list_add(l, real);
	else
		free(real);
	path_list_add(l, abs);
}

/* Whether the file at path lies under one of dirs, by its name or, through
 * symbolic links, by its directory's resolved name. */
static int under_any_real(const char *path, char *const *dirs, size_t n)
{
	if (under_any(path, dirs, n))
		return 1;
	char *dir = path_dirname(path);
	char *real = real_or_copy(dir);
	char *again = path_join(real, path_basename(path));
	int in = under_any(again, dirs, n);
	free(again);
	free(real);
	free(dir);
	return in;
}

/* The object a data file found under root stands for: its path under the
 * root, taken as absolute (the file itself when root is "/"). */
static const char *object_of(const char *gcda, const char *root)
{
	size_t lr = strlen(root);
	return strncmp(gcda, root, lr) == 0 && gcda[lr] == '/' && lr > 1
		? gcda + lr : gcda;
}

/* Finds the notes file of gcda (found under root); NULL if none. */
static char *find_gcno(const char *gcda, const char *root,
		       const struct path_list *index, struct diag *d,
		       enum cm_severity sev)
{
	char *beside = path_replace_suffix(gcda, ".gcda", ".gcno");
	if (bsearch_path(index, beside) || is_file(beside))
		return beside;
	char *under = NULL;
	size_t lr = strlen(root);
	if (strncmp(gcda, root, lr) == 0 && gcda[lr] == '/' && lr > 1) {
		char *abs = path_normalize(gcda + lr);
		under = path_replace_suffix(abs, ".gcda", ".gcno");
		free(abs);
		if (bsearch_path(index, under) || is_file(under)) {
			free(beside);
			return under;
		}
	}
	/* the longest common tail among the indexed notes files */
	const char *base = path_basename(beside);
	size_t best = 0, nbest = 0;
	const char *pick = NULL;
	for (size_t i = 0; i < index->n; i++) {
		if (strcmp(path_basename(index->v[i]), base))
			continue;
		size_t t = common_tail(index->v[i], beside);
		if (t > best) {
			best = t;
			nbest = 1;
			pick = index->v[i];
		} else if (t == best) {
			nbest++;
		}
	}
	if (nbest > 1) {
		/* several equally good candidates: the stamp decides */
		int64_t stamp = read_stamp(gcda, GCOV_DATA_MAGIC);
		size_t nmatch = 0;
		for (size_t i = 0; i < index->n; i++) {
			if (strcmp(path_basename(index->v[i]), base) ||
			    common_tail(index->v[i], beside) != best)
				continue;
			if (stamp >= 0 && read_stamp(index->v[i], GCOV_NOTE_MAGIC) == stamp) {
				pick = index->v[i];
				nmatch++;
			}
		}
		if (nmatch != 1) {
			diag_add(d, sev, "cannot tell which notes file belongs to \"%s\": "
				 "%zu files named \"%s\" match it equally well\n"
				 "hint: pass a narrower --object-dir", gcda, nbest, base);
			free(beside);
			free(under);
			return NULL;
		}
	}
	if (pick) {
		free(beside);
		free(under);
		return xstrdup(pick);
	}
	if (under)
		diag_add(d, sev, "no notes file for \"%s\": looked for \"%s\" and \"%s\"\n"
			 "hint: pass --object-dir DIR naming the build tree that holds "
			 "the .gcno files", gcda, beside, under);
	else
		diag_add(d, sev, "no notes file for \"%s\": looked for \"%s\"\n"
			 "hint: pass --object-dir DIR naming the build tree that holds "
			 "the .gcno files", gcda, beside);
	free(beside);
	free(under);
	return NULL;
}

/* The shard root of a data file given on its own: the shallowest
 * directory above it under which it names an existing notes file, as
 * <root>/abs/build/x.gcda names /abs/build/x.gcno (the file's own
 * directory, "/", when the notes file is beside it or nowhere). So a
 * single file maps exactly as it would inside its shard directory. */
static char *single_gcda_root(const char *gcda)
{
	for (const char *p = strchr(gcda + 1, '/'); p; p = strchr(p + 1, '/')) {
		char *notes = path_replace_suffix(p, ".gcda", ".gcno");
		int found = is_file(notes);
		free(notes);
		if (found)
			return xstrndup(gcda, (size_t)(p - gcda));
	}
	return xstrdup("/");
}

static void walk_or_report(const char *dir, const char *const *suffixes,
			   struct path_list *lists, struct diag *d,
			   const char *what)
{
	char *bad = NULL;
	if (path_walk(dir, suffixes, lists, &bad)) {
		int e = errno;
		diag_add(d, CM_ERROR, "cannot read %s \"%s\": %s", what,
			 bad ? bad : dir, strerror(e));
		free(bad);
	}
}

/* Adds the .gcno files directly inside dir to list (one level only: a
 * subdirectory that cannot be read must not hide them). */
static void scan_dir_gcno(const char *dir, struct path_list *list)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (!path_has_suffix(de->d_name, ".gcno"))
			continue;
		char *p = path_join(dir, de->d_name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			path_list_add(list, p);
		else
			free(p);
	}
	closedir(dp);
}

static void dedup(struct path_list *l)
{
	path_list_sort(l);
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (w && !strcmp(l->v[w - 1], l->v[i]))
			free(l->v[i]);
		else
			l->v[w++] = l->v[i];
	}
	l->n = w;
}

/* For a merge without --object-dir: the build trees to search for the
 * objects that never ran, from the objects (notes files) that the data
 * files of one shard root map to. An object's build tree is the
 * directory holding CMakeCache.txt when CMake built it, else the deepest
 * directory that the shard's other such objects share, never "/" or a
 * system directory (then a warning says the search is not made). Each
 * object's own directory is searched in any case. */
static void add_build_trees(struct path_list *objs, struct path_list *index,
			    struct path_list *trees, struct diag *d)
{
	struct path_list loose = {0};
	dedup(objs);
	for (size_t i = 0; i < objs->n; i++) {
		char *dir = path_dirname(objs->v[i]);
		scan_dir_gcno(dir, index);
		char *build = project_cmake_build_dir(objs->v[i]);
		if (build)
			path_list_add(trees, build);
		else
			path_list_add(&loose, xstrdup(dir));
		free(dir);
	}
	if (loose.n) {
		char *common = project_common_dir(loose.v, loose.n, 0);
		if (project_is_system(common))
			diag_add(d, CM_WARNING, "objects that never ran are not looked "
				 "for: the data files' objects share no directory but "
				 "\"%s\" (pass --object-dir DIR to name the build tree)",
				 common);
		else
			path_list_add(trees, xstrdup(common));
		free(common);
	}
	path_list_release(&loose);
}

/* Adds every notes file under the trees to index. */
static void scan_trees(struct path_list *trees, struct path_list *index,
		       struct diag *d)
{
	static const char *const gcno_only[] = {".gcno", NULL};
	dedup(trees);
	for (size_t i = 0; i < trees->n; i++) {
		char *bad = NULL;
		if (path_walk(trees->v[i], gcno_only, index, &bad)) {
			int e = errno;
			diag_add(d, CM_WARNING, "objects that never ran may be missing: "
				 "cannot read \"%s\": %s (pass --object-dir DIR to name "
				 "the build tree)", bad ? bad : trees->v[i], strerror(e));
			free(bad);
		}
	}
}

/* scan_dir_gcno on the directory of the notes file at path. */
static void scan_dir_gcno_of(const char *path, struct path_list *index)
{
	char *dir = path_dirname(path);
	scan_dir_gcno(dir, index);
	free(dir);
}

/* The worker shard directories (gw0, gw1, ...) of a runner coverage
 * directory, sorted. */
static void list_worker_dirs(const char *dir, struct path_list *out)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		const char *n = de->d_name;
		if (strncmp(n, "gw", 2) || !n[2] || strspn(n + 2, "0123456789") !=
		    strlen(n + 2))
			continue;
		char *p = path_join(dir, n);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			path_list_add(out, p);
		else
			free(p);
	}
	closedir(dp);
	path_list_sort(out);
}

/* One root per shard: a runner coverage directory (it has a
 * manifest.json) is one root per worker directory. A data file given on
 * its own is a root that stands for its one object: no search for the
 * objects that never ran starts from it. */
struct root {
	char *path;
	struct path_list gcdas;
	int single;
};

/* What shards_discover gathers on its way. */
struct discovery {
	const struct cm_options *opts;
	struct diag *d;
	enum cm_severity sev;
	struct path_list index;     /* notes files known */
	struct pair *pairs;         /* (notes, data) found */
	size_t npairs, apairs;
	struct root *roots;
	size_t nroots, aroots;
	struct path_list cov_paths; /* the runner manifests' --cov paths */
	struct path_list trees;     /* build trees to search for notes */
	struct path_list only;      /* the object dirs' names, with
				     * only_object_dirs */
	struct path_list outside;   /* objects with data outside them */
};

static void add_pair(struct discovery *ds, char *gcno, char *gcda)
{
	GROW(ds->pairs, ds->apairs, ds->npairs + 1);
	ds->pairs[ds->npairs++] = (struct pair){gcno, gcda};
}

/* The inputs: single data files and directories become roots (their
 * notes files join the index), other files are tracefiles. */
static void collect_roots(struct discovery *ds, struct inventory *inv)
{
	static const char *const both[] = {".gcda", ".gcno", NULL};
	const struct cm_options *opts = ds->opts;
	struct diag *d = ds->d;
	for (size_t i = 0; i < opts->ninputs; i++) {
		struct stat st;
		const char *in = opts->inputs[i];
		if (stat(in, &st) != 0) {
			diag_add(d, CM_ERROR, "cannot read shard \"%s\": %s", in,
				 strerror(errno));
			continue;
		}
		if (S_ISREG(st.st_mode) && path_has_suffix(in, ".gcda")) {
			char *abs = path_absolute(NULL, in);
			GROW(ds->roots, ds->aroots, ds->nroots + 1);
			ds->roots[ds->nroots] = (struct root){single_gcda_root(abs), {0}, 1};
			path_list_add(&ds->roots[ds->nroots++].gcdas, abs);
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			path_list_add(&inv->tracefiles, xstrdup(in));
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			diag_add(d, CM_ERROR, "cannot read \"%s\": not a directory, a "
				 ".gcda file or a tracefile", in);
			continue;
		}
		struct path_list sub = {0};
		char *manifest = path_join(in, "manifest.json");
		if (stat(manifest, &st) == 0) {
			list_worker_dirs(in, &sub);
			manifest_cov_paths(in, &ds->cov_paths);
		}
		free(manifest);
		if (!sub.n)
			path_list_add(&sub, xstrdup(in));
		for (size_t k = 0; k < sub.n; k++) {
			struct path_list lists[2] = {{0}, {0}};
			walk_or_report(sub.v[k], both, lists, d, "shard");
			GROW(ds->roots, ds->aroots, ds->nroots + 1);
			ds->roots[ds->nroots++] = (struct root){xstrdup(sub.v[k]), lists[0], 0};
			for (size_t q = 0; q < lists[1].n; q++)
				path_list_add(&ds->index, lists[1].v[q]);
			free(lists[1].v);
		}
		path_list_release(&sub);
	}
	dedup(&ds->index);
}

/* Pairs each data file of root r with its notes file, and says which
 * build trees to search for the objects that never ran. */
static void pair_root(struct discovery *ds, struct root *r,
		      const struct path_list *scope)
{
	const struct cm_options *opts = ds->opts;
	char *root = path_absolute(NULL, r->path);
	struct path_list *g = &r->gcdas, objs = {0};
	path_list_sort(g);
	for (size_t k = 0; k < g->n; k++) {
		/* only_object_dirs: data whose object lies outside them is not
		 * measured (counted for the note that says so) */
		const char *obj = object_of(g->v[k], root);
		if (ds->only.n && !under_any_real(obj, ds->only.v, ds->only.n) &&
		    !under_any(g->v[k], ds->only.v, ds->only.n)) {
			path_list_add(&ds->outside, path_normalize(obj));
			continue;
		}
		char *gcno = find_gcno(g->v[k], root, &ds->index, ds->d, ds->sev);
		if (!gcno)
			continue;
		/* one object, one name, whichever path led to it */
		char *real = real_or_copy(gcno);
		free(gcno);
		gcno = real;
		if ((!opts->nobject_dirs || opts->only_object_dirs) && !r->single)
			path_list_add(&objs, xstrdup(gcno));
		add_pair(ds, gcno, g->v[k]);
		g->v[k] = NULL;
	}
	if (objs.n && (!scope || !scope->n)) {
		add_build_trees(&objs, &ds->index, &ds->trees, ds->d);
	} else if (objs.n) {
		struct path_list outside = {0};
		for (size_t k = 0; k < objs.n; k++) {
			if (!under_any(objs.v[k], scope->v, scope->n))
				path_list_add(&outside, xstrdup(objs.v[k]));
			else if (!opts->nobject_dirs)
				scan_dir_gcno_of(objs.v[k], &ds->index);
		}
		if (outside.n)
			add_build_trees(&outside, &ds->index, &ds->trees, ds->d);
		path_list_release(&outside);
	}
	path_list_release(&objs);
	free(root);
	free(r->path);
	path_list_release(g);
}

/* Sorts the pairs by notes file into the inventory: one object per notes
 * file, with its data files. */
static void group_pairs(struct discovery *ds, struct inventory *inv)
{
	struct pair *pairs = ds->pairs;
	if (ds->npairs > 1)
		qsort(pairs, ds->npairs, sizeof(*pairs), cmp_pair);
	for (size_t i = 0; i < ds->npairs; i++) {
		if (!inv->n || strcmp(inv->v[inv->n - 1].gcno, pairs[i].gcno)) {
			GROW(inv->v, inv->alloc, inv->n + 1);
			memset(&inv->v[inv->n], 0, sizeof(inv->v[0]));
			inv->v[inv->n++].gcno = pairs[i].gcno;
		} else {
			free(pairs[i].gcno);
		}
		struct object *o = &inv->v[inv->n - 1];
		if (pairs[i].gcda) {
			/* the same file named twice (overlapping roots) counts once */
			if (o->gcdas.n && !strcmp(o->gcdas.v[o->gcdas.n - 1], pairs[i].gcda))
				free(pairs[i].gcda);
			else
				path_list_add(&o->gcdas, pairs[i].gcda);
		}
	}
	free(pairs);
}

void shards_discover(const struct cm_options *opts, struct inventory *inv,
		     struct diag *d)
{
	static const char *const gcno_only[] = {".gcno", NULL};
	struct discovery ds = {.opts = opts, .d = d,
			       .sev = opts->ignore_stale ? CM_WARNING : CM_ERROR};

	for (size_t i = 0; i < opts->nobject_dirs; i++)
		walk_or_report(opts->object_dirs[i], gcno_only, &ds.index, d,
			       "object directory");
	collect_roots(&ds, inv);

	/* without --object-dir, the build trees of the shards' own objects
	 * (or the runner manifest's --cov paths) tell which objects exist */
	for (size_t i = 0; !opts->nobject_dirs && i < ds.cov_paths.n; i++)
		path_list_add(&ds.trees, xstrdup(ds.cov_paths.v[i]));
	if (opts->only_object_dirs)
		for (size_t i = 0; i < opts->nobject_dirs; i++)
			add_dir_names(&ds.only, opts->object_dirs[i]);
	for (size_t i = 0, n = ds.cov_paths.n; i < n; i++) {
		char *real = real_or_copy(ds.cov_paths.v[i]);
		if (strcmp(real, ds.cov_paths.v[i]))
			path_list_add(&ds.cov_paths, real);
		else
			free(real);
	}
	/* the runner's --cov paths: objects with data outside them (their
	 * data lies under a --cov path, the coverage directory being there)
	 * get their build tree searched as plain shards' objects do */
	const struct path_list *scope = opts->only_object_dirs ? &ds.only
				      : !opts->nobject_dirs ? &ds.cov_paths : NULL;
	for (size_t i = 0; i < ds.nroots; i++)
		pair_root(&ds, &ds.roots[i], scope);
	free(ds.roots);
	path_list_release(&ds.only);
	dedup(&ds.outside);
	inv->nleft_out = ds.outside.n;
	inv->left_out_first = ds.outside.n ? xstrdup(ds.outside.v[0]) : NULL;
	path_list_release(&ds.outside);

	scan_trees(&ds.trees, &ds.index, d);
	path_list_release(&ds.trees);
	path_list_release(&ds.cov_paths);
	for (size_t i = 0; i < ds.index.n; i++) {
		char *real = real_or_copy(ds.index.v[i]);
		free(ds.index.v[i]);
		ds.index.v[i] = real;
	}
	dedup(&ds.index);
	/* every notes file is an object, run or not */
	for (size_t i = 0; i < ds.index.n; i++) {
		add_pair(&ds, ds.index.v[i], NULL);
		ds.index.v[i] = NULL;
	}
	path_list_release(&ds.index);
	group_pairs(&ds, inv);
}

void inventory_release(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n; i++) {
		free(inv->v[i].gcno);
		path_list_release(&inv->v[i].gcdas);
	}
	free(inv->v);
	path_list_release(&inv->tracefiles);
	free(inv->left_out_first);
	memset(inv, 0, sizeof(*inv));
}
