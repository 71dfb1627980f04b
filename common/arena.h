/* A bump allocator: everything that lives as long as one parsed file comes
 * from one arena and is freed at once with arena_release. */
#ifndef CM_ARENA_H
#define CM_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
};

/* Zeroed, 8-byte aligned memory of nmemb * size bytes (overflow-checked). */
void *arena_alloc(struct arena *a, size_t nmemb, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_release(struct arena *a);

#endif
