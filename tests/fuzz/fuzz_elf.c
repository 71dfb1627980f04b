/* libFuzzer target: a binary's ELF section headers as covmerge reads them
 * for source-based coverage (coverage mapping, needed libraries, run
 * path). The input becomes a file of a scratch directory (made once per
 * process), which elf_cov_read maps as it maps a real binary. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	elf_cov_release(&e);
	return 0;
}
