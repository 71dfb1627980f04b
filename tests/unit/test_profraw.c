/* The build ids of a raw LLVM profile (formats/profraw.c): a version 8
 * header's list read in either byte order, each id as lowercase hex;
 * another version or an empty list cannot tell; what is no raw profile,
 * or a list past the end of the bytes, is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "profraw.h"

#define MAGIC64 0xff6c70726f667281ull

static size_t put64(unsigned char *p, uint64_t v, int be)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * (be ? 7 - i : i)));
	return 8;
}

/* A header of version v (11 fields) whose list holds ids of lengths
 * len[0 .. n) (bytes k, k+1, ...), listing size bytes when size is not
 * 0; returns its length. */
static size_t profile(unsigned char *p, uint64_t v, const size_t *len, size_t n,
		      uint64_t size, int be)
{
	memset(p, 0, 512);
	size_t at = 88, list = 0;
	unsigned char k = 0;
	for (size_t i = 0; i < n; i++) {
		at += put64(p + at, len[i], be);
		for (size_t j = 0; j < len[i]; j++)
			p[at + j] = k++;
		at += (len[i] + 7) & ~(size_t)7;
	}
	list = at - 88;
	put64(p, MAGIC64, be);
	put64(p + 8, v, be);
	put64(p + 16, size ? size : list, be);
	return at;
}

static void test_ids(void **state)
{
	(void)state;
	unsigned char p[512];
	for (int be = 0; be < 2; be++) {
		const size_t len[] = {20, 3};
		size_t n = profile(p, 8, len, 2, 0, be);
		struct path_list ids = {0};
		assert_int_equal(profraw_binary_ids(p, n, &ids), 1);
		assert_int_equal(ids.n, 2);
		assert_string_equal(ids.v[0], "000102030405060708090a0b0c0d0e0f10111213");
		assert_string_equal(ids.v[1], "141516");
		path_list_release(&ids);
	}
	/* the variant flags in the version's high bits do not matter */
	const size_t one[] = {16};
	size_t n = profile(p, (uint64_t)1 << 56 | 8, one, 1, 0, 0);
	struct path_list ids = {0};
	assert_int_equal(profraw_binary_ids(p, n, &ids), 1);
	assert_int_equal(ids.n, 1);
	path_list_release(&ids);
}

static void test_cannot_tell(void **state)
{
	(void)state;
	unsigned char p[512];
	struct path_list ids = {0};
	size_t n = profile(p, 5, NULL, 0, 0, 0);    /* before build ids */
	assert_int_equal(profraw_binary_ids(p, n, &ids), 0);
	n = profile(p, 9, NULL, 0, 0, 0);           /* a later header */
	assert_int_equal(profraw_binary_ids(p, n, &ids), 0);
	n = profile(p, 8, NULL, 0, 0, 0);           /* written without ids */
	assert_int_equal(profraw_binary_ids(p, n, &ids), 0);
	assert_int_equal(ids.n, 0);
}

static void test_refused(void **state)
{
	(void)state;
	unsigned char p[512];
	struct path_list ids = {0};
	const size_t len[] = {20};
	size_t n = profile(p, 8, len, 1, 0, 0);
	assert_int_equal(profraw_binary_ids(p, n - 1, &ids), -1);  /* cut */
	assert_int_equal(profraw_binary_ids(p, 40, &ids), -1);     /* in the header */
	assert_int_equal(profraw_binary_ids((const unsigned char *)"not a profile", 13, &ids), -1);
	profile(p, 8, len, 1, 4096, 0);                            /* list past the end */
	assert_int_equal(profraw_binary_ids(p, n, &ids), -1);
	const size_t huge[] = {65};                                /* no such id */
	n = profile(p, 8, huge, 1, 0, 0);
	assert_int_equal(profraw_binary_ids(p, n, &ids), -1);
	/* a first id whole, the second cut short: nothing added */
	const size_t two[] = {20, 20};
	n = profile(p, 8, two, 2, 0, 0);
	put64(p + 16, 28 + 8 + 8, 0);
	assert_int_equal(profraw_binary_ids(p, n, &ids), -1);
	assert_int_equal(ids.n, 0);
	path_list_release(&ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_cannot_tell),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
