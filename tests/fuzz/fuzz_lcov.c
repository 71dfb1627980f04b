/* libFuzzer target: the lcov tracefile parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_target.h"
#include "lcov_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct obj_cov cov;
	struct strbuf err;
	memset(&cov, 0, sizeof(cov));
	strbuf_init(&err);
	if (lcov_parse((const char *)data, len, &cov, &err) != 0)
		fuzz_check_error(&err);
	obj_cov_release(&cov);
	strbuf_release(&err);
	return 0;
}
