/* Atomic output files: the content appears whole or not at all, temporary
 * files never stay, devices are written in place, every failure says why. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "outfile.h"
#include "path.h"

static char *tmpdir(const char *name)
{
	const char *base = getenv("CM_TEST_TMP");
	char *dir = NULL;
	if (asprintf(&dir, "%s/%s.%d", base ? base : "/tmp", name, (int)getpid()) < 0)
		return NULL;
	path_remove_tree(dir);
	path_mkdirs(dir);
	return dir;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static char last_msg[512];

static void keep_msg(void *ctx, enum cm_severity sev, const char *msg)
{
	(void)ctx;
	(void)sev;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static void test_whole_file(void **state)
{
	(void)state;
	char *dir = tmpdir("outfile_ok");
	char *path = path_join(dir, "r.txt");
	assert_int_equal(write_text_file(path, "abc\n", 4, keep_msg, NULL), 0);
	FILE *f = fopen(path, "r");
	char buf[16] = {0};
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 4);
	fclose(f);
	assert_string_equal(buf, "abc\n");
	assert_int_equal(entries(dir), 1); /* no temporary file left */
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mode & S_IRUSR); /* an ordinary readable file */
	path_remove_tree(dir);
	free(path);
	free(dir);
}

static void test_abort_leaves_nothing(void **state)
{
	(void)state;
	char *dir = tmpdir("outfile_abort");
	char *path = path_join(dir, "r.txt");
	struct strbuf err;
	strbuf_init(&err);
	struct outfile of;
	assert_int_equal(outfile_open(&of, path, &err), 0);
	fputs("half", of.fp);
	outfile_abort(&of);
	assert_int_equal(entries(dir), 0);
	strbuf_release(&err);
	path_remove_tree(dir);
	free(path);
	free(dir);
}

static void test_missing_directory(void **state)
{
	(void)state;
	last_msg[0] = '\0';
	assert_int_equal(write_text_file("/nonexistent-dir/r.txt", "x", 1, keep_msg,
					 NULL), -1);
	assert_string_equal(last_msg, "cannot write \"/nonexistent-dir/r.txt\": "
				      "No such file or directory");
}

static void test_directory_target(void **state)
{
	(void)state;
	char *dir = tmpdir("outfile_dir");
	last_msg[0] = '\0';
	assert_int_equal(write_text_file(dir, "x", 1, keep_msg, NULL), -1);
	char want[600];
	snprintf(want, sizeof(want), "cannot write \"%s\": Is a directory", dir);
	assert_string_equal(last_msg, want);
	path_remove_tree(dir);
	free(dir);
}

static void test_full_device(void **state)
{
	(void)state;
	struct stat st;
	if (stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode))
		fail_msg("/dev/full is missing: this test needs it");
	last_msg[0] = '\0';
	char big[8192];
	memset(big, 'x', sizeof(big));
	assert_int_equal(write_text_file("/dev/full", big, sizeof(big), keep_msg,
					 NULL), -1);
	assert_string_equal(last_msg, "cannot write \"/dev/full\": "
				      "No space left on device");
	assert_int_equal(stat("/dev/full", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

static void test_device_in_place(void **state)
{
	(void)state;
	assert_int_equal(write_text_file("/dev/null", "x", 1, NULL, NULL), 0);
	struct stat st;
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	struct strbuf err;
	strbuf_init(&err);
	struct outfile of;
	assert_int_equal(outfile_open(&of, "/dev/null", &err), 0);
	outfile_abort(&of);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	strbuf_release(&err);
}

static void test_stdout(void **state)
{
	(void)state;
	struct strbuf err;
	strbuf_init(&err);
	struct outfile of;
	assert_int_equal(outfile_open(&of, "-", &err), 0);
	assert_ptr_equal(of.fp, stdout);
	assert_int_equal(outfile_commit(&of, &err), 0);
	strbuf_release(&err);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char buf[256] = {0};
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

/* A batch: files committed inside it appear only at its end, all of them,
 * or none when it is dropped; a file that cannot be put in place at the
 * end is named, and the others still are. */
static void test_batch(void **state)
{
	(void)state;
	char *dir = tmpdir("outfile_batch");
	char *a = path_join(dir, "a.txt"), *b = path_join(dir, "b.txt");
	assert_int_equal(write_text_file(a, "old a\n", 6, NULL, NULL), 0);
	assert_int_equal(write_text_file(b, "old b\n", 6, NULL, NULL), 0);

	outfile_batch_begin();
	assert_int_equal(write_text_file(a, "new a\n", 6, keep_msg, NULL), 0);
	assert_int_equal(write_text_file(b, "new b\n", 6, keep_msg, NULL), 0);
	char *t = slurp(a);
	assert_string_equal(t, "old a\n"); /* not yet */
	free(t);
	assert_int_equal(outfile_batch_end(0, keep_msg, NULL), 0);
	t = slurp(a);
	assert_string_equal(t, "old a\n");
	free(t);
	t = slurp(b);
	assert_string_equal(t, "old b\n");
	free(t);
	assert_int_equal(entries(dir), 2);

	outfile_batch_begin();
	assert_int_equal(write_text_file(a, "new a\n", 6, keep_msg, NULL), 0);
	assert_int_equal(write_text_file(b, "new b\n", 6, keep_msg, NULL), 0);
	assert_int_equal(outfile_batch_end(1, keep_msg, NULL), 0);
	t = slurp(a);
	assert_string_equal(t, "new a\n");
	free(t);
	t = slurp(b);
	assert_string_equal(t, "new b\n");
	free(t);
	assert_int_equal(entries(dir), 2);

	/* b became a directory after it was written: renaming fails */
	outfile_batch_begin();
	assert_int_equal(write_text_file(a, "third a\n", 8, keep_msg, NULL), 0);
	assert_int_equal(write_text_file(b, "third b\n", 8, keep_msg, NULL), 0);
	unlink(b);
	assert_int_equal(mkdir(b, 0755), 0);
	last_msg[0] = '\0';
	assert_int_equal(outfile_batch_end(1, keep_msg, NULL), -1);
	char want[600];
	snprintf(want, sizeof(want), "cannot write \"%s\": Is a directory", b);
	assert_string_equal(last_msg, want);
	t = slurp(a);
	assert_string_equal(t, "third a\n");
	free(t);
	assert_int_equal(entries(dir), 2); /* no temporary file stays */
	path_remove_tree(dir);
	free(a);
	free(b);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_file),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_missing_directory),
		cmocka_unit_test(test_directory_target),
		cmocka_unit_test(test_full_device),
		cmocka_unit_test(test_device_in_place),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
