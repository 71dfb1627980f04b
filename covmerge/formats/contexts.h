/* The context store: which tests ran which source lines and branch arcs
 * (runner --cov-context=test), in memory and as a file.
 *
 * In memory a store is three tables: the tests (each id once, with the
 * index of its program), the programs (each with the source files its
 * objects compile: the notes' file names and the objects' dependency
 * files) and the source files, each with its entries: a line, or one
 * branch arc of a line, and the sorted indices of the tests that ran it.
 * It also records the git revision of the tree it was made in, and per
 * source file its git blob id at collection time (how `runner
 * --affected-by` knows the line numbers still hold).
 *
 * The file (see docs/contexts.md):
 *
 *   "covmerge-contexts 1\n", the inflated length (8 bytes, little
 *   endian), then a zlib stream of:
 *     str revision
 *     n tests:    str id, u program
 *     n programs: str name, n sources: u file
 *     n files:    str path, str blob, n entries:
 *                 u line delta, u branch (0 the line, b+1 its arc b),
 *                 n runs of tests: u (gap << 1 | more), then when more
 *                 is 1, u (length - 2); gap is the first run's start, a
 *                 later run's start - the previous run's end - 2 (runs
 *                 never touch); a run of one test is one number
 *
 *   where u is an unsigned LEB128 number, n a u count, str a u length
 *   and the bytes. Lines ascend within a file (the delta is from the
 *   previous entry's line). Tests are numbered in the order their runs
 *   ended, so a line most tests ran is one run of tests, a few bytes
 *   however many tests there are. */
#ifndef CM_CONTEXTS_H
#define CM_CONTEXTS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define CTX_MAGIC "covmerge-contexts 1\n"

struct ctx_entry {
	uint32_t line;
	uint32_t branch;       /* 0: the line; b + 1: its branch arc b */
	/* the tests (indices into the store's tests) as runs [r[2k],
	 * r[2k+1]], ascending, never touching; nr uint32s used, ar held */
	uint32_t nr, ar;
	uint32_t *r;
};

/* Adds test t to e (in any order; ascending is the fast case). */
void ctx_entry_add(struct ctx_entry *e, uint32_t t);
/* Sorts e's runs and joins those that overlap or touch (the collector
 * fills r[] as the runs come: out of order, overlapping or touching when
 * several objects' slots feed one line). */
void ctx_entry_tidy(struct ctx_entry *e);
/* How many tests e holds. */
size_t ctx_entry_count(const struct ctx_entry *e);
/* Every test t of entry e, ascending. */
#define CTX_FOR_TESTS(e, t) \
	for (uint32_t ctx_k_ = 0; ctx_k_ < (e)->nr; ctx_k_ += 2) \
		for (uint64_t t = (e)->r[ctx_k_]; t <= (e)->r[ctx_k_ + 1]; t++)

struct ctx_file {
	char *path;
	char *blob;            /* git blob id at collection time, or "" */
	size_t nentries, aentries;
	struct ctx_entry *entries; /* by line, then branch */
};

struct ctx_test {
	char *id;
	uint32_t prog;
};

struct ctx_prog {
	char *name;
	size_t nsources, asources;
	uint32_t *sources;     /* indices into the files, ascending */
};

struct ctx_store {
	char *revision;        /* "" when unknown */
	size_t ntests, atests;
	struct ctx_test *tests;
	size_t nprogs, aprogs;
	struct ctx_prog *progs;
	size_t nfiles, afiles;
	struct ctx_file *files;
	struct ctx_names *names; /* the name lookups (private) */
};

void ctx_store_init(struct ctx_store *s);
void ctx_store_release(struct ctx_store *s);

/* The index of the test, program or file with that name, added when it
 * is not there yet (a linear search is avoided: see contexts.c). */
uint32_t ctx_test_index(struct ctx_store *s, const char *id, uint32_t prog);
uint32_t ctx_prog_index(struct ctx_store *s, const char *name);
uint32_t ctx_file_index(struct ctx_store *s, const char *path);
/* The index of the file with that path, or -1. */
int64_t ctx_file_lookup(const struct ctx_store *s, const char *path);
/* Adds file to the program's sources (once). */
void ctx_prog_add_source(struct ctx_prog *p, uint32_t file);
/* Adds files[0 .. n), ascending and each once, to the program's sources
 * (once each): a merge of the two lists. */
void ctx_prog_add_sources(struct ctx_prog *p, const uint32_t *files, size_t n);
/* The entry of (line, branch) in f, or NULL. */
const struct ctx_entry *ctx_file_find(const struct ctx_file *f, uint32_t line,
				      uint32_t branch);

/* Adds every test, program, file and entry of src into dst (tests and
 * programs by name, files by path): the union. */
void ctx_store_merge(struct ctx_store *dst, const struct ctx_store *src);
/* Sorts entries, merges duplicates and sorts their test lists (after
 * entries were appended in any order). */
void ctx_store_normalize(struct ctx_store *s);

/* Serialises s (normalised) into out. */
void ctx_store_write(const struct ctx_store *s, struct strbuf *out);
/* Parses the bytes of a store file into s (initialised by the caller).
 * Returns 0, or -1 with a lower-case cause in err. */
int ctx_store_parse(struct ctx_store *s, const void *data, size_t len,
		    struct strbuf *err);
/* Whether data starts like a store file. */
int ctx_store_detect(const void *data, size_t len);

#endif
