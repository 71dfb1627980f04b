/* libFuzzer target: the data (.gcda) parser, touching every counter it
 * vouches for. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_target.h"
#include "gcda.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct gcda g;
	struct strbuf err;
	memset(&g, 0, sizeof(g));
	strbuf_init(&err);
	if (gcda_parse(&g, data, len, &err) == 0) {
		for (size_t i = 0; i < g.nfuncs; i++)
			if (g.funcs[i].counters)
				for (uint32_t k = 0; k < g.funcs[i].ncounters; k++)
					(void)gcda_counter(&g, &g.funcs[i], k);
	} else {
		fuzz_check_error(&err);
	}
	gcda_release(&g);
	strbuf_release(&err);
	return 0;
}
