/* libFuzzer target: the build ids of a raw LLVM profile (formats/profraw.c),
 * as covmerge reads them to tell which binaries ran. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "profraw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct path_list ids = {0};
	int rc = profraw_binary_ids(data, len, &ids);
	/* an answer of the three, ids only when it names them, each hex */
	if (rc < -1 || rc > 1 || (rc != 1 && ids.n))
		abort();
	for (size_t i = 0; i < ids.n; i++) {
		size_t n = strlen(ids.v[i]);
		if (!n || n % 2 || n > 128 || strspn(ids.v[i], "0123456789abcdef") != n)
			abort();
	}
	path_list_release(&ids);
	return 0;
}
