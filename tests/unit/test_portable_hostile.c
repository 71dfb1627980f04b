/* The portable-shard parser on hostile input (shards come from other
 * machines' CI jobs): every case is parsed from an exact-size heap copy,
 * so AddressSanitizer sees a read one byte past the end.
 *
 *  - a counter line announcing more counters than it holds (it used to
 *    read one byte past the line's NUL: seen by clang ASan at -O0, hidden
 *    at gcc -O2), fewer than it holds, or a separator other than a blank;
 *  - a NUL byte inside a text line (a path, a record) is an error;
 *  - the same shard intact parses, with its counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "portable.h"
#include "strbuf.h"
#include "unit_util.h"

/* A one-object shard whose single function line is counters_line. */
static char *shard_text(const char *counters_line, size_t *len)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, PSHARD_MAGIC "root /r\n");
	strbuf_addstr(&sb, "object o.gcno\t4\t1\t1\t1\ngcno");
	strbuf_addstr(&sb, "files 1\nsrc/a.c\n");
	strbuf_addf(&sb, "%s\nend\n", counters_line);
	return strbuf_detach(&sb, len);
}

/* Parses text from an exact-size copy; returns the parser's result and
 * leaves the cause in err. */
static int parse(const char *line, struct pshard *ps, struct strbuf *err)
{
	size_t len;
	char *text = shard_text(line, &len);
	unsigned char *copy = ut_exact_copy(text, len);
	free(text);
	memset(ps, 0, sizeof(*ps));
	strbuf_reset(err);
	int rc = pshard_parse(ps, (const char *)copy, len, err);
	free(copy);
	return rc;
}

static void test_intact(void **state)
{
	(void)state;
	struct pshard ps;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse("7 11 13 3 5 -1 0", &ps, &err), 0);
	assert_string_equal(ps.root, "/r");
	assert_int_equal(ps.nobjs, 1);
	assert_int_equal(ps.objs[0].nfuncs, 1);
	const struct pshard_func *f = &ps.objs[0].funcs[0];
	assert_int_equal(f->ident, 7);
	assert_int_equal(f->lineno_checksum, 11);
	assert_int_equal(f->cfg_checksum, 13);
	assert_int_equal(f->n, 3);
	assert_true(f->counters[0] == 5 && f->counters[1] == -1 &&
		    f->counters[2] == 0);
	assert_string_equal(ps.objs[0].paths[0], "src/a.c");
	pshard_release(&ps);
	strbuf_release(&err);
}

static void test_bad_counter_lines(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"7 11 13 2 5",     /* announces 2, holds 1 */
		"7 11 13 1",       /* announces 1, holds none */
		"7 11 13 3 5 6",   /* announces 3, holds 2 */
		"7 11 13 1 5 6",   /* holds more than it announces */
		"7 11 13 2 5\t6",  /* a tab between counters */
		"7 11 13 1 5 ",    /* a trailing blank */
		"7 11 13 2 5 x",
		"7 11 13",
		"7 11 13 ",
		"7 11",
		"",
	};
	struct strbuf err;
	strbuf_init(&err);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct pshard ps;
		int rc = parse(lines[i], &ps, &err);
		if (rc != -1 || strcmp(err.buf, "object \"o.gcno\": bad counter line"))
			fail_msg("\"%s\": rc %d, \"%s\"", lines[i], rc, err.buf);
		pshard_release(&ps);
	}
	strbuf_release(&err);
}

/* A NUL inside a text line cut the line short without a word (a path
 * "src/a\0b.c" read as "src/a"). */
static void test_nul_bytes(void **state)
{
	(void)state;
	static const char shard[] = PSHARD_MAGIC "root /r\n"
		"object o.gcno\t4\t1\t1\t1\ngcno\0files 1\nsrc/a\0b.c\n7 11 13 1 5\nend\n";
	struct strbuf err;
	strbuf_init(&err);
	struct pshard ps;
	/* the gcno bytes may hold NULs: that one ("gcno" then "\0files")
	 * is 4 bytes announced, so the files record starts at the NUL */
	memset(&ps, 0, sizeof(ps));
	unsigned char *copy = ut_exact_copy(shard, sizeof(shard) - 1);
	assert_int_equal(pshard_parse(&ps, (const char *)copy, sizeof(shard) - 1, &err), -1);
	assert_string_equal(err.buf, "object \"o.gcno\": bad files record");
	free(copy);
	pshard_release(&ps);

	static const char shard2[] = PSHARD_MAGIC "root /r\n"
		"object o.gcno\t4\t1\t1\t1\ngcnofiles 1\nsrc/a\0b.c\n7 11 13 1 5\nend\n";
	memset(&ps, 0, sizeof(ps));
	strbuf_reset(&err);
	copy = ut_exact_copy(shard2, sizeof(shard2) - 1);
	assert_int_equal(pshard_parse(&ps, (const char *)copy, sizeof(shard2) - 1, &err), -1);
	assert_string_equal(err.buf, "object \"o.gcno\": file names cut short "
			    "(or holding a NUL byte)");
	free(copy);
	pshard_release(&ps);

	static const char shard3[] = PSHARD_MAGIC "ro\0t /r\nend\n";
	memset(&ps, 0, sizeof(ps));
	strbuf_reset(&err);
	copy = ut_exact_copy(shard3, sizeof(shard3) - 1);
	assert_int_equal(pshard_parse(&ps, (const char *)copy, sizeof(shard3) - 1, &err), -1);
	assert_string_equal(err.buf, "a NUL byte at byte offset 19 of the inflated shard");
	free(copy);
	pshard_release(&ps);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_bad_counter_lines),
		cmocka_unit_test(test_nul_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
