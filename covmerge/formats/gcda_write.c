#include "gcda_write.h"

#include "gcno.h"

static void put32(struct strbuf *b, uint32_t v)
{
	strbuf_add(b, &v, 4);
}

/* A record's length field: bytes from gcc 12 on, words before. */
static uint32_t rec_len(const struct gcda_out *g, uint32_t bytes)
{
	return g->major >= 12 ? bytes : bytes / 4;
}

void gcda_write(const struct gcda_out *g, struct strbuf *out)
{
	put32(out, GCOV_DATA_MAGIC);
	put32(out, g->version);
	put32(out, g->stamp);
	if (g->major >= 12)
		put32(out, g->checksum);
	put32(out, GCOV_TAG_OBJECT_SUMMARY);
	put32(out, rec_len(g, 8));
	put32(out, g->runs);
	put32(out, 0);
	for (size_t i = 0; i < g->nfuncs; i++) {
		const struct gcda_out_func *f = &g->funcs[i];
		put32(out, GCOV_TAG_FUNCTION);
		put32(out, rec_len(g, 12));
		put32(out, f->ident);
		put32(out, f->lineno_checksum);
		put32(out, f->cfg_checksum);
		put32(out, GCOV_TAG_ARC_COUNTERS);
		put32(out, rec_len(g, f->n * 8));
		for (uint32_t k = 0; k < f->n; k++) {
			uint64_t v = f->counters ? (uint64_t)f->counters[k] : 0;
			put32(out, (uint32_t)v);
			put32(out, (uint32_t)(v >> 32));
		}
	}
	put32(out, 0);
}
