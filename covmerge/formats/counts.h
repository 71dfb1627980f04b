/* Adding execution counts: sums that would pass INT64_MAX stay there
 * rather than wrapping to a negative (missed) count. Counts here are never
 * negative. */
#ifndef CM_COUNTS_H
#define CM_COUNTS_H

#include <stdint.h>

static inline int64_t count_add(int64_t a, int64_t b)
{
	if (a < 0)
		a = 0;
	if (b < 0)
		b = 0;
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

#endif
