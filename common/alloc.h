/* Allocation wrappers shared by covmerge and runner.
 *
 * Every function here either succeeds or ends the process with a message:
 * running out of memory is not an error a caller can do anything about.
 * Sizes are checked for multiplication overflow before allocating. */
#ifndef CM_ALLOC_H
#define CM_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
/* realloc of nmemb * size bytes, overflow-checked */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; the caller frees it */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (holding *alloc elements of elem_size) so that it can hold at
 * least need elements. */
void grow_array(void **arr, size_t *alloc, size_t need, size_t elem_size);
/* The same, checked in line (most calls have room: no call then); need
 * and alloc are evaluated twice. */
#define GROW(arr, alloc, need) \
	do { \
		if ((need) > (alloc)) \
			grow_array((void **)&(arr), &(alloc), (need), sizeof(*(arr))); \
	} while (0)
/* Appends value to vec (n elements, alloc allocated). */
#define APPEND(vec, n, alloc, value) \
	do { \
		GROW(vec, alloc, (n) + 1); \
		(vec)[(n)++] = (value); \
	} while (0)

#endif
