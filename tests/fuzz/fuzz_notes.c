/* libFuzzer target: the notes (.gcno) parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_target.h"
#include "gcno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct gcno g;
	struct strbuf err;
	memset(&g, 0, sizeof(g));
	strbuf_init(&err);
	if (gcno_parse(&g, data, len, &err) != 0)
		fuzz_check_error(&err);
	gcno_release(&g);
	strbuf_release(&err);
	return 0;
}
