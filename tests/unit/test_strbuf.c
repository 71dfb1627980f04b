/* strbuf (growth, detach, reset) and infile_load on plain files, gzip
 * files (single and multi-member) and damaged gzip files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zlib.h>

#include "infile.h"
#include "strbuf.h"
#include "unit_util.h"

static void check_invariants(const struct strbuf *sb)
{
	assert_non_null(sb->buf);
	assert_true(sb->alloc > sb->len);
	assert_int_equal(sb->buf[sb->len], '\0');
}

static void test_init_add(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	check_invariants(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, '-');
	strbuf_add(&sb, "x\0y", 3); /* embedded NUL kept */
	assert_int_equal(sb.len, 7);
	assert_memory_equal(sb.buf, "abc-x\0y", 8);
	check_invariants(&sb);
	strbuf_add(&sb, "", 0);
	assert_int_equal(sb.len, 7);
	/* hex: two lowercase digits a byte */
	strbuf_reset(&sb);
	strbuf_addhex(&sb, (const unsigned char *)"\x00\x0f\xa5\xff", 4);
	assert_string_equal(sb.buf, "000fa5ff");
	strbuf_addhex(&sb, NULL, 0);
	assert_int_equal(sb.len, 8);
	check_invariants(&sb);
	strbuf_release(&sb);
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
}

static void test_addf_growth(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	size_t first_alloc = sb.alloc;
	char big[301];
	memset(big, 'q', 300);
	big[300] = '\0';
	/* one addf much larger than the initial allocation */
	strbuf_addf(&sb, "<%s|%d>", big, -42);
	assert_int_equal(sb.len, 306);
	assert_true(sb.alloc > first_alloc);
	check_invariants(&sb);
	assert_memory_equal(sb.buf, "<", 1);
	assert_memory_equal(sb.buf + 1, big, 300);
	assert_string_equal(sb.buf + 301, "|-42>");

	/* many small appends, crossing several reallocations */
	strbuf_reset(&sb);
	char want[8192];
	size_t wl = 0;
	for (int i = 0; i < 1000; i++) {
		strbuf_addf(&sb, "%04d,", i);
		wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "%04d,", i);
		check_invariants(&sb);
	}
	assert_int_equal(sb.len, 5000);
	assert_int_equal(wl, 5000);
	assert_string_equal(sb.buf, want);

	/* an addf that exactly fills the remaining room, then one more */
	strbuf_reset(&sb);
	size_t room = sb.alloc - 1;
	char *fill = malloc(room + 1);
	memset(fill, 'f', room);
	fill[room] = '\0';
	strbuf_addf(&sb, "%s", fill);
	assert_int_equal(sb.len, room);
	check_invariants(&sb);
	strbuf_addf(&sb, "%c", 'z');
	assert_int_equal(sb.len, room + 1);
	assert_int_equal(sb.buf[room], 'z');
	check_invariants(&sb);
	free(fill);

	/* an empty format adds nothing */
	size_t before = sb.len;
	strbuf_addf(&sb, "%s", "");
	assert_int_equal(sb.len, before);
	strbuf_release(&sb);
}

static void test_reset_detach_grow(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	for (int i = 0; i < 100; i++)
		strbuf_addstr(&sb, "0123456789");
	char *buf = sb.buf;
	size_t alloc = sb.alloc;
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_ptr_equal(sb.buf, buf);   /* memory kept */
	assert_int_equal(sb.alloc, alloc);

	strbuf_addstr(&sb, "hello");
	size_t len = 0;
	char *d = strbuf_detach(&sb, &len);
	assert_ptr_equal(d, buf);
	assert_int_equal(len, 5);
	assert_string_equal(d, "hello");
	/* sb is left released; strbuf_init makes it usable again */
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	strbuf_release(&sb); /* harmless on a released buffer */
	strbuf_init(&sb);
	assert_ptr_not_equal(sb.buf, d);
	assert_string_equal(sb.buf, "");
	check_invariants(&sb);
	strbuf_addstr(&sb, "again");
	assert_string_equal(sb.buf, "again");
	free(d);
	d = strbuf_detach(&sb, NULL);
	assert_string_equal(d, "again");
	assert_null(sb.buf);
	free(d);
	strbuf_init(&sb);

	strbuf_grow(&sb, 10000);
	assert_true(sb.alloc > 10000);
	assert_int_equal(sb.len, 0);
	check_invariants(&sb);
	strbuf_release(&sb);
}

/* ---- infile_load -------------------------------------------------------- */

static char *tmp;

static int setup(void **state)
{
	(void)state;
	tmp = ut_tmpdir("test_strbuf");
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ut_rm_rf(tmp);
	free(tmp);
	return 0;
}

/* Deterministic test content: text-like (compressible) with some noise
 * and NUL bytes. */
static unsigned char *make_content(size_t n, uint32_t seed)
{
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = seed;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (i % 97 == 0) ? 0 : (x >> 16) % 7 == 0 ? (unsigned char)(x >> 8)
								 : (unsigned char)('a' + i % 26);
	}
	return p;
}

static char *write_gz(const char *name, const void *data, size_t n, const char *mode)
{
	char *path = ut_join(tmp, name);
	gzFile gz = gzopen(path, mode);
	assert_non_null(gz);
	size_t done = 0;
	while (done < n) {
		unsigned chunk = n - done > 65536 ? 65536 : (unsigned)(n - done);
		assert_int_equal(gzwrite(gz, (const char *)data + done, chunk), (int)chunk);
		done += chunk;
	}
	assert_int_equal(gzclose(gz), Z_OK);
	return path;
}

static void expect_load(const char *path, const void *data, size_t n)
{
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	strbuf_addstr(&out, "stale content that must go");
	int rc = infile_load(path, &out, &err);
	if (rc)
		fail_msg("infile_load(%s): %s", path, err.buf);
	assert_int_equal(err.len, 0);
	assert_int_equal(out.len, n);
	if (n)
		assert_memory_equal(out.buf, data, n);
	check_invariants(&out);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_load_plain(void **state)
{
	(void)state;
	size_t n = 200000;
	unsigned char *data = make_content(n, 1);
	char *path = ut_join(tmp, "plain.bin");
	assert_int_equal(ut_write_file(path, data, n), 0);
	expect_load(path, data, n);
	free(path);

	path = ut_join(tmp, "empty.bin");
	assert_int_equal(ut_write_file(path, "", 0), 0);
	expect_load(path, "", 0);
	free(path);

	/* a lone gzip magic byte is not a gzip file */
	path = ut_join(tmp, "one.bin");
	assert_int_equal(ut_write_file(path, "\x1f", 1), 0);
	expect_load(path, "\x1f", 1);
	free(path);

	/* sizes about the 64 KiB a read of unknown length is given */
	const size_t sizes[] = {431, 65535, 65536, 65537, 131073};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		path = ut_join(tmp, "sized.bin");
		assert_int_equal(ut_write_file(path, data, sizes[i]), 0);
		expect_load(path, data, sizes[i]);
		free(path);
	}
	/* a small file gets room for itself, not 64 KiB */
	path = ut_join(tmp, "small.bin");
	assert_int_equal(ut_write_file(path, data, 431), 0);
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	assert_int_equal(infile_load(path, &out, &err), 0);
	assert_int_equal(out.len, 431);
	assert_true(out.alloc < 4096);
	strbuf_release(&out);
	strbuf_release(&err);
	free(path);
	free(data);
}

static void test_load_gzip(void **state)
{
	(void)state;
	size_t n = 300000;
	unsigned char *data = make_content(n, 2);
	char *path = write_gz("data.gz", data, n, "wb9");
	expect_load(path, data, n);
	free(path);

	/* highly compressible: the output is many times the input */
	unsigned char *zeros = calloc(1, 4 << 20);
	path = write_gz("zeros.gz", zeros, 4 << 20, "wb9");
	expect_load(path, zeros, 4 << 20);
	free(path);
	free(zeros);

	/* an empty gzip member */
	path = write_gz("empty.gz", "", 0, "wb");
	expect_load(path, "", 0);
	free(path);

	/* two members one after the other read as their concatenation */
	char *a = write_gz("a.gz", data, 1000, "wb");
	char *b = write_gz("b.gz", data + 1000, 5000, "wb1");
	size_t la = 0, lb = 0;
	unsigned char *ga = ut_read_file(a, &la), *gb = ut_read_file(b, &lb);
	unsigned char *cat = malloc(la + lb);
	memcpy(cat, ga, la);
	memcpy(cat + la, gb, lb);
	char *both = ut_join(tmp, "both.gz");
	assert_int_equal(ut_write_file(both, cat, la + lb), 0);
	expect_load(both, data, 6000);
	free(both);
	free(cat);
	free(ga);
	free(gb);
	free(a);
	free(b);
	free(data);
}

static void expect_load_error(const char *path, const char *any1, const char *any2)
{
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	int rc = infile_load(path, &out, &err);
	if (rc != -1 || !(strstr(err.buf, any1) || (any2 && strstr(err.buf, any2))))
		fail_msg("infile_load(%s): rc %d, \"%s\"; wanted \"%s\"%s%s", path, rc,
			 err.buf, any1, any2 ? " or " : "", any2 ? any2 : "");
	check_invariants(&out);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_load_damaged_gzip(void **state)
{
	(void)state;
	size_t n = 3000;
	unsigned char *data = make_content(n, 3);
	char *path = write_gz("good.gz", data, n, "wb");
	size_t glen;
	unsigned char *gz = ut_read_file(path, &glen);
	assert_true(glen > 100);
	char *cut = ut_join(tmp, "cut.gz");
	/* every truncation from the bare magic to one byte short */
	for (size_t len = 2; len < glen; len++) {
		assert_int_equal(ut_write_file(cut, gz, len), 0);
		expect_load_error(cut, "truncated", "corrupt");
	}
	/* the common case says "truncated" precisely */
	assert_int_equal(ut_write_file(cut, gz, glen / 2), 0);
	expect_load_error(cut, "truncated compressed stream", NULL);
	assert_int_equal(ut_write_file(cut, gz, glen - 4), 0);
	expect_load_error(cut, "truncated compressed stream", NULL);

	/* damage in the middle of the deflate data, or in the check value */
	unsigned char *bad = malloc(glen);
	size_t spots[] = {glen / 3, glen / 2, glen - 8, glen - 2};
	for (size_t i = 0; i < 4; i++) {
		memcpy(bad, gz, glen);
		bad[spots[i]] ^= 0xff;
		assert_int_equal(ut_write_file(cut, bad, glen), 0);
		expect_load_error(cut, "corrupt compressed stream (", NULL);
	}
	/* trailing garbage after a complete member */
	memcpy(bad, gz, glen);
	unsigned char *tail = malloc(glen + 8);
	memcpy(tail, gz, glen);
	memcpy(tail + glen, "garbage!", 8);
	assert_int_equal(ut_write_file(cut, tail, glen + 8), 0);
	expect_load_error(cut, "corrupt", "truncated");
	free(tail);
	free(bad);
	free(cut);
	free(gz);
	free(path);
	free(data);
}

static void test_load_errors(void **state)
{
	(void)state;
	char *missing = ut_join(tmp, "no-such-file");
	expect_load_error(missing, strerror(ENOENT), NULL);
	free(missing);
	expect_load_error(tmp, "is a directory", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_add),
		cmocka_unit_test(test_addf_growth),
		cmocka_unit_test(test_reset_detach_grow),
		cmocka_unit_test(test_load_plain),
		cmocka_unit_test(test_load_gzip),
		cmocka_unit_test(test_load_damaged_gzip),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
