/* libFuzzer target: a binary's ELF headers as covmerge reads its section
 * headers for source-based coverage (coverage mapping, needed libraries,
 * run path, build id) and as the runner reads its program headers (is it a program
 * that needs cmocka?); both map it through common/elf_map.c. The input
 * becomes a file of a scratch directory (made once per process), mapped
 * as a real binary is. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "elf_cov.h"
#include "fuzz_target.h"

static char dir[64];

static void remove_dir(void)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/binary", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/cm-fuzz-elf.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	char path[96];
	snprintf(path, sizeof(path), "%s/binary", dir);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		abort();
	struct elf_cov e;
	memset(&e, 0, sizeof(e));
	elf_cov_read(path, &e);
	/* what it found is a plain answer: nothing unless it read headers */
	if (!e.is_elf && (e.covmap || e.needed.n || e.runpath.n))
		abort();
	for (size_t i = 0; i < e.needed.n; i++)
		if (!e.needed.v[i][0])
			abort();
	/* a build id is hex, two digits a byte, at most 64 bytes */
	if (e.build_id) {
		size_t n = strlen(e.build_id);
		if (!e.is_elf || !n || n % 2 || n > 128 ||
		    strspn(e.build_id, "0123456789abcdef") != n)
			abort();
	}
	elf_cov_release(&e);
	/* the runner's answer is 0 or 1, and 0 for what is no ELF file */
	int needs = elf_program_needs(path, "libcmocka.so");
	if (needs != 0 && needs != 1)
		abort();
	if (needs && (len < 4 || memcmp(data, "\177ELF", 4)))
		abort();
	return 0;
}
