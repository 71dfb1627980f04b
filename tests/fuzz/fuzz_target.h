/* What every fuzz target in tests/fuzz/ shares: the libFuzzer entry point
 * and the check that a rejected input says why. Each target is built two
 * ways (tests/fuzz/CMakeLists.txt): with clang's -fsanitize=fuzzer as a
 * fuzzer (CM_FUZZ=ON), and with replay_main.c as an ordinary program
 * that runs every file of tests/fuzz/regressions/<target>/ (a CTest
 * test in every build). */
#ifndef CM_FUZZ_TARGET_H
#define CM_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* A parser that refuses an input must give a cause. */
static inline void fuzz_check_error(const struct strbuf *err)
{
	if (!err->len)
		abort();
}

#endif
