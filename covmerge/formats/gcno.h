/* The gcov notes file (.gcno): the compiler's description of every
 * instrumented function's flow graph and of the source lines of each block.
 * Parsed into one arena; gcno_release frees it all. */
#ifndef CM_GCNO_H
#define CM_GCNO_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "reader.h"
#include "strbuf.h"

enum gcno_arc_flags {
	ARC_ON_TREE = 1,     /* no counter: the count is inferred */
	ARC_FAKE = 2,        /* call that may not return, or a non-local entry */
	ARC_FALLTHROUGH = 4,
};

struct gcno_arc {
	uint32_t src, dst;
	uint32_t flags;
};

/* The lines one block has in one source file, sorted ascending. */
struct gcno_loc {
	uint32_t file;       /* index into gcno.files */
	uint32_t nlines;
	uint32_t *lines;
};

struct gcno_block {
	uint32_t nlocs;
	struct gcno_loc *locs;
};

struct gcno_func {
	uint32_t ident, lineno_checksum, cfg_checksum;
	const char *name;
	int artificial;
	uint32_t file;       /* the function's own source (gcno.files index) */
	uint32_t start_line, start_column, end_line, end_column;
	uint32_t nblocks;    /* block 0 is ENTRY, block 1 is EXIT */
	struct gcno_block *blocks;
	uint32_t narcs;      /* in file order: by source block, as recorded */
	struct gcno_arc *arcs;
	uint32_t ncounters;  /* arcs without ARC_ON_TREE */
};

struct gcno {
	uint32_t version;
	int major;           /* gcc major version that wrote it (the layout) */
	/* LLVM wrote it (clang --coverage: 408*, or a gcc version word
	 * chosen with -Xclang -coverage-version=B01* or B11*): counted by
	 * llvm-cov gcov's rules */
	int llvm;
	int foreign;         /* gcno_parse failed: a format we do not read */
	uint32_t stamp;
	const char *cwd;     /* compiler's working directory, or NULL */
	int has_unexecuted_blocks;
	size_t nfiles;
	const char **files;  /* source names exactly as recorded */
	size_t nfuncs;
	struct gcno_func *funcs;
	struct arena arena;
};

/* The header every gcov file shares. Returns 0; -1 with a cause in err
 * (a corrupt header, or the other kind of gcov file); or GCOV_FOREIGN
 * when the file is well-formed but of a format covmerge does not read
 * (another compiler or gcc version, not gcov at all): err then names the
 * format, and a "\nhint: " line says what to do. */
int gcov_header(struct reader *rd, uint32_t magic, uint32_t *version,
		int *major, struct strbuf *err);

/* Checks that a record's payload of `bytes` bytes (its header read, at
 * byte `start`) fits in rd, and sets sub to read just that payload.
 * Returns 0, or -1 with a "truncated record" cause in err. */
int gcov_record_payload(const struct reader *rd, uint32_t tag, size_t bytes,
			size_t start, struct reader *sub, struct strbuf *err);

/* The stamp word of a gcov file's first bytes hdr[0..len) with the given
 * magic (either byte order), or -1 when it is not such a file. */
int64_t gcov_stamp_of(const unsigned char *hdr, size_t len, uint32_t magic);

/* Parses data into g (zeroed by the caller). Returns 0, or -1 with the
 * cause written to err (lower case, no file name); g->foreign is then set
 * when the file is fine but of a format covmerge does not read (see
 * gcov_header). */
int gcno_parse(struct gcno *g, const void *data, size_t len, struct strbuf *err);
void gcno_release(struct gcno *g);

#define GCOV_NOTE_MAGIC 0x67636e6fu
#define GCOV_DATA_MAGIC 0x67636461u
#define GCOV_TAG_FUNCTION 0x01000000u
#define GCOV_TAG_BLOCKS 0x01410000u
#define GCOV_TAG_ARCS 0x01430000u
#define GCOV_TAG_LINES 0x01450000u
#define GCOV_TAG_ARC_COUNTERS 0x01a10000u
#define GCOV_TAG_OBJECT_SUMMARY 0xa1000000u
#define GCOV_TAG_PROGRAM_SUMMARY 0xa3000000u

/* The oldest and the newest gcc whose files we read. */
#define GCOV_MIN_MAJOR 9
#define GCOV_MAX_MAJOR 15

/* LLVM's gcov flavour as clang writes it with --coverage (the layout of
 * gcc 4.8's files): its version word "408*", and the major gcov_header
 * gives for it. */
#define GCOV_LLVM_408_VERSION 0x3430382au
#define GCOV_LLVM_408 4

/* gcov_header's result for a well-formed file of a foreign format. */
#define GCOV_FOREIGN (-2)

/* The high word of an LLVM raw profile's magic (its low byte is 0x81). */
#define LLVM_PROFRAW_HIGH 0xff6c7072u

#endif
