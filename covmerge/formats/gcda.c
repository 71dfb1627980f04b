/* Reading gcov data files (.gcda).
 *
 * The format, in our words (checked against gcc 11 and gcc 12 output):
 *
 *   header:  magic "gcda", version, stamp (copied from the notes file),
 *            [checksum of the object: gcc >= 12]
 *   records: tag, length (bytes from gcc 12 on, words before), payload
 *   OBJECT_SUMMARY 0xa1000000: runs, sum_max
 *   FUNCTION 0x01000000: ident, lineno checksum, cfg checksum; a zero
 *            length marks a function this object did not emit
 *   counters 0x01a10000 + (kind << 17): 64-bit values, low word first.
 *            A negative length means "all zero": no payload follows and
 *            the count is the magnitude divided by the counter size.
 *            Only kind 0 (arcs) matters for coverage; other kinds (value
 *            profiles) are skipped.
 *   a zero tag ends the file.
 *
 * Byte order as for notes: the magic tells. Every length is checked
 * against what remains; unknown records are skipped by their length. */
#include "gcda.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "gcno.h"
#include "reader.h"

/* Counter records of every kind: 0x01a10000 + (kind << 17), kinds 0-8
 * (gcc 14 added the ninth, MC/DC conditions). */
static int is_counter_tag(uint32_t tag)
{
	uint32_t off = tag - GCOV_TAG_ARC_COUNTERS;
	return tag >= GCOV_TAG_ARC_COUNTERS && (off & 0x1ffffu) == 0 &&
	       (off >> 17) < 9;
}

int gcda_parse(struct gcda *g, const void *data, size_t len, struct strbuf *err)
{
	struct reader rd;
	rd_init(&rd, data, len);
	int hrc = gcov_header(&rd, GCOV_DATA_MAGIC, &g->version, &g->major, err);
	if (hrc) {
		g->foreign = hrc == GCOV_FOREIGN;
		return -1;
	}
	g->swap = rd.swap;
	int words = g->major < 12;
	g->stamp = rd_u32(&rd);
	if (g->major >= 12)
		g->checksum = rd_u32(&rd);
	/* a function takes at least its record and a counter record's
	 * header (28 bytes): room for all of them at once, not grown per
	 * function (the runner parses a data file after every test) */
	size_t afuncs = len / 28 + 1;
	g->funcs = xreallocarray(NULL, afuncs, sizeof(*g->funcs));
	struct gcda_func *cur = NULL;
	int rc = 0;
	for (;;) {
		size_t start = rd.pos;
		uint32_t tag = 0, length = 0;
		if (rd_record_header(&rd, &tag, &length) <= 0)
			break;
		size_t bytes;
		int all_zero = 0;
		if (is_counter_tag(tag) && (int32_t)length < 0) {
			all_zero = 1;
			bytes = 0;
		} else {
			bytes = words ? (size_t)length * 4 : length;
		}
		struct reader sub;
		if (gcov_record_payload(&rd, tag, bytes, start, &sub, err)) {
			rc = -1;
			break;
		}
		if (tag == GCOV_TAG_OBJECT_SUMMARY) {
			g->runs = rd_u32(&sub);
			g->summary_at = start;
			g->summary_end = start + 8 + bytes;
		} else if (tag == GCOV_TAG_PROGRAM_SUMMARY &&
			   g->major == GCOV_LLVM_408) {
			/* LLVM: checksum, counters, runs */
			(void)rd_u32(&sub);
			(void)rd_u32(&sub);
			g->runs = rd_u32(&sub);
		} else if (tag == GCOV_TAG_FUNCTION) {
			if (bytes == 0) {
				cur = NULL; /* placeholder: not emitted here */
			} else {
				GROW(g->funcs, afuncs, g->nfuncs + 1);
				cur = &g->funcs[g->nfuncs++];
				memset(cur, 0, sizeof(*cur));
				cur->ident = rd_u32(&sub);
				cur->lineno_checksum = rd_u32(&sub);
				cur->cfg_checksum = rd_u32(&sub);
			}
		} else if (tag == GCOV_TAG_ARC_COUNTERS) {
			if (!cur) {
				strbuf_addf(err, "counter record outside a function at byte %zu",
					    start);
				rc = -1;
				break;
			}
			if (cur->has_arcs) {
				strbuf_addf(err, "second arc-counter record for one function "
					    "at byte %zu", start);
				rc = -1;
				break;
			}
			cur->has_arcs = 1;
			if (all_zero) {
				uint32_t mag = (uint32_t)(-(int64_t)(int32_t)length);
				cur->ncounters = words ? mag / 2 : mag / 8;
				cur->counters = NULL;
			} else {
				if (bytes % 8) {
					strbuf_addf(err, "counter record of %zu bytes is not a "
						    "whole number of counters at byte %zu",
						    bytes, start);
					rc = -1;
					break;
				}
				cur->ncounters = (uint32_t)(bytes / 8);
				cur->counters = rd.data + rd.pos;
			}
		}
		if (sub.err) {
			strbuf_addf(err, "%s in record 0x%08x at byte %zu", sub.err,
				    tag, sub.err_pos);
			rc = -1;
			break;
		}
		rd.pos = start + 8 + bytes;
		g->nrecords++;
	}
	if (!rc && rd.err) {
		strbuf_addf(err, "%s at byte %zu", rd.err, rd.err_pos);
		rc = -1;
	}
	return rc;
}

uint64_t gcda_counter(const struct gcda *g, const struct gcda_func *f, uint32_t i)
{
	if (!f->counters)
		return 0;
	const unsigned char *p = f->counters + (size_t)i * 8;
	uint64_t lo = rd_le32(p), hi = rd_le32(p + 4);
	if (g->swap) {
		lo = __builtin_bswap32((uint32_t)lo);
		hi = __builtin_bswap32((uint32_t)hi);
	}
	return lo | hi << 32;
}

void gcda_release(struct gcda *g)
{
	free(g->funcs);
	memset(g, 0, sizeof(*g));
}
