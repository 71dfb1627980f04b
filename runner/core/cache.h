/* The durations cache: one line per test, "<seconds>\t<status>\t<id>",
 * kept in a file in the current directory (.runner-cache by default). It
 * orders the next run longest first, balances --shard, and remembers the
 * last failures for --lf. */
#ifndef RUNNER_CACHE_H
#define RUNNER_CACHE_H

#include <stddef.h>

#include "strbuf.h"

/* A cache is one short line per test: anything bigger is not one. */
#define CACHE_MAX_BYTES (64 << 20)

struct cache_entry {
	char *id;
	double duration;
	int failed;
};

struct cache {
	struct cache_entry *v;   /* sorted by id */
	size_t n, alloc;
};

/* Reads path; a missing or unreadable file is an empty cache. */
void cache_load(struct cache *c, const char *path);
const struct cache_entry *cache_find(const struct cache *c, const char *id);
/* Records a result (replacing the test's entry). */
void cache_put(struct cache *c, const char *id, double duration, int failed);
/* Whether path can be a cache: missing, or a regular file of at most
 * CACHE_MAX_BYTES. Returns 0, or -1 with the cause in err (a device, a
 * FIFO, a directory, a huge file). */
int cache_check(const char *path, struct strbuf *err);
/* Writes the cache atomically (after cache_check). Returns 0, or -1 with
 * the cause in err. */
int cache_save(const struct cache *c, const char *path, struct strbuf *err);
void cache_release(struct cache *c);

#endif
