/* libFuzzer target: the runner manifest check. The input becomes
 * manifest.json of a scratch coverage directory (made once per process),
 * which manifest_check reads as covmerge does. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_target.h"
#include "manifest.h"

static char dir[64];

static void remove_dir(void)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/cm-fuzz-manifest.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	char path[96];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		abort();
	struct diag d;
	memset(&d, 0, sizeof(d));
	manifest_check(dir, 0, &d);
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].text || !d.v[i].text[0])
			abort();
	diag_release(&d);
	return 0;
}
