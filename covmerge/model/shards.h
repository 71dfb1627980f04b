/* Finding the data: every .gcda under the shard roots mapped back to its
 * .gcno, and every .gcno under the object directories, as a list of
 * objects each with the data files that belong to it. */
#ifndef CM_SHARDS_H
#define CM_SHARDS_H

#include <stdint.h>

#include "covmerge.h"
#include "diag.h"
#include "path.h"

struct object {
	char *gcno;               /* absolute path of the notes file */
	struct path_list gcdas;   /* its data files, sorted */
};

struct inventory {
	struct object *v;         /* sorted by gcno path */
	size_t n, alloc;
	struct path_list tracefiles; /* lcov inputs, in command-line order */
	/* only_object_dirs: the objects whose data was left out, lying
	 * outside the object directories, and the first of them (by path) */
	size_t nleft_out;
	char *left_out_first;
};

/* Fills inv from the options: directories and .gcda files are shards,
 * other files are lcov tracefiles. Problems go to d (as warnings when
 * opts->ignore_stale and the problem concerns one data file). */
void shards_discover(const struct cm_options *opts, struct inventory *inv,
		     struct diag *d);
void inventory_release(struct inventory *inv);
/* The stamp of the gcov file at path, or -1. */
int64_t read_stamp(const char *path, uint32_t magic);

#endif
