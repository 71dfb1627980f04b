/* Reading an ELF program's NEEDED entries (runner/elf.c): a real program
 * (this test links cmocka), hand-made programs of both classes and byte
 * orders, a PIE program against a shared library, and every truncation
 * and many corruptions of a valid file, which must never crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elf.h"
#include "path.h"

static char *tmp_path;

/* an ELF image under construction */
struct img {
	unsigned char b[1024];
	size_t len;
	int is64, msb;
};

static void put(struct img *m, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		int shift = 8 * (m->msb ? bytes - 1 - i : i);
		m->b[off + (size_t)i] = (unsigned char)(v >> shift);
	}
	if (off + (size_t)bytes > m->len)
		m->len = off + (size_t)bytes;
}

/* A program of type `type` (2 executable, 3 shared object), with an
 * interpreter when interp, whose one NEEDED entry is `needed`. Layout:
 * header, three program headers (LOAD, INTERP, DYNAMIC), the interpreter
 * path, the dynamic entries, the string table. */
static void build(struct img *m, int is64, int msb, int type, int interp,
		  const char *needed)
{
	memset(m, 0, sizeof(*m));
	m->is64 = is64;
	m->msb = msb;
	int w = is64 ? 8 : 4;
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
	size_t a = eh + 3 * ph, d = a + 16, s = d + 4 * 2 * (size_t)w;
	uint64_t base = 0x400000;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = is64 ? 2 : 1;
	m->b[5] = msb ? 2 : 1;
	m->b[6] = 1;
	put(m, 16, (uint64_t)type, 2);
	put(m, is64 ? 32 : 28, eh, w);                 /* e_phoff */
	put(m, is64 ? 54 : 42, ph, 2);                 /* e_phentsize */
	put(m, is64 ? 56 : 44, interp ? 3 : 2, 2);     /* e_phnum */
	size_t strsz = 1 + strlen(needed) + 1;
	size_t total = s + strsz;
	/* program headers: type, then offset/vaddr/filesz at class offsets */
	uint64_t types[3] = {1, 2, 3}, offs[3] = {0, d, a};
	uint64_t sizes[3] = {total, 4 * 2 * (uint64_t)w, 11};
	for (int i = 0; i < (interp ? 3 : 2); i++) {
		size_t p = eh + (size_t)i * ph;
		put(m, p, types[i], 4);
		put(m, p + (is64 ? 8 : 4), offs[i], w);
		put(m, p + (is64 ? 16 : 8), base + offs[i], w);
		put(m, p + (is64 ? 32 : 16), sizes[i], w);
	}
	memcpy(m->b + a, "/lib/ld.so", 11);
	uint64_t dyn[4][2] = {{1, 1}, {5, base + s}, {10, strsz}, {0, 0}};
	for (int i = 0; i < 4; i++) {
		put(m, d + (size_t)i * 2 * (size_t)w, dyn[i][0], w);
		put(m, d + (size_t)i * 2 * (size_t)w + (size_t)w, dyn[i][1], w);
	}
	memcpy(m->b + s + 1, needed, strlen(needed) + 1);
	m->len = total;
}

static int check(const unsigned char *b, size_t n, const char *prefix)
{
	FILE *f = fopen(tmp_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return elf_program_needs(tmp_path, prefix);
}

static void real_program(void **state)
{
	(void)state;
	assert_int_equal(elf_program_needs("/proc/self/exe", "libcmocka.so"), 1);
	assert_int_equal(elf_program_needs("/proc/self/exe", "libnothere.so"), 0);
	assert_int_equal(elf_program_needs("/nonexistent/prog", "libcmocka.so"), 0);
	assert_int_equal(elf_program_needs("/dev/null", "libcmocka.so"), 0);
}

static void every_class_and_byte_order(void **state)
{
	(void)state;
	struct img m;
	for (int is64 = 0; is64 < 2; is64++)
		for (int msb = 0; msb < 2; msb++) {
			build(&m, is64, msb, 2, 1, "libcmocka.so.0");
			assert_int_equal(check(m.b, m.len, "libcmocka.so"), 1);
			assert_int_equal(check(m.b, m.len, "libc.so"), 0);
			/* static-looking executable without an interpreter */
			build(&m, is64, msb, 2, 0, "libcmocka.so.0");
			assert_int_equal(check(m.b, m.len, "libcmocka.so"), 1);
			/* PIE: a shared object with an interpreter */
			build(&m, is64, msb, 3, 1, "libcmocka.so.0");
			assert_int_equal(check(m.b, m.len, "libcmocka.so"), 1);
			/* a shared library: no interpreter, no program */
			build(&m, is64, msb, 3, 0, "libcmocka.so.0");
			assert_int_equal(check(m.b, m.len, "libcmocka.so"), 0);
			build(&m, is64, msb, 2, 1, "libother.so.1");
			assert_int_equal(check(m.b, m.len, "libcmocka.so"), 0);
		}
}

static void damaged_files_never_crash(void **state)
{
	(void)state;
	struct img m;
	build(&m, 1, 0, 3, 1, "libcmocka.so.0");
	/* every truncation: only the whole file has its string table */
	for (size_t n = 0; n < m.len; n++)
		assert_int_equal(check(m.b, n, "libcmocka.so"), 0);
	assert_int_equal(check(m.b, m.len, "libcmocka.so"), 1);
	/* corruptions: whatever the answer, no crash (ASan watches) */
	unsigned seed = 12345;
	unsigned char copy[sizeof(m.b)];
	for (int round = 0; round < 2000; round++) {
		memcpy(copy, m.b, m.len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % m.len;
			seed = seed * 1103515245u + 12345u;
			copy[at] = (unsigned char)(seed >> 16);
		}
		int r = check(copy, m.len, "libcmocka.so");
		assert_true(r == 0 || r == 1);
	}
	/* a string table whose last name runs off its end */
	memcpy(copy, m.b, m.len);
	copy[m.len - 1] = 'x';
	assert_int_equal(check(copy, m.len, "libcmocka.so"), 0);
}

int main(void)
{
	const char *base = getenv("CM_TEST_TMP");
	char *dir = NULL;
	if (asprintf(&dir, "%s/test_runner_elf.%d", base ? base : "/tmp",
		     (int)getpid()) < 0)
		return 1;
	path_mkdirs(dir);
	if (asprintf(&tmp_path, "%s/prog", dir) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_program),
		cmocka_unit_test(every_class_and_byte_order),
		cmocka_unit_test(damaged_files_never_crash),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	path_remove_tree(dir);
	free(dir);
	free(tmp_path);
	return rc;
}
