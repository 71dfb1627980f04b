/* Reading gcov notes files (.gcno).
 *
 * The format, in our words (checked against files written by gcc 11 and
 * gcc 12 on x86_64; see docs/gcov-format.md):
 *
 *   header:  magic "gcno", version (4 ASCII chars, e.g. "B22*" = 12.2),
 *            stamp, [checksum: gcc >= 12], [cwd string: gcc >= 9],
 *            [has-unexecuted-blocks word: gcc >= 8]
 *   records: tag word, length word, payload. The length counts bytes from
 *            gcc 12 on and 32-bit words before; strings likewise carry a
 *            byte length (with the NUL, unpadded) from gcc 12 on and a word
 *            length (NUL-padded) before.
 *   FUNCTION 0x01000000: ident, lineno checksum, cfg checksum, name,
 *            artificial, source file, start line, start column, end line,
 *            [end column]
 *   BLOCKS   0x01410000: the number of blocks (0 = entry, 1 = exit)
 *   ARCS     0x01430000: source block, then (destination, flags) pairs
 *   LINES    0x01450000: block, then entries: a non-zero word is a line;
 *            a zero word is followed by a string that switches the current
 *            file (remembered across records) or, when empty, ends the list
 *
 * LLVM's flavour (clang --coverage, version "408*", GCOV_LLVM_408) has gcc
 * 4.8's layout: no cwd and no unexecuted-blocks word in the header; a
 * FUNCTION of ident, checksums, name, source, start line; a BLOCKS record
 * of one flags word per block. Its lines keep their order (llvm-cov's
 * rules use a block's last listed line) and all go to the function's own
 * source (see docs/gcov-format.md). clang 14 told to write gcc 10's or
 * 11's version word (-Xclang -coverage-version=B01* or B11*) writes their
 * layout (word lengths, an empty cwd, the unexecuted-blocks word, FUNCTION
 * with artificial, columns and end line, BLOCKS as a count): LLVM's
 * checksums tell it (check_writer), and it is counted by LLVM's rules.
 *
 * The byte order is whatever the writer's was: the magic tells. Unknown
 * records are skipped by their length; every length is checked against the
 * bytes that remain. */
#include "gcno.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cmp.h"

/* The four characters of a version word, in the order gcc prints them
 * ("B22*"), into out[5]. */
static void version_text(uint32_t v, char out[5])
{
	for (int i = 0; i < 4; i++) {
		unsigned c = v >> (24 - 8 * i) & 0xff;
		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[4] = '\0';
}

/* Names a well-formed header's version that covmerge does not read, with
 * what to do, into err. Returns 0 when the word is no gcov version at all
 * (a corrupt header: nothing written). */
static int foreign_version(uint32_t v, int notes, struct strbuf *err)
{
	char t[5];
	version_text(v, t);
	unsigned c0 = v >> 24 & 0xff, c1 = v >> 16 & 0xff, c2 = v >> 8 & 0xff;
	int digits = c1 >= '0' && c1 <= '9' && c2 >= '0' && c2 <= '9';
	if (digits && c0 >= '0' && c0 <= '9') {
		/* gcc wrote digit-led words up to gcc 4; clang writes "408*"
		 * (read) unless told another with -coverage-version */
		strbuf_addf(err, "LLVM gcov format %s (clang --coverage, or gcc 4), "
			    "which covmerge does not read\nhint: covmerge reads "
			    "clang's default 408* and gcc 9 to %d: rebuild with "
			    "clang --coverage (no -coverage-version) or gcc "
			    "--coverage", t, GCOV_MAX_MAJOR);
		return 1;
	}
	if (!digits || c0 < 'A' || c0 > 'Z')
		return 0;
	int major = (int)(c0 - 'A') * 10 + (int)(c1 - '0');
	if (major < GCOV_MIN_MAJOR)
		strbuf_addf(err, "gcc %d format (%s): written by gcc older than 9, "
			    "which covmerge does not read\nhint: rebuild the object "
			    "with gcc 9 or newer", major, t);
	else
		strbuf_addf(err, "gcc %d format (%s), newer than covmerge knows "
			    "(gcc %d to %d)\nhint: rebuild the object with gcc %d or "
			    "older, or use a covmerge that reads gcc %d's %s files",
			    major, t, GCOV_MIN_MAJOR, GCOV_MAX_MAJOR, GCOV_MAX_MAJOR,
			    major, notes ? "notes" : "data");
	return 1;
}

int gcov_header(struct reader *rd, uint32_t magic, uint32_t *version,
		int *major, struct strbuf *err)
{
	if (rd->len < 12) {
		strbuf_addstr(err, "file too short for a gcov header");
		return -1;
	}
	uint32_t m = rd_le32(rd->data);
	if (m == magic) {
		rd->swap = 0;
	} else if (m == __builtin_bswap32(magic)) {
		rd->swap = 1;
	} else {
		uint32_t other = magic == GCOV_NOTE_MAGIC ? GCOV_DATA_MAGIC
							  : GCOV_NOTE_MAGIC;
		if (m == other || m == __builtin_bswap32(other)) {
			strbuf_addstr(err, magic == GCOV_NOTE_MAGIC
					   ? "a data file (.gcda), not a notes file"
					   : "a notes file (.gcno), not a data file");
			return -1;
		}
		if (rd_le32(rd->data + 4) == LLVM_PROFRAW_HIGH && (m & 0xffu) == 0x81) {
			strbuf_addstr(err, "not a gcov file: an LLVM raw profile "
				      "(.profraw, clang -fprofile-instr-generate)"
				      "\nhint: covmerge reads gcov data (--coverage) "
				      "and lcov tracefiles; `llvm-cov export "
				      "-format=lcov` makes a tracefile of it");
			return GCOV_FOREIGN;
		}
		strbuf_addstr(err, "not a gcov file (bad magic)");
		return -1;
	}
	rd->pos = 4;
	uint32_t v = rd_u32(rd);
	if (v == GCOV_LLVM_408_VERSION) {
		*version = v;
		*major = GCOV_LLVM_408;
		return 0;
	}
	unsigned c0 = v >> 24 & 0xff, c1 = v >> 16 & 0xff;
	int maj = (int)(c0 - 'A') * 10 + (int)(c1 - '0');
	if (c0 < 'A' || c0 > 'Z' || c1 < '0' || c1 > '9' ||
	    maj < GCOV_MIN_MAJOR || maj > GCOV_MAX_MAJOR) {
		if (foreign_version(v, magic == GCOV_NOTE_MAGIC, err))
			return GCOV_FOREIGN;
		strbuf_addf(err, "unrecognised gcov version word 0x%08x", v);
		return -1;
	}
	*version = v;
	*major = maj;
	return 0;
}

int gcov_record_payload(const struct reader *rd, uint32_t tag, size_t bytes,
			size_t start, struct reader *sub, struct strbuf *err)
{
	if (bytes > rd_left(rd)) {
		strbuf_addf(err, "truncated record (tag 0x%08x, %zu bytes announced, "
			    "%zu left) at byte %zu", tag, bytes, rd_left(rd), start);
		return -1;
	}
	*sub = *rd;
	sub->len = rd->pos + bytes;
	return 0;
}

int64_t gcov_stamp_of(const unsigned char *hdr, size_t len, uint32_t magic)
{
	if (len < 12)
		return -1;
	uint32_t m = rd_le32(hdr), stamp = rd_le32(hdr + 8);
	if (m == magic)
		return stamp;
	if (m == __builtin_bswap32(magic))
		return __builtin_bswap32(stamp);
	return -1;
}

struct parse {
	struct gcno *g;
	struct arena *a;
	size_t afiles, afuncs;
	/* the current function's arcs and block locations, moved into the
	 * arena when the function ends */
	uint32_t *line_pool;
	size_t nline_pool, aline_pool;
	struct gcno_arc *arcs;
	size_t narcs, aarcs;
	/* a location: its block, file, and lines in line_pool */
	struct pend_loc {
		uint32_t block, file;
		size_t first, n;
	} *plocs;
	size_t nplocs, aplocs;
	uint32_t cur_file;
	int have_file;
};

static uint32_t intern_file(struct parse *p, const char *s, size_t n)
{
	struct gcno *g = p->g;
	/* the same few names repeat; search from the most recent */
	for (size_t i = g->nfiles; i-- > 0;)
		if (strlen(g->files[i]) == n && memcmp(g->files[i], s, n) == 0)
			return (uint32_t)i;
	GROW(g->files, p->afiles, g->nfiles + 1);
	g->files[g->nfiles] = arena_strndup(p->a, s, n);
	return (uint32_t)g->nfiles++;
}

static int cmp_ploc_block(const void *a, const void *b)
{
	const struct pend_loc *x = a, *y = b;
	if (x->block != y->block)
		return x->block < y->block ? -1 : 1;
	/* keep file order within a block */
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Moves the current function's arcs and locations into the arena. */
static void finish_function(struct parse *p)
{
	struct gcno *g = p->g;
	if (!g->nfuncs)
		return;
	struct gcno_func *fn = &g->funcs[g->nfuncs - 1];
	fn->narcs = (uint32_t)p->narcs;
	fn->arcs = arena_alloc(p->a, p->narcs, sizeof(*fn->arcs));
	if (p->narcs)
		memcpy(fn->arcs, p->arcs, p->narcs * sizeof(*fn->arcs));
	fn->ncounters = 0;
	for (size_t i = 0; i < p->narcs; i++)
		if (!(p->arcs[i].flags & ARC_ON_TREE))
			fn->ncounters++;

	if (fn->nblocks) {
		fn->blocks = arena_alloc(p->a, fn->nblocks, sizeof(*fn->blocks));
		if (p->nplocs > 1)
			qsort(p->plocs, p->nplocs, sizeof(*p->plocs),
			      cmp_ploc_block);
		int llvm = g->llvm;
		size_t i = 0;
		while (i < p->nplocs) {
			size_t j = i;
			while (j < p->nplocs && p->plocs[j].block == p->plocs[i].block)
				j++;
			struct gcno_block *b = &fn->blocks[p->plocs[i].block];
			b->nlocs = (uint32_t)(j - i);
			b->locs = arena_alloc(p->a, j - i, sizeof(*b->locs));
			for (size_t k = i; k < j; k++) {
				struct gcno_loc *l = &b->locs[k - i];
				/* llvm-cov puts every line of a function in
				 * the function's source, whatever file the
				 * line record names, and keeps their order */
				l->file = llvm ? fn->file : p->plocs[k].file;
				l->nlines = (uint32_t)p->plocs[k].n;
				l->lines = arena_alloc(p->a, l->nlines, sizeof(uint32_t));
				if (l->nlines) {
					memcpy(l->lines, p->line_pool + p->plocs[k].first,
					       l->nlines * sizeof(uint32_t));
					if (!llvm)
						qsort(l->lines, l->nlines,
						      sizeof(uint32_t), cmp_u32);
					for (uint32_t m = 0; llvm && m < l->nlines; m++)
						if (l->lines[m] > fn->end_line)
							fn->end_line = l->lines[m];
				}
			}
			i = j;
		}
	}
	p->narcs = 0;
	p->nplocs = 0;
	p->nline_pool = 0;
}

static int parse_function(struct parse *p, struct reader *rd)
{
	struct gcno *g = p->g;
	int words = g->major < 12;
	finish_function(p);
	GROW(g->funcs, p->afuncs, g->nfuncs + 1);
	struct gcno_func *fn = &g->funcs[g->nfuncs];
	memset(fn, 0, sizeof(*fn));
	fn->ident = rd_u32(rd);
	fn->lineno_checksum = rd_u32(rd);
	fn->cfg_checksum = rd_u32(rd);
	if (!g->nfuncs && g->major != GCOV_LLVM_408 && fn->cfg_checksum == g->stamp &&
	    !rd->err) {
		/* LLVM's writer (check_writer checks every function): it
		 * records no working directory, an empty string */
		g->llvm = 1;
		if (g->cwd && !g->cwd[0])
			g->cwd = NULL;
	}
	size_t n;
	const char *s = rd_string(rd, words, &n);
	fn->name = s ? arena_strndup(p->a, s, n) : "";
	if (g->major == GCOV_LLVM_408) {
		/* name, source, start line: the end is the last line of its
		 * blocks (finish_function) */
		s = rd_string(rd, words, &n);
		fn->file = intern_file(p, s ? s : "", s ? n : 0);
		fn->start_line = fn->end_line = rd_u32(rd);
		if (rd->err)
			return -1;
		g->nfuncs++;
		return 0;
	}
	fn->artificial = rd_u32(rd) != 0;
	s = rd_string(rd, words, &n);
	fn->file = intern_file(p, s ? s : "", s ? n : 0);
	fn->start_line = rd_u32(rd);
	fn->start_column = rd_u32(rd);
	fn->end_line = rd_u32(rd);
	if (rd_left(rd) >= 4)
		fn->end_column = rd_u32(rd);
	if (rd->err)
		return -1;
	g->nfuncs++;
	return 0;
}

static int parse_lines(struct parse *p, struct reader *rd, size_t data_len,
		       struct strbuf *err)
{
	struct gcno *g = p->g;
	struct gcno_func *fn = &g->funcs[g->nfuncs - 1];
	uint32_t block = rd_u32(rd);
	if (rd->err)
		return -1;
	if (block >= fn->nblocks) {
		strbuf_addf(err, "line record for block %u of a function with %u blocks",
			    block, fn->nblocks);
		return -1;
	}
	int open = 0;
	for (;;) {
		uint32_t w = rd_u32(rd);
		if (rd->err)
			return -1;
		if (w == 0) {
			size_t n;
			const char *s = rd_string(rd, g->major < 12, &n);
			if (rd->err)
				return -1;
			if (!s)
				break;
			p->cur_file = intern_file(p, s, n);
			p->have_file = 1;
			open = 0;
			continue;
		}
		if (!open) {
			if (!p->have_file) {
				p->cur_file = fn->file;
				p->have_file = 1;
			}
			if (p->nplocs >= data_len) {
				strbuf_addstr(err, "too many line records");
				return -1;
			}
			GROW(p->plocs, p->aplocs, p->nplocs + 1);
			p->plocs[p->nplocs++] = (struct pend_loc){
				.block = block, .file = p->cur_file,
				.first = p->nline_pool, .n = 0};
			open = 1;
		}
		GROW(p->line_pool, p->aline_pool, p->nline_pool + 1);
		p->line_pool[p->nline_pool++] = w;
		p->plocs[p->nplocs - 1].n++;
	}
	return 0;
}

/* A BLOCKS record: the current function's number of blocks. len is the
 * file's size (the bound of a plausible count). */
static int parse_blocks(struct parse *p, struct reader *sub, size_t len,
			size_t start, struct strbuf *err)
{
	struct gcno *g = p->g;
	if (!g->nfuncs || g->funcs[g->nfuncs - 1].nblocks) {
		strbuf_addf(err, "block record outside a function at byte %zu",
			    start);
		return -1;
	}
	/* LLVM's format has a flags word per block, gcc's the count */
	uint32_t nb = g->major == GCOV_LLVM_408 ? (uint32_t)(rd_left(sub) / 4)
						: rd_u32(sub);
	/* every block but the exit has at least one arc record of 12 bytes
	 * or more, so more blocks than that is a corrupt count, not a big
	 * function */
	if (!sub->err && (nb < 2 || nb > len / 8 + 2)) {
		strbuf_addf(err, "implausible block count %u at byte %zu", nb, start);
		return -1;
	}
	g->funcs[g->nfuncs - 1].nblocks = nb;
	return 0;
}

/* An ARCS record: one source block's arcs, appended to p->arcs. */
static int parse_arcs(struct parse *p, struct reader *sub, size_t start,
		      struct strbuf *err)
{
	struct gcno *g = p->g;
	if (!g->nfuncs || !g->funcs[g->nfuncs - 1].nblocks) {
		strbuf_addf(err, "arc record before its block record at byte %zu",
			    start);
		return -1;
	}
	uint32_t nb = g->funcs[g->nfuncs - 1].nblocks;
	uint32_t src = rd_u32(sub);
	if (src >= nb) {
		strbuf_addf(err, "arc from block %u of %u at byte %zu", src, nb, start);
		return -1;
	}
	while (!sub->err && rd_left(sub) >= 8) {
		uint32_t dst = rd_u32(sub);
		uint32_t flags = rd_u32(sub);
		if (dst >= nb) {
			strbuf_addf(err, "arc to block %u of %u at byte %zu", dst, nb,
				    start);
			return -1;
		}
		GROW(p->arcs, p->aarcs, p->narcs + 1);
		p->arcs[p->narcs++] = (struct gcno_arc){src, dst, flags};
	}
	return 0;
}

/* Who wrote a notes file, from its bytes rather than its version word:
 * LLVM's writer gives every function the file's stamp as its CFG
 * checksum; gcc computes a CRC of each function's flow graph (equal to
 * its file's stamp by chance once in 2^32 functions). parse_function
 * took the first function's word for it (g->llvm); every other function
 * must agree. gcc 4.8 wrote the same 408* as clang: refused, named for
 * what it is. Returns 0, or -1 with the cause in err. */
static int check_writer(const struct gcno *g, struct strbuf *err)
{
	int stamp_cfg = 1;
	for (size_t i = 0; i < g->nfuncs; i++)
		if (g->funcs[i].cfg_checksum != g->stamp)
			stamp_cfg = 0;
	char t[5];
	version_text(g->version, t);
	if (g->major == GCOV_LLVM_408) {
		if (stamp_cfg)
			return 0;
		strbuf_addf(err, "gcc 4.8 format (%s): its functions' checksums "
			    "are gcc's, not clang's, and covmerge does not read "
			    "gcc older than 9\nhint: rebuild the object with gcc 9 "
			    "or newer, or with clang --coverage", t);
		return -1;
	}
	if (!g->llvm || stamp_cfg)
		return 0;
	strbuf_addf(err, "LLVM gcov format with gcc's version word %s (clang "
		    "-Xclang -coverage-version=%s), but not every function's "
		    "checksum is the file's stamp, as LLVM writes them\nhint: "
		    "the notes file is corrupt; rebuild the object", t, t);
	return -1;
}

int gcno_parse(struct gcno *g, const void *data, size_t len, struct strbuf *err)
{
	struct reader rd;
	rd_init(&rd, data, len);
	int hrc = gcov_header(&rd, GCOV_NOTE_MAGIC, &g->version, &g->major, err);
	if (hrc) {
		g->foreign = hrc == GCOV_FOREIGN;
		return -1;
	}
	struct parse p;
	memset(&p, 0, sizeof(p));
	p.g = g;
	p.a = &g->arena;
	int words = g->major < 12;
	g->stamp = rd_u32(&rd);
	if (g->major >= 12)
		(void)rd_u32(&rd); /* checksum: always 0 in notes */
	g->llvm = g->major == GCOV_LLVM_408;
	if (g->major != GCOV_LLVM_408) {
		size_t n;
		const char *cwd = rd_string(&rd, words, &n);
		g->cwd = cwd ? arena_strndup(p.a, cwd, n) : NULL;
		g->has_unexecuted_blocks = rd_u32(&rd) != 0;
	}
	int rc = 0;
	for (;;) {
		size_t start = rd.pos;
		uint32_t tag = 0, length = 0;
		if (rd_record_header(&rd, &tag, &length) <= 0)
			break;
		size_t bytes = words ? (size_t)length * 4 : length;
		struct reader sub;
		if (gcov_record_payload(&rd, tag, bytes, start, &sub, err)) {
			rc = -1;
			break;
		}
		size_t err_len = err->len;
		switch (tag) {
		case GCOV_TAG_FUNCTION:
			if (parse_function(&p, &sub))
				rc = -1;
			break;
		case GCOV_TAG_BLOCKS:
			if (parse_blocks(&p, &sub, len, start, err))
				rc = -1;
			break;
		case GCOV_TAG_ARCS:
			if (parse_arcs(&p, &sub, start, err))
				rc = -1;
			break;
		case GCOV_TAG_LINES:
			if (!g->nfuncs || !g->funcs[g->nfuncs - 1].nblocks) {
				strbuf_addf(err, "line record before its block record at byte %zu",
					    start);
				rc = -1;
				break;
			}
			if (parse_lines(&p, &sub, len, err))
				rc = -1;
			break;
		default:
			break; /* unknown or unused: skipped by its length */
		}
		/* a record cut short reports where, unless a check said more */
		if (sub.err && err->len == err_len) {
			strbuf_addf(err, "%s in record 0x%08x at byte %zu", sub.err,
				    tag, sub.err_pos);
			rc = -1;
		}
		if (rc)
			break;
		rd.pos = start + 8 + bytes;
	}
	if (!rc && rd.err) {
		strbuf_addf(err, "%s at byte %zu", rd.err, rd.err_pos);
		rc = -1;
	}
	if (!rc) {
		finish_function(&p);
		for (size_t i = 0; i < g->nfuncs; i++) {
			if (!g->funcs[i].nblocks) {
				strbuf_addf(err, "function %s has no block record",
					    g->funcs[i].name);
				rc = -1;
				break;
			}
		}
	}
	if (!rc && check_writer(g, err)) {
		g->foreign = 1;
		rc = -1;
	}
	free(p.arcs);
	free(p.plocs);
	free(p.line_pool);
	return rc;
}

void gcno_release(struct gcno *g)
{
	free(g->files);
	free(g->funcs);
	arena_release(&g->arena);
	memset(g, 0, sizeof(*g));
}
