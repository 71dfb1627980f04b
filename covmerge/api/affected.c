/* runner --affected-by REV: which recorded tests a change can affect
 * (see covmerge_contexts.h and docs/contexts.md).
 *
 * The store maps source lines to the tests that ran them and was made at
 * a git revision; `git diff REV` of the working tree gives, per old file,
 * the old lines that changed (an insertion: the old lines around it).
 * A test is selected when it ran a changed line. Conservative where the
 * lines cannot tell:
 *   - a changed line no test ran (a declaration, an initialiser, a macro;
 *     blank and comment lines aside) selects every test of every program
 *     that compiles the file (its objects' notes or dependency files name
 *     it);
 *   - a file whose content at REV is not what the store recorded (the
 *     tree was dirty when the contexts were made) selects every test that
 *     ran it or whose program compiles it;
 *   - a changed C or C++ source or header that no program is known to
 *     compile runs everything;
 *   - a test whose program wrote no coverage data runs on any change;
 *   - no store, a store made at another revision than REV: everything.
 * Other changed files (documentation, build files) select nothing. */
#include "covmerge_contexts.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "contexts.h"
#include "infile.h"
#include "path.h"
#include "run_capture.h"
#include "udiff.h"

/* git's output (trailing newlines off); -1 with the cause in err. */
static int git(char *const *argv, struct strbuf *out, struct strbuf *err)
{
	strbuf_reset(out);
	struct strbuf why;
	strbuf_init(&why);
	int rc = cm_run_capture(argv, "/dev/null", out, &why);
	if (rc) {
		strbuf_addstr(err, "`");
		for (size_t i = 0; argv[i]; i++)
			strbuf_addf(err, "%s%s", i ? " " : "", argv[i]);
		strbuf_addf(err, "` %s", why.buf);
	}
	strbuf_release(&why);
	while (!rc && out->len && out->buf[out->len - 1] == '\n')
		out->buf[--out->len] = '\0';
	return rc;
}

/* The path as the store would have it: the real path when it exists. */
static char *canonical(const char *path)
{
	char *real = realpath(path, NULL);
	if (real)
		return real;
	return path_normalize(path);
}

static int c_family(const char *path)
{
	static const char *const ext[] = {
		".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx",
		".h++", ".inc", ".inl", ".def", ".ipp", ".tcc", ".i", NULL,
	};
	for (size_t i = 0; ext[i]; i++)
		if (path_has_suffix(path, ext[i]))
			return 1;
	return 0;
}

/* Whether line n (from 1) of text is blank or only a comment. */
static int blank_or_comment(const char *text, size_t len, unsigned n)
{
	const char *p = text, *end = text + len;
	for (unsigned k = 1; k < n && p < end; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return 1;   /* past the end: nothing there */
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *e = nl ? nl : end;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == e || (e - p >= 2 && (!memcmp(p, "//", 2) || !memcmp(p, "/*", 2) ||
					 !memcmp(p, "*/", 2))) ||
	       (*p == '*' && (e - p == 1 || p[1] == ' ' || p[1] == '\t'));
}

struct selector {
	const struct ctx_store *s;
	char **why;               /* per test: the first reason, or NULL */
	char **real;              /* per store file: its canonical path */
};

static void select_test(struct selector *sl, uint32_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void select_test(struct selector *sl, uint32_t t, const char *fmt, ...)
{
	if (sl->why[t])
		return;
	struct strbuf sb;
	strbuf_init(&sb);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	sl->why[t] = strbuf_detach(&sb, NULL);
}

/* Every test of every program that compiles file fi. */
static void select_programs_of(struct selector *sl, uint32_t fi, const char *why)
{
	const struct ctx_store *s = sl->s;
	for (size_t t = 0; t < s->ntests; t++) {
		const struct ctx_prog *p = &s->progs[s->tests[t].prog];
		for (size_t k = 0; k < p->nsources; k++)
			if (p->sources[k] == fi) {
				select_test(sl, (uint32_t)t, "%s (compiled into %s)", why,
					    p->name);
				break;
			}
	}
}

static int64_t find_file(const struct selector *sl, const char *real)
{
	for (size_t i = 0; i < sl->s->nfiles; i++)
		if (!strcmp(sl->real[i], real))
			return (int64_t)i;
	return -1;
}

/* The blob id of rel at rev from `git ls-tree` (NULL when not there). */
static char *blob_at(const char *rev, const char *rel)
{
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	char *spec = xstrdup(rel);
	char *r = xstrdup(rev);
	char *argv[] = {"git", "ls-tree", "--full-tree", r, "--", spec, NULL};
	char *blob = NULL;
	if (git(argv, &out, &err) == 0) {
		/* "<mode> blob <id>\t<path>" */
		const char *b = strstr(out.buf, " blob ");
		if (b && strlen(b + 6) >= 40)
			blob = xstrndup(b + 6, 40);
	}
	free(spec);
	free(r);
	strbuf_release(&out);
	strbuf_release(&err);
	return blob;
}

/* One changed old file. Returns 0, or 1 when everything must run (why
 * in sel->run_all). */
static int changed_file(struct selector *sl, const char *rev, const char *top,
			const struct udiff_file *uf, struct cm_ctx_selection *sel)
{
	char *abs = path_join(top, uf->path);
	char *real = canonical(abs);
	free(abs);
	int64_t fi = find_file(sl, real);
	free(real);
	if (fi < 0) {
		if (!c_family(uf->path))
			return 0;
		sel->run_all = xasprintf("%s changed, and no recorded test program "
					 "is known to compile it: running every test",
					 uf->path);
		return 1;
	}
	const struct ctx_file *f = &sl->s->files[fi];
	char *blob = f->blob[0] ? blob_at(rev, uf->path) : NULL;
	if (blob && strcmp(blob, f->blob)) {
		/* the recorded lines are not REV's lines */
		char *why = xasprintf("%s changed since the contexts were recorded "
				      "(they were made from a modified copy)", uf->path);
		for (size_t e = 0; e < f->nentries; e++) {
			CTX_FOR_TESTS(&f->entries[e], t)
				select_test(sl, (uint32_t)t, "%s", why);
		}
		select_programs_of(sl, (uint32_t)fi, why);
		free(why);
		free(blob);
		return 0;
	}
	free(blob);
	struct strbuf old;
	strbuf_init(&old);
	int have_old = 0;
	for (size_t i = 0; i < uf->nlines; i++) {
		unsigned line = uf->lines[i];
		const struct ctx_entry *e = ctx_file_find(f, line, 0);
		if (e) {
			CTX_FOR_TESTS(e, t)
				select_test(sl, (uint32_t)t, "it ran %s:%u", uf->path, line);
			continue;
		}
		if (!have_old) {
			struct strbuf err;
			strbuf_init(&err);
			char *spec = xasprintf("%s:%s", rev, uf->path);
			char *argv[] = {"git", "show", spec, NULL};
			if (git(argv, &old, &err))
				strbuf_reset(&old);
			free(spec);
			strbuf_release(&err);
			have_old = 1;
		}
		if (blank_or_comment(old.buf, old.len, line))
			continue;
		char *why = xasprintf("%s:%u changed, a line no test ran (a "
				      "declaration, an initialiser, a macro?)", uf->path,
				      line);
		select_programs_of(sl, (uint32_t)fi, why);
		free(why);
	}
	strbuf_release(&old);
	return 0;
}

static int diff_against(const char *rev, struct udiff *u, struct strbuf *err)
{
	struct strbuf out;
	strbuf_init(&out);
	char *r = xstrdup(rev);
	char *cmd[] = {"git", "-c", "core.quotePath=true", "diff", "--no-color",
		       "--no-ext-diff", "--no-textconv", "--no-renames", "-U0",
		       "--src-prefix=a/", "--dst-prefix=b/", r, "--", NULL};
	int rc = git(cmd, &out, err);
	if (!rc && udiff_parse(out.buf, out.len, u, err))
		rc = -1;
	free(r);
	strbuf_release(&out);
	return rc;
}

static int load_store(const char *path, struct ctx_store *s,
		      struct cm_ctx_selection *sel, struct strbuf *err)
{
	struct strbuf data;
	strbuf_init(&data);
	struct strbuf why;
	strbuf_init(&why);
	int rc = 0;
	if (infile_load(path, &data, &why)) {
		sel->run_all = xasprintf("no recorded contexts (%s: %s; run the "
					 "whole suite once with --cov-context=test): "
					 "running every test", path, why.buf);
	} else if (ctx_store_parse(s, data.buf, data.len, &why)) {
		strbuf_addf(err, "cannot read the contexts \"%s\": %s", path, why.buf);
		rc = -1;
	}
	strbuf_release(&why);
	strbuf_release(&data);
	return rc;
}

int cm_ctx_affected(const char *store_path, const char *rev,
		    struct cm_ctx_selection *sel, struct strbuf *err)
{
	memset(sel, 0, sizeof(*sel));
	struct ctx_store s;
	ctx_store_init(&s);
	int rc = load_store(store_path, &s, sel, err);
	if (rc || sel->run_all) {
		ctx_store_release(&s);
		return rc;
	}
	sel->revision = xstrdup(s.revision);
	sel->nknown = s.ntests;
	sel->known = xcalloc(s.ntests ? s.ntests : 1, sizeof(char *));
	for (size_t t = 0; t < s.ntests; t++)
		sel->known[t] = xstrdup(s.tests[t].id);
	struct strbuf out;
	strbuf_init(&out);
	char *spec = xasprintf("%s^{commit}", rev);
	char *argv[] = {"git", "rev-parse", "--verify", "-q", spec, NULL};
	char *top = NULL;
	if (git(argv, &out, err)) {
		strbuf_reset(err);
		strbuf_addf(err, "--affected-by: \"%s\" is not a git revision here", rev);
		rc = -1;
	} else if (!s.revision[0]) {
		sel->run_all = xasprintf("the contexts in %s record no git revision: "
					 "running every test", store_path);
	} else if (strcmp(out.buf, s.revision)) {
		sel->run_all = xasprintf("the contexts were recorded at %.12s, not at "
					 "%s (%.12s): running every test", s.revision,
					 rev, out.buf);
	} else {
		char *tl[] = {"git", "rev-parse", "--show-toplevel", NULL};
		rc = git(tl, &out, err);
		if (!rc)
			top = xstrdup(out.buf);
	}
	free(spec);
	strbuf_release(&out);
	if (rc || sel->run_all) {
		free(top);
		ctx_store_release(&s);
		return rc;
	}
	struct udiff u = {0};
	struct selector sl = {&s, xcalloc(s.ntests ? s.ntests : 1, sizeof(char *)),
			      xcalloc(s.nfiles ? s.nfiles : 1, sizeof(char *))};
	for (size_t i = 0; i < s.nfiles; i++)
		sl.real[i] = canonical(s.files[i].path);
	rc = diff_against(rev, &u, err);
	for (size_t i = 0; !rc && i < u.nold; i++)
		if (changed_file(&sl, s.revision, top, &u.old[i], sel))
			break;
	/* a program that wrote no coverage data (built without --coverage):
	 * nothing tells what it depends on, so any change runs its tests */
	for (size_t t = 0; !rc && (u.nold || u.nfiles) && t < s.ntests; t++)
		if (!s.progs[s.tests[t].prog].nsources)
			select_test(&sl, (uint32_t)t, "its program wrote no coverage "
				    "data (built without --coverage?): any change may "
				    "affect it");
	if (!rc && !sel->run_all) {
		sel->selected = xcalloc(s.ntests ? s.ntests : 1, sizeof(char *));
		sel->why = xcalloc(s.ntests ? s.ntests : 1, sizeof(char *));
		for (size_t t = 0; t < s.ntests; t++) {
			if (!sl.why[t])
				continue;
			sel->selected[sel->nselected] = xstrdup(s.tests[t].id);
			sel->why[sel->nselected++] = sl.why[t];
			sl.why[t] = NULL;
		}
	}
	for (size_t t = 0; t < s.ntests; t++)
		free(sl.why[t]);
	for (size_t i = 0; i < s.nfiles; i++)
		free(sl.real[i]);
	free(sl.why);
	free(sl.real);
	udiff_release(&u);
	free(top);
	ctx_store_release(&s);
	return rc;
}

void cm_ctx_selection_release(struct cm_ctx_selection *sel)
{
	free(sel->run_all);
	for (size_t i = 0; i < sel->nselected; i++) {
		free(sel->selected[i]);
		free(sel->why[i]);
	}
	free(sel->selected);
	free(sel->why);
	for (size_t i = 0; i < sel->nknown; i++)
		free(sel->known[i]);
	free(sel->known);
	free(sel->revision);
	memset(sel, 0, sizeof(*sel));
}
