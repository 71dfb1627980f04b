/* The shard watcher of runner --cov-context=test (contexts_watch.c): the
 * first 8 looks list every .gcda file (walks); later looks list only the
 * files written or created since, each once, with the files of
 * a directory made in between; other files never; a name that may be a
 * new file (created, or listed by a walk) is fresh, one written in place
 * is not; a data file reached through a symbolic link makes every look
 * list everything; and the files it names open by name in their
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>

#include "contexts_watch.h"
#include "infile.h"
#include "unit_util.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = ut_tmpdir("watch");
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ut_rm_rf(dir);
	free(dir);
	return 0;
}

static void put(const char *rel, const char *text)
{
	char *p = ut_join(dir, rel);
	assert_int_equal(ut_write_file(p, text, strlen(text)), 0);
	free(p);
}

/* Writes rel in place: the same file (inode), as libgcov does. */
static void rewrite(const char *rel, const char *text)
{
	char *p = ut_join(dir, rel);
	int fd = open(p, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	free(p);
}

static void make_dir(const char *rel)
{
	char *p = ut_join(dir, rel);
	assert_int_equal(mkdir(p, 0777), 0);
	free(p);
}

/* The names the watcher lists now, relative to dir, sorted and joined by
 * spaces; a fresh one (maybe a new file) ends in '+'. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *look(struct ctx_watch *w)
{
	struct ctx_watch_list l = {0};
	char *bad = NULL;
	assert_int_equal(ctx_watch_changed(w, &l, &bad), 0);
	assert_null(bad);
	size_t n = 1, dl = strlen(dir);
	char **names = calloc(l.n + 1, sizeof(*names));
	for (size_t i = 0; i < l.n; i++) {
		assert_memory_equal(l.v[i].path, dir, dl);
		names[i] = calloc(1, strlen(l.v[i].path) + 2);
		strcpy(names[i], l.v[i].path + dl + 1);
		if (l.v[i].fresh)
			strcat(names[i], "+");
		n += strlen(names[i]) + 1;
	}
	qsort(names, l.n, sizeof(*names), cmp_str);
	char *s = calloc(1, n);
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, names[i]);
		/* each once */
		if (i)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	for (size_t i = 0; i < l.n; i++)
		free(names[i]);
	free(names);
	ctx_watch_list_release(&l);
	return s;
}

#define EXPECT_LOOK(w, want) \
	do { \
		char *got_ = look(w); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

/* The 8 looks that walk before the watching starts: each lists all. */
static void walks(struct ctx_watch *w, const char *all)
{
	for (int i = 0; i < 8; i++) {
		assert_false(ctx_watch_active(w));
		EXPECT_LOOK(w, all);
	}
}

static void test_first_look_then_changes(void **state)
{
	(void)state;
	make_dir("a");
	put("a/x.gcda", "1");
	put("a/y.gcda", "1");
	put("z.gcda", "1");
	put("a/x.gcno", "notes");
	struct ctx_watch *w = ctx_watch_new(dir);
	walks(w, "a/x.gcda+ a/y.gcda+ z.gcda+");
	assert_true(ctx_watch_active(w));
	EXPECT_LOOK(w, "");                 /* nothing written since */
	rewrite("a/y.gcda", "22");
	rewrite("a/y.gcda", "333");         /* twice: listed once */
	rewrite("a/x.gcno", "other");       /* not data */
	put("new.gcda", "1");               /* created */
	EXPECT_LOOK(w, "a/y.gcda new.gcda+");
	put("a/x.gcda", "2");               /* replaced: a new file */
	EXPECT_LOOK(w, "a/x.gcda+");
	/* a directory made since the last look: its files were written
	 * before it could be watched, and are listed; then it is watched */
	make_dir("b");
	make_dir("b/c");
	put("b/c/deep.gcda", "1");
	rewrite("z.gcda", "2");
	EXPECT_LOOK(w, "b/c/deep.gcda+ z.gcda");
	rewrite("b/c/deep.gcda", "2");
	EXPECT_LOOK(w, "b/c/deep.gcda");
	ctx_watch_free(w);
}

/* Every file a look names opens, by name in its directory, as itself:
 * those the watching walk found (files before and after a subdirectory
 * in the same directory) and those an event named. */
static void check_opens(struct ctx_watch *w, size_t want_n, int watched)
{
	struct ctx_watch_list l = {0};
	char *bad = NULL;
	assert_int_equal(ctx_watch_changed(w, &l, &bad), 0);
	assert_int_equal(l.n, want_n);
	for (size_t i = 0; i < l.n; i++) {
		if (watched)
			assert_true(l.v[i].wd >= 0);
		const char *name;
		int at = ctx_watch_at(w, &l.v[i], &name);
		if (watched)
			assert_true(at != AT_FDCWD && name == l.v[i].name);
		int fd = infile_open_at(at, name);
		assert_true(fd >= 0);
		char buf[256] = {0};
		assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
		close(fd);
		/* each file holds its own name */
		assert_string_equal(buf, l.v[i].name);
	}
	ctx_watch_list_release(&l);
}

static void test_open_by_name(void **state)
{
	(void)state;
	make_dir("d");
	make_dir("d/sub");
	put("d/a.gcda", "a.gcda");
	put("d/sub/inner.gcda", "inner.gcda");
	put("d/z.gcda", "z.gcda");
	put("top.gcda", "top.gcda");
	struct ctx_watch *w = ctx_watch_new(dir);
	for (int i = 0; i < 7; i++)
		EXPECT_LOOK(w, "d/a.gcda+ d/sub/inner.gcda+ d/z.gcda+ top.gcda+");
	check_opens(w, 4, 1);      /* the walk that starts the watching */
	assert_true(ctx_watch_active(w));
	put("d/z.gcda", "z.gcda");
	put("d/sub/inner.gcda", "inner.gcda");
	check_opens(w, 2, 1);      /* named by events */
	ctx_watch_free(w);
}

static void test_link_walks_every_time(void **state)
{
	(void)state;
	put("target.data", "1");
	char *target = ut_join(dir, "target.data");
	char *link = ut_join(dir, "linked.gcda");
	assert_int_equal(symlink(target, link), 0);
	put("plain.gcda", "1");
	struct ctx_watch *w = ctx_watch_new(dir);
	walks(w, "linked.gcda+ plain.gcda+");
	/* a write to the link's target is not seen by a watch: every look
	 * lists everything */
	assert_false(ctx_watch_active(w));
	EXPECT_LOOK(w, "linked.gcda+ plain.gcda+");
	ctx_watch_free(w);
	free(target);
	free(link);
}

static void test_missing_root(void **state)
{
	(void)state;
	char *gone = ut_join(dir, "no-such-shard");
	struct ctx_watch *w = ctx_watch_new(gone);
	struct ctx_watch_list l = {0};
	char *bad = NULL;
	assert_int_equal(ctx_watch_changed(w, &l, &bad), -1);
	assert_non_null(bad);
	assert_string_equal(bad, gone);
	assert_int_equal(l.n, 0);
	free(bad);
	ctx_watch_list_release(&l);
	ctx_watch_free(w);
	free(gone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_look_then_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_walks_every_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_root, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
