/* Portable shards: everything a report needs, in one zlib-compressed file
 * that no longer needs the build tree.
 *
 * The file is a gzip stream whose content is:
 *
 *   covmerge-shard 1\n
 *   root <absolute root at export time>\n
 *   then records, each a line and, for objects, raw bytes:
 *   object <name>\t<gcno bytes>\t<runs>\t<data files>\t<functions>\n
 *       <the .gcno file, byte for byte>
 *       files <n>\n
 *       then, for each source file name in the notes (in their order),
 *       the path the report gives it, relative to the root when it lies
 *       under it: <path>\n
 *       then one line per function with data:
 *       <ident> <lineno checksum> <cfg checksum> <n> <counter>...\n
 *   tracefile <bytes>\n
 *       <an lcov tracefile, for data that came in as lcov>
 *   contexts <bytes>\n
 *       <a context store (contexts.h), its paths under the root relative
 *       to it; runner --cov-context=test>
 *   end\n
 *
 * <name> is the notes file's path, relative to the root when it lies
 * under it. The counters are the sums over every data file of the object,
 * so merging portable shards sums the same counters that merging the raw
 * shards would, and solves them once: the reports come out identical.
 * Source paths are stored as reported (after re-rooting and --path-map),
 * and those under the export root are re-rooted at the importing
 * covmerge's --root. Another version number than 1 is refused. */
#ifndef CM_PORTABLE_H
#define CM_PORTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define PSHARD_PREFIX "covmerge-shard "
#define PSHARD_MAGIC PSHARD_PREFIX "1\n"

struct pshard_func {
	uint32_t ident, lineno_checksum, cfg_checksum;
	uint32_t n;
	int64_t *counters;
};

struct pshard_obj {
	char *name;           /* as stored */
	unsigned char *gcno;
	size_t gcno_len;
	uint64_t runs;
	size_t ndata;
	size_t nfuncs;
	struct pshard_func *funcs;
	char **paths;         /* per notes file name: the reported path */
	size_t npaths;
};

struct pshard {
	char *path;           /* the file it was read from */
	char *root;
	struct pshard_obj *objs;
	size_t nobjs, aobjs;
	struct strbuf *traces;  /* tracefile texts */
	size_t ntraces, atraces;
	struct strbuf *contexts; /* context stores (contexts.h), as bytes */
	size_t ncontexts, acontexts;
};

/* Whether data (already inflated) is a portable shard (of any version). */
int pshard_detect(const char *data, size_t len);
/* Parses data into ps (zeroed by the caller). Returns 0, or -1 with the
 * cause in err. */
int pshard_parse(struct pshard *ps, const char *data, size_t len,
		 struct strbuf *err);
void pshard_release(struct pshard *ps);

/* Writing: open, add objects and tracefiles, then commit (compressed,
 * atomically). */
struct pshard_writer {
	struct strbuf body;
	char *root;
};

void pshard_writer_init(struct pshard_writer *w, const char *root);
void pshard_add_object(struct pshard_writer *w, const char *gcno_path,
		       const void *gcno, size_t gcno_len, uint64_t runs,
		       size_t ndata, char *const *paths, size_t npaths,
		       const struct pshard_func *funcs, size_t nfuncs);
void pshard_add_tracefile(struct pshard_writer *w, const char *text, size_t len);
void pshard_add_contexts(struct pshard_writer *w, const void *data, size_t len);
/* Returns 0, or -1 with the cause in err. Releases w either way. */
int pshard_writer_commit(struct pshard_writer *w, const char *path,
			 struct strbuf *err);

#endif
