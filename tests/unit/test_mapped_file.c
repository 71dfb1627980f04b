/* Reading a file through a kept mapping (common/mapped_file.c): the bytes
 * are the file's whether read or mapped; a mapping shows writes made in
 * place; a file that grew or was replaced is mapped again unless the
 * caller trusts the mapping; a file cut short under a trusted mapping is
 * a fault the guard reports (not a crash), while a fault outside a guard
 * still kills; a missing file is an error naming the cause. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mapped_file.h"
#include "unit_util.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = ut_tmpdir("mapped");
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ut_rm_rf(dir);
	free(dir);
	return 0;
}

/* Writes n bytes of ch to name in place (created when missing). */
static void write_in_place(const char *name, int ch, size_t n)
{
	char *p = ut_join(dir, name);
	int fd = open(p, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	char *b = malloc(n ? n : 1);
	memset(b, ch, n);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	free(b);
	free(p);
}

struct sum {
	const unsigned char *p;
	size_t len;
	uint64_t total;
};

/* Reads every byte (as the collector's scan does). */
static int add_bytes(void *arg)
{
	struct sum *s = arg;
	s->total = 0;
	for (size_t i = 0; i < s->len; i++)
		s->total += s->p[i];
	return 7;
}

static uint64_t view_sum(struct mapped_file *m, const char *name, int how,
			 int want_from, struct strbuf *buf)
{
	struct strbuf err;
	strbuf_init(&err);
	struct sum s = {0};
	int dfd = open(dir, O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(mapped_file_view(m, dfd, name, how, &s.p, &s.len, buf, &err),
			 want_from);
	close(dfd);
	assert_int_equal(mapped_file_guard(m, add_bytes, &s), 7);
	strbuf_release(&err);
	return s.total;
}

static void test_read_and_map(void **state)
{
	(void)state;
	struct strbuf buf;
	strbuf_init(&buf);
	struct mapped_file m = {0};
	write_in_place("a.gcda", 2, 5000);
	/* read, not mapped */
	assert_int_equal(view_sum(&m, "a.gcda", 0, 0, &buf), 10000);
	assert_null(m.p);
	assert_int_equal(buf.len, 5000);
	/* mapped */
	assert_int_equal(view_sum(&m, "a.gcda", MAPPED_MAY_MAP, 0, &buf), 10000);
	assert_non_null(m.p);
	assert_int_equal(m.len, 5000);
	const unsigned char *first = m.p;
	/* written in place: the mapping shows it, trusted or checked,
	 * without mapping again */
	write_in_place("a.gcda", 3, 5000);
	assert_int_equal(view_sum(&m, "a.gcda", MAPPED_MAY_MAP | MAPPED_TRUST, 1, &buf),
			 15000);
	assert_int_equal(view_sum(&m, "a.gcda", MAPPED_MAY_MAP, 0, &buf), 15000);
	assert_ptr_equal(m.p, first);
	/* grown in place: the check maps it again, whole */
	write_in_place("a.gcda", 1, 9000);
	assert_int_equal(view_sum(&m, "a.gcda", MAPPED_MAY_MAP, 0, &buf), 9000);
	assert_int_equal(m.len, 9000);
	/* replaced by a new file of the same size: the check sees a new
	 * inode; trusted, the mapping still shows the old file */
	char *p = ut_join(dir, "a.gcda");
	assert_int_equal(unlink(p), 0);
	write_in_place("a.gcda", 2, 9000);
	assert_int_equal(view_sum(&m, "a.gcda", MAPPED_MAY_MAP | MAPPED_TRUST, 1, &buf),
			 9000);
	assert_int_equal(view_sum(&m, "a.gcda", MAPPED_MAY_MAP, 0, &buf), 18000);
	mapped_file_release(&m);
	assert_null(m.p);
	free(p);
	strbuf_release(&buf);
}

static void test_cut_short_is_a_fault(void **state)
{
	(void)state;
	struct strbuf buf;
	strbuf_init(&buf);
	struct mapped_file m = {0};
	write_in_place("cut.gcda", 1, 3 * 4096 + 100);
	assert_int_equal(view_sum(&m, "cut.gcda", MAPPED_MAY_MAP, 0, &buf),
			 3 * 4096 + 100);
	char *p = ut_join(dir, "cut.gcda");
	assert_int_equal(truncate(p, 10), 0);
	struct sum s = {0};
	struct strbuf err;
	strbuf_init(&err);
	int dfd = open(dir, O_PATH | O_DIRECTORY);
	assert_int_equal(mapped_file_view(&m, dfd, "cut.gcda",
					  MAPPED_MAY_MAP | MAPPED_TRUST, &s.p, &s.len,
					  &buf, &err), 1);
	assert_int_equal(mapped_file_guard(&m, add_bytes, &s), MAPPED_FAULT);
	/* the caller reads it again: checked, it is 10 bytes */
	mapped_file_release(&m);
	assert_int_equal(mapped_file_view(&m, dfd, "cut.gcda", MAPPED_MAY_MAP,
					  &s.p, &s.len, &buf, &err), 0);
	assert_int_equal(mapped_file_guard(&m, add_bytes, &s), 7);
	assert_int_equal(s.len, 10);
	assert_int_equal(s.total, 10);
	/* a guard over nothing mapped runs the function as it is */
	struct mapped_file none = {0};
	assert_int_equal(mapped_file_guard(&none, add_bytes, &s), 7);
	close(dfd);
	mapped_file_release(&m);
	strbuf_release(&err);
	free(p);
	strbuf_release(&buf);
}

/* A fault outside a guard is not the mapped file's: it kills as before. */
static void test_fault_outside_guard_kills(void **state)
{
	(void)state;
	write_in_place("other.gcda", 1, 3 * 4096);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);   /* not cmocka's: the default action */
		struct strbuf buf, err;
		strbuf_init(&buf);
		strbuf_init(&err);
		struct mapped_file m = {0};
		const unsigned char *p;
		size_t len;
		int dfd = open(dir, O_PATH | O_DIRECTORY);
		if (mapped_file_view(&m, dfd, "other.gcda", MAPPED_MAY_MAP, &p, &len,
				     &buf, &err) != 0 || !m.p)
			_exit(3);
		char *path = ut_join(dir, "other.gcda");
		if (truncate(path, 0))
			_exit(4);
		volatile unsigned char x = p[2 * 4096];
		(void)x;
		_exit(5);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGBUS);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct strbuf buf, err;
	strbuf_init(&buf);
	strbuf_init(&err);
	struct mapped_file m = {0};
	const unsigned char *p;
	size_t len;
	char *gone = ut_join(dir, "gone.gcda");
	assert_int_equal(mapped_file_view(&m, AT_FDCWD, gone, MAPPED_MAY_MAP, &p, &len,
					  &buf, &err), -1);
	assert_string_equal(err.buf, "No such file or directory");
	assert_null(m.p);
	free(gone);
	strbuf_release(&err);
	strbuf_release(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_and_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_short_is_a_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_outside_guard_kills, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
