/* libFuzzer target: the portable-shard parser (the inflated text). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_target.h"
#include "portable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pshard ps;
	struct strbuf err;
	memset(&ps, 0, sizeof(ps));
	strbuf_init(&err);
	if (pshard_parse(&ps, (const char *)data, len, &err) != 0)
		fuzz_check_error(&err);
	pshard_release(&ps);
	strbuf_release(&err);
	return 0;
}
