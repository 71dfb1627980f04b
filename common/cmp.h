/* qsort and bsearch comparators used across the code: one of each. */
#ifndef CM_CMP_H
#define CM_CMP_H

#include <stdint.h>
#include <string.h>

/* uint32_t values, ascending. */
static inline int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Strings (an array of char *), in strcmp's order. */
static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#endif
