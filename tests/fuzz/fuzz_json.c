/* libFuzzer target: the JSON reader (CTest inventories, manifests). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_target.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct strbuf err;
	strbuf_init(&err);
	struct json *j = json_parse((const char *)data, len, &err);
	if (!j)
		fuzz_check_error(&err);
	json_free(j);
	strbuf_release(&err);
	return 0;
}
