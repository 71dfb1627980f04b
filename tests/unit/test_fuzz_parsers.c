/* Robustness of the readers: never a crash or a hang, whatever the input.
 *
 * A small C program is compiled with gcc --coverage and run (twice) at test
 * time, giving a real .gcno/.gcda pair in gcc's current format. Then:
 *
 *  - every truncation 0..len of each file goes through gcno_parse/gcda_parse
 *    (from an exact-size heap copy, so AddressSanitizer sees any read past
 *    the end) and through the whole pipeline, cm_merge on a shard directory
 *    holding the cut file; both must agree on whether the file is valid, and
 *    a failure must name the file;
 *  - a few thousand deterministic random corruptions (1 to 8 bytes changed)
 *    of either or both files go through the parsers and cm_merge: the result
 *    is 0 or -1, -1 exactly when an error was emitted, and a report made from
 *    damaged data never holds a negative count;
 *  - big-endian files: a hand-built pair, and the real pair byte-swapped word
 *    by word (strings left alone), must give exactly the little-endian
 *    results.
 *
 * Run it under the CM_SANITIZE build for the memory checks to mean much. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "covmerge.h"
#include "gcda.h"
#include "gcno.h"
#include "lines.h"
#include "path.h"
#include "reader.h"
#include "strbuf.h"
#include "unit_util.h"

/* Random corruptions per target (notes only, data only, both); both can
 * be overridden at compile time for a longer campaign. */
#ifndef FLIPS_PER_TARGET
#define FLIPS_PER_TARGET 1000
#endif
#ifndef FUZZ_SEED
#define FUZZ_SEED 0x9e3779b97f4a7c15ull
#endif

static const char fixture_h[] =
	"static inline int clampi(int v, int lo, int hi)\n"
	"{\n"
	"\tif (v < lo)\n"
	"\t\treturn lo;\n"
	"\treturn v > hi ? hi : v;\n"
	"}\n";

static const char fixture_c[] =
	"#include <stdlib.h>\n"
	"#include \"fix.h\"\n"
	"\n"
	"static int never(int x)\n"
	"{\n"
	"\treturn x * 3;\n"
	"}\n"
	"\n"
	"int classify(int v)\n"
	"{\n"
	"\tswitch (v % 4) {\n"
	"\tcase 0: return 10;\n"
	"\tcase 1: return 20;\n"
	"\tdefault: break;\n"
	"\t}\n"
	"\treturn v > 100 ? never(v) : 30;\n"
	"}\n"
	"\n"
	"int loop(int n)\n"
	"{\n"
	"\tint s = 0;\n"
	"\tfor (int i = 0; i < n; i++) { if (i & 1) s += i; else s -= 1; }\n"
	"\twhile (n > 3)\n"
	"\t\tn /= 2;\n"
	"\treturn s + n;\n"
	"}\n"
	"\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"\t(void)argv;\n"
	"\tint t = 0;\n"
	"\tfor (int i = 0; i < 7; i++)\n"
	"\t\tt += classify(i) + loop(i) + clampi(i, 2, 5);\n"
	"\tif (argc > 5)\n"
	"\t\texit(t & 1);\n"
	"\treturn t == 0;\n"
	"}\n";

struct fixture {
	char *dir;          /* scratch root (absolute) */
	char *build;        /* where the program was built and run */
	unsigned char *gcno, *gcda;
	size_t gcno_len, gcda_len;
	struct cm_report *baseline; /* cm_merge of the intact pair */
};

static struct fixture fx;

/* ---- helpers ------------------------------------------------------------ */

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		print_error("command failed (%d): %s\n", rc, cmd);
	return rc;
}

/* A fresh subdirectory of the scratch root. */
static char *subdir(const char *name)
{
	char *p = ut_join(fx.dir, name);
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
	return p;
}

static void put_file(const char *dir, const char *name, const void *data, size_t n)
{
	char *p = ut_join(dir, name);
	if (ut_write_file(p, data, n) != 0)
		fail_msg("cannot write %s", p);
	free(p);
}

struct msgs {
	size_t n, nerrors;
	char *text[16];
	enum cm_severity sev[16];
};

static void record(void *ctx, enum cm_severity sev, const char *msg)
{
	struct msgs *m = ctx;
	assert_non_null(msg);
	if (m->n < 16) {
		m->text[m->n] = strdup(msg);
		m->sev[m->n] = sev;
	}
	m->n++;
	if (sev == CM_ERROR)
		m->nerrors++;
}

static void msgs_clear(struct msgs *m)
{
	for (size_t i = 0; i < m->n && i < 16; i++)
		free(m->text[i]);
	memset(m, 0, sizeof(*m));
}

/* An error message that names path (in quotes). */
static int error_names(const struct msgs *m, const char *path)
{
	char *q = malloc(strlen(path) + 3);
	sprintf(q, "\"%s\"", path);
	int found = 0;
	for (size_t i = 0; i < m->n && i < 16; i++)
		if (m->sev[i] == CM_ERROR && strstr(m->text[i], q))
			found = 1;
	free(q);
	return found;
}

static void dump_msgs(const struct msgs *m)
{
	for (size_t i = 0; i < m->n && i < 16; i++)
		print_message("  %s: %s\n", m->sev[i] == CM_ERROR ? "error" : "warning",
			      m->text[i]);
}

static int merge_dir(const char *dir, struct msgs *m, struct cm_report **rep)
{
	const char *inputs[1] = {dir};
	struct cm_options o = {
		.inputs = inputs, .ninputs = 1, .jobs = 1,
		.emit = record, .emit_ctx = m,
	};
	return cm_merge(&o, rep);
}

/* Every count in r is >= 0; returns 0 or complains and returns -1. */
static int report_counts_ok(const struct cm_report *r)
{
	for (size_t f = 0; f < r->nfiles; f++) {
		const struct cm_file *cf = &r->files[f];
		for (size_t l = 0; l < cf->nlines; l++) {
			const struct cm_line *ln = &cf->lines[l];
			if (ln->count < 0) {
				print_error("%s:%u: line count %lld\n", cf->path,
					    ln->lineno, (long long)ln->count);
				return -1;
			}
			for (size_t b = 0; b < ln->nbranches; b++) {
				if (ln->branches[b].count < 0) {
					print_error("%s:%u: branch %zu count %lld\n",
						    cf->path, ln->lineno, b,
						    (long long)ln->branches[b].count);
					return -1;
				}
			}
		}
		for (size_t i = 0; i < cf->nfunctions; i++) {
			if (cf->functions[i].count < 0) {
				print_error("%s: function %s count %lld\n", cf->path,
					    cf->functions[i].name,
					    (long long)cf->functions[i].count);
				return -1;
			}
		}
	}
	return 0;
}

static void assert_reports_equal(const struct cm_report *a, const struct cm_report *b)
{
	assert_int_equal(a->nfiles, b->nfiles);
	assert_int_equal(a->nobjects, b->nobjects);
	assert_int_equal(a->nobjects_unrun, b->nobjects_unrun);
	assert_int_equal(a->ndata, b->ndata);
	assert_true(a->runs == b->runs);
	for (size_t f = 0; f < a->nfiles; f++) {
		const struct cm_file *x = &a->files[f], *y = &b->files[f];
		assert_string_equal(x->path, y->path);
		assert_int_equal(x->nlines, y->nlines);
		for (size_t l = 0; l < x->nlines; l++) {
			const struct cm_line *p = &x->lines[l], *q = &y->lines[l];
			assert_int_equal(p->lineno, q->lineno);
			assert_true(p->count == q->count);
			assert_int_equal(p->unexecuted_block, q->unexecuted_block);
			assert_int_equal(p->nbranches, q->nbranches);
			for (size_t k = 0; k < p->nbranches; k++) {
				assert_true(p->branches[k].count == q->branches[k].count);
				assert_int_equal(p->branches[k].src_executed,
						 q->branches[k].src_executed);
				assert_int_equal(p->branches[k].flags, q->branches[k].flags);
				assert_int_equal(p->branches[k].dst_line,
						 q->branches[k].dst_line);
			}
		}
		assert_int_equal(x->nfunctions, y->nfunctions);
		for (size_t i = 0; i < x->nfunctions; i++) {
			assert_string_equal(x->functions[i].name, y->functions[i].name);
			assert_int_equal(x->functions[i].start_line, y->functions[i].start_line);
			assert_int_equal(x->functions[i].end_line, y->functions[i].end_line);
			assert_true(x->functions[i].count == y->functions[i].count);
		}
	}
}

static const struct cm_function *find_function(const struct cm_report *r,
					       const char *name)
{
	for (size_t f = 0; f < r->nfiles; f++)
		for (size_t i = 0; i < r->files[f].nfunctions; i++)
			if (!strcmp(r->files[f].functions[i].name, name))
				return &r->files[f].functions[i];
	return NULL;
}

/* Parse errors a cut file may give. */
static int cut_cause_ok(const char *e)
{
	static const char *const known[] = {
		"truncated", "unexpected end of data", "file too short",
		"has no block record", "string runs past",
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(e, known[i]))
			return 1;
	return 0;
}

static int parse_notes(const void *data, size_t len, struct strbuf *err)
{
	unsigned char *copy = ut_exact_copy(data, len);
	struct gcno g;
	memset(&g, 0, sizeof(g));
	strbuf_reset(err);
	int rc = gcno_parse(&g, copy, len, err);
	gcno_release(&g);
	free(copy);
	return rc;
}

static int parse_data(const void *data, size_t len, struct strbuf *err)
{
	unsigned char *copy = ut_exact_copy(data, len);
	struct gcda g;
	memset(&g, 0, sizeof(g));
	strbuf_reset(err);
	int rc = gcda_parse(&g, copy, len, err);
	/* touch every counter the parser vouched for */
	if (rc == 0)
		for (size_t i = 0; i < g.nfuncs; i++)
			if (g.funcs[i].counters)
				for (uint32_t k = 0; k < g.funcs[i].ncounters; k++)
					(void)gcda_counter(&g, &g.funcs[i], k);
	gcda_release(&g);
	free(copy);
	return rc;
}

/* ---- setup: build and run the fixture ----------------------------------- */

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	fx.dir = ut_tmpdir("test_fuzz_parsers");
	if (!fx.dir)
		return -1;
	fx.build = ut_join(fx.dir, "build");
	if (mkdir(fx.build, 0755))
		return -1;
	put_file(fx.build, "fix.h", fixture_h, strlen(fixture_h));
	put_file(fx.build, "fix.c", fixture_c, strlen(fixture_c));
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && gcc --coverage -O0 -c fix.c -o fix.o && "
		 "gcc --coverage -o prog fix.o && "
		 "env -u GCOV_PREFIX -u GCOV_PREFIX_STRIP ./prog && "
		 "env -u GCOV_PREFIX -u GCOV_PREFIX_STRIP ./prog",
		 fx.build);
	if (run(cmd))
		return -1;
	char *p = ut_join(fx.build, "fix.gcno");
	fx.gcno = ut_read_file(p, &fx.gcno_len);
	free(p);
	p = ut_join(fx.build, "fix.gcda");
	fx.gcda = ut_read_file(p, &fx.gcda_len);
	free(p);
	if (!fx.gcno || !fx.gcda || fx.gcno_len < 100 || fx.gcda_len < 40) {
		print_error("the fixture gave no usable .gcno/.gcda\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cm_report_free(fx.baseline);
	free(fx.gcno);
	free(fx.gcda);
	ut_rm_rf(fx.dir);
	free(fx.build);
	free(fx.dir);
	return 0;
}

/* ---- the intact files ---------------------------------------------------- */

static void test_baseline(void **state)
{
	(void)state;
	struct strbuf err;
	strbuf_init(&err);
	if (parse_notes(fx.gcno, fx.gcno_len, &err))
		fail_msg("fix.gcno: %s", err.buf);
	if (parse_data(fx.gcda, fx.gcda_len, &err))
		fail_msg("fix.gcda: %s", err.buf);
	strbuf_release(&err);

	char *dir = subdir("baseline");
	put_file(dir, "fix.gcno", fx.gcno, fx.gcno_len);
	put_file(dir, "fix.gcda", fx.gcda, fx.gcda_len);
	struct msgs m = {0};
	struct cm_report *r = NULL;
	int rc = merge_dir(dir, &m, &r);
	if (rc || m.n) {
		dump_msgs(&m);
		fail_msg("cm_merge of the intact files: rc %d", rc);
	}
	assert_int_equal(r->nobjects, 1);
	assert_int_equal(r->nobjects_unrun, 0);
	assert_int_equal(r->ndata, 1);
	assert_true(r->runs == 2);
	assert_int_equal(r->nfiles, 2);
	char *c = ut_join(fx.build, "fix.c"), *h = ut_join(fx.build, "fix.h");
	char *nc = path_normalize(c), *nh = path_normalize(h);
	assert_string_equal(r->files[0].path, nc);
	assert_string_equal(r->files[1].path, nh);
	free(c);
	free(h);
	free(nc);
	free(nh);
	/* run twice: 2 calls of main, 14 of classify and loop, 0 of never */
	const struct cm_function *fn = find_function(r, "main");
	assert_non_null(fn);
	assert_true(fn->count == 2);
	fn = find_function(r, "classify");
	assert_non_null(fn);
	assert_true(fn->count == 14);
	fn = find_function(r, "loop");
	assert_non_null(fn);
	assert_true(fn->count == 14);
	fn = find_function(r, "never");
	assert_non_null(fn);
	assert_true(fn->count == 0);
	assert_int_equal(report_counts_ok(r), 0);
	struct cm_numbers t = {0};
	for (size_t i = 0; i < r->nfiles; i++) {
		struct cm_numbers n;
		cm_file_numbers(&r->files[i], &n);
		cm_numbers_add(&t, &n);
	}
	assert_true(t.stmts > 15);
	assert_true(t.stmts - t.miss > 10 && t.miss > 0);
	assert_true(t.branches > 4);
	fx.baseline = r;
	msgs_clear(&m);
	free(dir);
}

/* ---- (a) every truncation ------------------------------------------------ */

static void test_truncated_notes(void **state)
{
	(void)state;
	assert_non_null(fx.baseline);
	char *alone = subdir("cut-notes");       /* the cut notes file only */
	char *with = subdir("cut-notes-data");   /* beside the intact data */
	put_file(with, "fix.gcda", fx.gcda, fx.gcda_len);
	char *alone_abs = path_absolute(NULL, alone), *with_abs = path_absolute(NULL, with);
	char *alone_gcno = ut_join(alone_abs, "fix.gcno");
	char *with_gcno = ut_join(with_abs, "fix.gcno");
	struct strbuf err;
	strbuf_init(&err);
	size_t nvalid = 0;
	for (size_t len = 0; len <= fx.gcno_len; len++) {
		int prc = parse_notes(fx.gcno, len, &err);
		assert_true(prc == 0 || prc == -1);
		if (prc == -1) {
			if (!err.len)
				fail_msg("notes cut at %zu: -1 with no error text", len);
			if (!cut_cause_ok(err.buf))
				fail_msg("notes cut at %zu: unexpected cause \"%s\"", len,
					 err.buf);
		} else {
			assert_int_equal(err.len, 0);
			nvalid++;
		}

		/* the notes alone: an object that never ran. An empty notes
		 * file with no data is nothing at all (gcc 11 -flto leaves
		 * those), not an error. */
		put_file(alone, "fix.gcno", fx.gcno, len);
		struct msgs m = {0};
		struct cm_report *r = NULL;
		int rc = merge_dir(alone, &m, &r);
		int want_rc = len == 0 ? 0 : prc;
		if (rc != want_rc || (rc == -1) != (m.nerrors > 0) ||
		    (rc == -1 && !error_names(&m, alone_gcno))) {
			dump_msgs(&m);
			fail_msg("notes cut at %zu: cm_merge %d, parser %d", len, rc, prc);
		}
		if (rc == 0 && len == 0) {
			assert_non_null(r);
			assert_int_equal(r->nfiles, 0);
			assert_int_equal(r->ndata, 0);
		} else if (rc == 0) {
			assert_non_null(r);
			assert_int_equal(r->nobjects, 1);
			assert_int_equal(r->nobjects_unrun, 1);
			assert_int_equal(r->ndata, 0);
			/* nothing ran: every count is exactly 0 */
			for (size_t f = 0; f < r->nfiles; f++) {
				for (size_t l = 0; l < r->files[f].nlines; l++)
					assert_true(r->files[f].lines[l].count == 0);
				for (size_t i = 0; i < r->files[f].nfunctions; i++)
					assert_true(r->files[f].functions[i].count == 0);
			}
		} else {
			assert_null(r);
		}
		cm_report_free(r);
		msgs_clear(&m);

		/* beside the intact data: a cut notes file fails on its own
		 * account; a valid cut may still not match the data */
		put_file(with, "fix.gcno", fx.gcno, len);
		r = NULL;
		rc = merge_dir(with, &m, &r);
		if ((rc != 0 && rc != -1) || (rc == -1) != (m.nerrors > 0) ||
		    (prc == -1 && (rc != -1 || !error_names(&m, with_gcno)))) {
			dump_msgs(&m);
			fail_msg("notes cut at %zu beside data: cm_merge %d, parser %d",
				 len, rc, prc);
		}
		if (rc == 0) {
			assert_int_equal(report_counts_ok(r), 0);
			if (len == fx.gcno_len)
				assert_reports_equal(r, fx.baseline);
		}
		cm_report_free(r);
		msgs_clear(&m);
	}
	/* at least the header alone and the whole file are valid */
	assert_true(nvalid >= 2);
	strbuf_release(&err);
	free(alone_gcno);
	free(with_gcno);
	free(alone_abs);
	free(with_abs);
	free(alone);
	free(with);
}

static void test_truncated_data(void **state)
{
	(void)state;
	assert_non_null(fx.baseline);
	char *dir = subdir("cut-data");
	put_file(dir, "fix.gcno", fx.gcno, fx.gcno_len);
	char *abs = path_absolute(NULL, dir);
	char *gcda_path = ut_join(abs, "fix.gcda");
	struct strbuf err;
	strbuf_init(&err);
	size_t nvalid = 0;
	for (size_t len = 0; len <= fx.gcda_len; len++) {
		int prc = parse_data(fx.gcda, len, &err);
		assert_true(prc == 0 || prc == -1);
		if (prc == -1) {
			if (!err.len)
				fail_msg("data cut at %zu: -1 with no error text", len);
			if (!cut_cause_ok(err.buf))
				fail_msg("data cut at %zu: unexpected cause \"%s\"", len,
					 err.buf);
		} else {
			assert_int_equal(err.len, 0);
			nvalid++;
		}
		put_file(dir, "fix.gcda", fx.gcda, len);
		struct msgs m = {0};
		struct cm_report *r = NULL;
		int rc = merge_dir(dir, &m, &r);
		/* a data file cut at a record boundary holds whole records of
		 * the right functions: cm_merge must accept exactly those */
		if (rc != prc || (rc == -1) != (m.nerrors > 0) ||
		    (rc == -1 && !error_names(&m, gcda_path))) {
			dump_msgs(&m);
			fail_msg("data cut at %zu: cm_merge %d, parser %d", len, rc, prc);
		}
		if (rc == 0) {
			assert_int_equal(r->ndata, 1);
			assert_int_equal(report_counts_ok(r), 0);
			/* a function's counters are all there or all missing */
			assert_int_equal(r->nfiles, fx.baseline->nfiles);
			for (size_t f = 0; f < r->nfiles; f++) {
				const struct cm_file *x = &r->files[f];
				const struct cm_file *y = &fx.baseline->files[f];
				assert_int_equal(x->nfunctions, y->nfunctions);
				for (size_t i = 0; i < x->nfunctions; i++)
					assert_true(x->functions[i].count == 0 ||
						    x->functions[i].count ==
							    y->functions[i].count);
			}
			if (len == fx.gcda_len)
				assert_reports_equal(r, fx.baseline);
		} else {
			assert_null(r);
		}
		cm_report_free(r);
		msgs_clear(&m);
	}
	/* the header alone, each function's records, and the whole file */
	assert_true(nvalid >= 4);
	strbuf_release(&err);
	free(gcda_path);
	free(abs);
	free(dir);
}

/* ---- (b) random corruption ----------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* splitmix64: small, fast, and the same everywhere */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Changes 1 to 8 random bytes of buf; describes the change in what. */
static void corrupt(unsigned char *buf, size_t len, char *what, size_t wsize)
{
	int n = 1 + (int)(rng() % 8);
	size_t w = 0;
	for (int i = 0; i < n; i++) {
		size_t at = (size_t)(rng() % len);
		unsigned char x = (unsigned char)(1 + rng() % 255);
		buf[at] ^= x;
		if (w < wsize)
			w += (size_t)snprintf(what + w, wsize - w, " [%zu]^=0x%02x", at, x);
	}
}

static void test_random_corruption(void **state)
{
	(void)state;
	assert_non_null(fx.baseline);
	rng_state = FUZZ_SEED;
	char *dir = subdir("corrupt");
	unsigned char *notes = malloc(fx.gcno_len), *data = malloc(fx.gcda_len);
	struct strbuf err;
	strbuf_init(&err);
	size_t outcome[2] = {0, 0};
	size_t nempty = 0;
	int notes_dirty = 1, data_dirty = 1;
	char first_empty[256] = "";
	for (int iter = 0; iter < 3 * FLIPS_PER_TARGET; iter++) {
		int target = iter % 3; /* 0 notes, 1 data, 2 both */
		memcpy(notes, fx.gcno, fx.gcno_len);
		memcpy(data, fx.gcda, fx.gcda_len);
		char nwhat[160] = "", dwhat[160] = "";
		if (target != 1)
			corrupt(notes, fx.gcno_len, nwhat, sizeof(nwhat));
		if (target != 0)
			corrupt(data, fx.gcda_len, dwhat, sizeof(dwhat));

		/* a missing error text is counted, and reported at the end with
		 * its first example, so the other checks still run */
		int prc = parse_notes(notes, fx.gcno_len, &err);
		if (prc != 0 && prc != -1)
			fail_msg("iteration %d: gcno_parse returned %d", iter, prc);
		if (prc == -1 && !err.len && !nempty++)
			snprintf(first_empty, sizeof(first_empty), "iteration %d: "
				 "gcno_parse -1 with no error text; notes changed:%s",
				 iter, nwhat);
		prc = parse_data(data, fx.gcda_len, &err);
		if (prc != 0 && prc != -1)
			fail_msg("iteration %d: gcda_parse returned %d", iter, prc);
		if (prc == -1 && !err.len && !nempty++)
			snprintf(first_empty, sizeof(first_empty), "iteration %d: "
				 "gcda_parse -1 with no error text; data changed:%s",
				 iter, dwhat);

		/* rewrite only what differs from the files on disk */
		if (target != 1 || notes_dirty)
			put_file(dir, "fix.gcno", notes, fx.gcno_len);
		if (target != 0 || data_dirty)
			put_file(dir, "fix.gcda", data, fx.gcda_len);
		notes_dirty = target != 1;
		data_dirty = target != 0;
		struct msgs m = {0};
		struct cm_report *r = NULL;
		int rc = merge_dir(dir, &m, &r);
		if ((rc != 0 && rc != -1) || (rc == -1) != (m.nerrors > 0) ||
		    (rc == 0) != (r != NULL) || (r && report_counts_ok(r))) {
			dump_msgs(&m);
			fail_msg("iteration %d: cm_merge %d with %zu errors; notes "
				 "changed:%s; data changed:%s", iter, rc, m.nerrors,
				 nwhat, dwhat);
		}
		outcome[rc == 0]++;
		cm_report_free(r);
		msgs_clear(&m);
	}
	/* the corruption hit both ways: some rejected, some (e.g. changed
	 * counter values) accepted */
	print_message("corruptions: %zu rejected, %zu accepted\n", outcome[0],
		      outcome[1]);
	assert_true(outcome[0] > 0);
	assert_true(outcome[1] > 0);
	if (nempty)
		fail_msg("%zu parse failures without an error text; the first: %s",
			 nempty, first_empty);
	strbuf_release(&err);
	free(notes);
	free(data);
	free(dir);
}

/* ---- (c) big-endian files ------------------------------------------------- */

/* Hand-built big-endian pair: function be_fn (ident 0x2a) in /be/src/be.c,
 * lines 5-9: ENTRY, EXIT and block 2; arcs 0->2 (on tree), 2->1 (counted);
 * block 2 on lines 6 and 7. The counter is 7, the file says 3 runs. */
static void build_be_pair(struct bb *n, struct bb *d, uint64_t counter)
{
	n->be = d->be = 1;
	bb_u32(n, GCOV_NOTE_MAGIC);
	bb_u32(n, gcov_version_word(12, 2));
	bb_u32(n, 0xc0ffee01u);
	bb_u32(n, 0);
	bb_str(n, "/be/src");
	bb_u32(n, 0);
	size_t r = bb_rec_begin(n, GCOV_TAG_FUNCTION);
	bb_u32(n, 0x2a);
	bb_u32(n, 0x1111);
	bb_u32(n, 0x2222);
	bb_str(n, "be_fn");
	bb_u32(n, 0);
	bb_str(n, "be.c");
	bb_u32(n, 5);
	bb_u32(n, 1);
	bb_u32(n, 9);
	bb_u32(n, 1);
	bb_rec_end(n, r);
	r = bb_rec_begin(n, GCOV_TAG_BLOCKS);
	bb_u32(n, 3);
	bb_rec_end(n, r);
	r = bb_rec_begin(n, GCOV_TAG_ARCS);
	bb_u32(n, 0);
	bb_u32(n, 2);
	bb_u32(n, ARC_ON_TREE);
	bb_rec_end(n, r);
	r = bb_rec_begin(n, GCOV_TAG_ARCS);
	bb_u32(n, 2);
	bb_u32(n, 1);
	bb_u32(n, 0);
	bb_rec_end(n, r);
	r = bb_rec_begin(n, GCOV_TAG_LINES);
	bb_u32(n, 2);
	bb_u32(n, 0);
	bb_str(n, "be.c");
	bb_u32(n, 6);
	bb_u32(n, 7);
	bb_u32(n, 0);
	bb_str(n, NULL);
	bb_rec_end(n, r);

	bb_u32(d, GCOV_DATA_MAGIC);
	bb_u32(d, gcov_version_word(12, 2));
	bb_u32(d, 0xc0ffee01u);
	bb_u32(d, 0x5151);
	r = bb_rec_begin(d, GCOV_TAG_OBJECT_SUMMARY);
	bb_u32(d, 3);
	bb_u32(d, 11);
	bb_rec_end(d, r);
	r = bb_rec_begin(d, GCOV_TAG_FUNCTION);
	bb_u32(d, 0x2a);
	bb_u32(d, 0x1111);
	bb_u32(d, 0x2222);
	bb_rec_end(d, r);
	r = bb_rec_begin(d, GCOV_TAG_ARC_COUNTERS);
	bb_u64(d, counter);
	bb_rec_end(d, r);
	bb_u32(d, 0);
}

static void test_big_endian_synthetic(void **state)
{
	(void)state;
	struct bb n = {0}, d = {0};
	build_be_pair(&n, &d, 7);
	assert_memory_equal(n.p, "gcno", 4);
	assert_memory_equal(d.p, "gcda", 4);
	assert_memory_equal(n.p + 4, "B22*", 4);

	struct strbuf err;
	strbuf_init(&err);
	struct gcno g;
	memset(&g, 0, sizeof(g));
	if (gcno_parse(&g, n.p, n.len, &err))
		fail_msg("gcno: %s", err.buf);
	assert_int_equal(g.major, 12);
	assert_int_equal(g.stamp, 0xc0ffee01u);
	assert_string_equal(g.cwd, "/be/src");
	assert_int_equal(g.nfuncs, 1);
	const struct gcno_func *f = &g.funcs[0];
	assert_int_equal(f->ident, 0x2a);
	assert_int_equal(f->lineno_checksum, 0x1111);
	assert_int_equal(f->cfg_checksum, 0x2222);
	assert_string_equal(f->name, "be_fn");
	assert_string_equal(g.files[f->file], "be.c");
	assert_int_equal(f->start_line, 5);
	assert_int_equal(f->end_line, 9);
	assert_int_equal(f->nblocks, 3);
	assert_int_equal(f->narcs, 2);
	assert_int_equal(f->arcs[0].src, 0);
	assert_int_equal(f->arcs[0].dst, 2);
	assert_int_equal(f->arcs[0].flags, ARC_ON_TREE);
	assert_int_equal(f->arcs[1].src, 2);
	assert_int_equal(f->arcs[1].dst, 1);
	assert_int_equal(f->arcs[1].flags, 0);
	assert_int_equal(f->ncounters, 1);
	assert_int_equal(f->blocks[2].nlocs, 1);
	assert_int_equal(f->blocks[2].locs[0].nlines, 2);
	assert_int_equal(f->blocks[2].locs[0].lines[0], 6);
	assert_int_equal(f->blocks[2].locs[0].lines[1], 7);

	struct gcda gd;
	memset(&gd, 0, sizeof(gd));
	if (gcda_parse(&gd, d.p, d.len, &err))
		fail_msg("gcda: %s", err.buf);
	assert_int_equal(gd.swap, 1);
	assert_int_equal(gd.major, 12);
	assert_int_equal(gd.stamp, 0xc0ffee01u);
	assert_int_equal(gd.checksum, 0x5151);
	assert_int_equal(gd.runs, 3);
	assert_int_equal(gd.nfuncs, 1);
	assert_int_equal(gd.funcs[0].ident, 0x2a);
	assert_int_equal(gd.funcs[0].ncounters, 1);
	assert_true(gcda_counter(&gd, &gd.funcs[0], 0) == 7);

	int64_t sums[1] = {(int64_t)gcda_counter(&gd, &gd.funcs[0], 0)};
	int64_t *counters[1] = {sums};
	struct obj_cov cov;
	memset(&cov, 0, sizeof(cov));
	lines_compute(&g, counters, &cov);
	assert_int_equal(cov.negative, 0);
	assert_int_equal(cov.unsolved, 0);
	assert_int_equal(cov.nfiles, 1);
	assert_string_equal(cov.files[0].path, "/be/src/be.c");
	assert_int_equal(cov.files[0].nlines, 2);
	assert_int_equal(cov.files[0].lines[0].lineno, 6);
	assert_true(cov.files[0].lines[0].count == 7);
	assert_int_equal(cov.files[0].lines[1].lineno, 7);
	assert_true(cov.files[0].lines[1].count == 7);
	assert_int_equal(cov.files[0].lines[1].nbranches, 0);
	assert_int_equal(cov.files[0].nfunctions, 1);
	assert_string_equal(cov.files[0].functions[0].name, "be_fn");
	assert_int_equal(cov.files[0].functions[0].start_line, 5);
	assert_int_equal(cov.files[0].functions[0].end_line, 9);
	assert_true(cov.files[0].functions[0].count == 7);
	obj_cov_release(&cov);
	gcda_release(&gd);
	gcno_release(&g);

	/* and through the pipeline */
	char *dir = subdir("be-synthetic");
	put_file(dir, "be.gcno", n.p, n.len);
	put_file(dir, "be.gcda", d.p, d.len);
	struct msgs m = {0};
	struct cm_report *r = NULL;
	int rc = merge_dir(dir, &m, &r);
	if (rc || m.n) {
		dump_msgs(&m);
		fail_msg("cm_merge: %d", rc);
	}
	assert_true(r->runs == 3);
	assert_int_equal(r->nfiles, 1);
	assert_string_equal(r->files[0].path, "/be/src/be.c");
	assert_int_equal(r->files[0].nlines, 2);
	assert_true(r->files[0].lines[0].count == 7);
	assert_true(r->files[0].lines[1].count == 7);
	assert_true(r->files[0].functions[0].count == 7);
	cm_report_free(r);
	msgs_clear(&m);

	/* a 64-bit counter: the high word is the second word, each word in
	 * the file's byte order */
	bb_free(&n);
	bb_free(&d);
	build_be_pair(&n, &d, 0x300000005ull);
	put_file(dir, "be.gcno", n.p, n.len);
	put_file(dir, "be.gcda", d.p, d.len);
	rc = merge_dir(dir, &m, &r);
	assert_int_equal(rc, 0);
	assert_true(r->files[0].lines[0].count == 0x300000005ll);
	cm_report_free(r);
	msgs_clear(&m);
	free(dir);
	strbuf_release(&err);
	bb_free(&n);
	bb_free(&d);
}

static void swap_word(unsigned char *p)
{
	unsigned char t = p[0];
	p[0] = p[3];
	p[3] = t;
	t = p[1];
	p[1] = p[2];
	p[2] = t;
}

/* Swaps the length word of a gcov string at *q and skips the string
 * (gcc >= 12: a byte length; before: a word length, padded). */
static void swap_string(unsigned char *buf, size_t *q, size_t end, int words)
{
	assert_true(*q + 4 <= end);
	uint32_t n = rd_le32(buf + *q);
	swap_word(buf + *q);
	*q += 4 + (words ? (size_t)n * 4 : n);
	assert_true(*q <= end);
}

/* Rewrites a little-endian notes file as a big-endian machine would have
 * written it: every word swapped, string bytes left alone. */
static void swap_notes(unsigned char *buf, size_t len)
{
	uint32_t v = rd_le32(buf + 4);
	int major = (int)((v >> 24) - 'A') * 10 + (int)((v >> 16 & 0xff) - '0');
	int words = major < 12;
	size_t q = 0;
	for (int i = 0; i < (words ? 3 : 4); i++, q += 4)
		swap_word(buf + q);
	swap_string(buf, &q, len, words);
	swap_word(buf + q);
	q += 4;
	while (q + 8 <= len) {
		uint32_t tag = rd_le32(buf + q), n = rd_le32(buf + q + 4);
		swap_word(buf + q);
		swap_word(buf + q + 4);
		if (!tag) {
			q += 4;
			break;
		}
		size_t p = q + 8, end = q + 8 + (words ? (size_t)n * 4 : n);
		assert_true(end <= len);
		if (tag == GCOV_TAG_FUNCTION) {
			for (int i = 0; i < 3; i++, p += 4)
				swap_word(buf + p);
			swap_string(buf, &p, end, words);
			swap_word(buf + p);
			p += 4;
			swap_string(buf, &p, end, words);
		} else if (tag == GCOV_TAG_LINES) {
			swap_word(buf + p);
			p += 4;
			while (p < end) {
				uint32_t w = rd_le32(buf + p);
				swap_word(buf + p);
				p += 4;
				if (w == 0) {
					uint32_t sl = rd_le32(buf + p);
					swap_string(buf, &p, end, words);
					if (!sl)
						break;
				}
			}
		}
		for (; p + 4 <= end; p += 4)
			swap_word(buf + p);
		assert_int_equal(p, end);
		q = end;
	}
	if (q + 4 <= len) {
		swap_word(buf + q);
		q += 4;
	}
	assert_int_equal(q, len);
}

static void test_big_endian_real(void **state)
{
	(void)state;
	assert_non_null(fx.baseline);
	unsigned char *notes = ut_exact_copy(fx.gcno, fx.gcno_len);
	unsigned char *data = ut_exact_copy(fx.gcda, fx.gcda_len);
	swap_notes(notes, fx.gcno_len);
	assert_int_equal(fx.gcda_len % 4, 0); /* data files are all words */
	for (size_t q = 0; q < fx.gcda_len; q += 4)
		swap_word(data + q);
	assert_memory_equal(notes, "gcno", 4);
	assert_memory_equal(data, "gcda", 4);

	/* the parsed notes are identical field by field */
	struct strbuf err;
	strbuf_init(&err);
	struct gcno le, be;
	memset(&le, 0, sizeof(le));
	memset(&be, 0, sizeof(be));
	assert_int_equal(gcno_parse(&le, fx.gcno, fx.gcno_len, &err), 0);
	if (gcno_parse(&be, notes, fx.gcno_len, &err))
		fail_msg("swapped notes: %s", err.buf);
	assert_int_equal(be.version, le.version);
	assert_int_equal(be.stamp, le.stamp);
	assert_string_equal(be.cwd, le.cwd);
	assert_int_equal(be.has_unexecuted_blocks, le.has_unexecuted_blocks);
	assert_int_equal(be.nfiles, le.nfiles);
	for (size_t i = 0; i < le.nfiles; i++)
		assert_string_equal(be.files[i], le.files[i]);
	assert_int_equal(be.nfuncs, le.nfuncs);
	for (size_t i = 0; i < le.nfuncs; i++) {
		const struct gcno_func *x = &le.funcs[i], *y = &be.funcs[i];
		assert_int_equal(y->ident, x->ident);
		assert_int_equal(y->lineno_checksum, x->lineno_checksum);
		assert_int_equal(y->cfg_checksum, x->cfg_checksum);
		assert_string_equal(y->name, x->name);
		assert_int_equal(y->artificial, x->artificial);
		assert_int_equal(y->file, x->file);
		assert_int_equal(y->start_line, x->start_line);
		assert_int_equal(y->start_column, x->start_column);
		assert_int_equal(y->end_line, x->end_line);
		assert_int_equal(y->end_column, x->end_column);
		assert_int_equal(y->nblocks, x->nblocks);
		assert_int_equal(y->narcs, x->narcs);
		assert_int_equal(y->ncounters, x->ncounters);
		assert_memory_equal(y->arcs, x->arcs, x->narcs * sizeof(*x->arcs));
		for (uint32_t b = 0; b < x->nblocks; b++) {
			assert_int_equal(y->blocks[b].nlocs, x->blocks[b].nlocs);
			for (uint32_t l = 0; l < x->blocks[b].nlocs; l++) {
				const struct gcno_loc *p = &x->blocks[b].locs[l];
				const struct gcno_loc *q = &y->blocks[b].locs[l];
				assert_int_equal(q->file, p->file);
				assert_int_equal(q->nlines, p->nlines);
				assert_memory_equal(q->lines, p->lines,
						    p->nlines * sizeof(uint32_t));
			}
		}
	}
	gcno_release(&le);
	gcno_release(&be);

	/* the counters too */
	struct gcda dle, dbe;
	memset(&dle, 0, sizeof(dle));
	memset(&dbe, 0, sizeof(dbe));
	assert_int_equal(gcda_parse(&dle, fx.gcda, fx.gcda_len, &err), 0);
	if (gcda_parse(&dbe, data, fx.gcda_len, &err))
		fail_msg("swapped data: %s", err.buf);
	assert_int_equal(dle.swap, 0);
	assert_int_equal(dbe.swap, 1);
	assert_int_equal(dbe.stamp, dle.stamp);
	assert_int_equal(dbe.checksum, dle.checksum);
	assert_int_equal(dbe.runs, 2);
	assert_int_equal(dbe.nfuncs, dle.nfuncs);
	int saw_zero_record = 0, saw_counts = 0;
	for (size_t i = 0; i < dle.nfuncs; i++) {
		const struct gcda_func *x = &dle.funcs[i], *y = &dbe.funcs[i];
		assert_int_equal(y->ident, x->ident);
		assert_int_equal(y->has_arcs, x->has_arcs);
		assert_int_equal(y->ncounters, x->ncounters);
		saw_zero_record |= x->has_arcs && !x->counters;
		for (uint32_t k = 0; k < x->ncounters; k++) {
			assert_true(gcda_counter(&dbe, y, k) == gcda_counter(&dle, x, k));
			saw_counts |= gcda_counter(&dle, x, k) > 0;
		}
	}
	/* the fixture exercises both kinds of counter record */
	assert_true(saw_zero_record);
	assert_true(saw_counts);
	gcda_release(&dle);
	gcda_release(&dbe);
	strbuf_release(&err);

	/* the whole pipeline gives the same report */
	char *dir = subdir("be-real");
	put_file(dir, "fix.gcno", notes, fx.gcno_len);
	put_file(dir, "fix.gcda", data, fx.gcda_len);
	struct msgs m = {0};
	struct cm_report *r = NULL;
	int rc = merge_dir(dir, &m, &r);
	if (rc || m.n) {
		dump_msgs(&m);
		fail_msg("cm_merge of the swapped files: %d", rc);
	}
	assert_reports_equal(r, fx.baseline);
	cm_report_free(r);
	msgs_clear(&m);

	/* a big-endian data file with little-endian notes (and the reverse)
	 * is the same data: the magic of each file tells its own order */
	put_file(dir, "fix.gcno", fx.gcno, fx.gcno_len);
	rc = merge_dir(dir, &m, &r);
	assert_int_equal(rc, 0);
	assert_reports_equal(r, fx.baseline);
	cm_report_free(r);
	msgs_clear(&m);
	free(dir);
	free(notes);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_truncated_notes),
		cmocka_unit_test(test_truncated_data),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_big_endian_synthetic),
		cmocka_unit_test(test_big_endian_real),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
