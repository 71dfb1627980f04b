/* libFuzzer target: the unified diff parser (--diff, --diff-file). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "udiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct udiff d;
	struct strbuf err;
	memset(&d, 0, sizeof(d));
	strbuf_init(&err);
	if (udiff_parse((const char *)data, len, &d, &err) != 0) {
		fuzz_check_error(&err);
	} else {
		/* every file has lines, ascending, each once, from 1 */
		for (size_t i = 0; i < d.nfiles; i++) {
			if (!d.files[i].nlines || !d.files[i].lines[0])
				abort();
			for (size_t j = 1; j < d.files[i].nlines; j++)
				if (d.files[i].lines[j] <= d.files[i].lines[j - 1])
					abort();
		}
	}
	udiff_release(&d);
	strbuf_release(&err);
	return 0;
}
