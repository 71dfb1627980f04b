#include "manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "infile.h"
#include "json.h"
#include "path.h"

/* More data files than any run writes: a larger count is a corrupt file. */
#define MANIFEST_MAX_COUNT 1e9

/* The count key of shard s into *n (0 when there is none). Returns -1
 * when it is there but no count (range-checked before it is converted). */
static int count_field(const struct json *s, const char *key, size_t *n)
{
	const struct json *v = json_get(s, key);
	*n = 0;
	if (!v)
		return 0;
	if (v->type != J_NUMBER || !(v->number >= 0) ||
	    v->number > MANIFEST_MAX_COUNT ||
	    v->number != (double)(size_t)v->number)
		return -1;
	*n = (size_t)v->number;
	return 0;
}

void manifest_check(const char *dir, int allow_missing, struct diag *d)
{
	enum cm_severity sev = allow_missing ? CM_WARNING : CM_ERROR;
	const char *hint = allow_missing ? ""
		: "\nhint: rerun the lost shard, or pass --allow-missing to merge "
		  "what is there";
	char *path = path_join(dir, "manifest.json");
	struct stat st;
	if (stat(path, &st) != 0) {
		free(path);
		return;
	}
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	struct json *j = NULL;
	if (infile_load(path, &data, &err) ||
	    !(j = json_parse(data.buf, data.len, &err))) {
		diag_add(d, sev, "cannot read the runner manifest \"%s\": %s%s", path,
			 err.buf, hint);
		goto out;
	}
	const struct json *shards = json_get(j, "shards");
	if (!shards || shards->type != J_ARRAY) {
		diag_add(d, sev, "cannot read the runner manifest \"%s\": no shard "
			 "list%s", path, hint);
		goto out;
	}
	/* written "complete": false when the run starts: the runner was
	 * killed before its end, and the shards hold only part of the run */
	const struct json *done = json_get(j, "complete");
	if (done && done->type == J_BOOL && !done->number)
		diag_add(d, sev, "the run recorded in \"%s\" did not finish (the "
			 "runner was killed?): its coverage is incomplete%s", path,
			 hint);
	const struct json *intr = json_get(j, "interrupted");
	if (intr && intr->type == J_BOOL && intr->number)
		diag_add(d, CM_WARNING, "the run recorded in \"%s\" was interrupted: "
			 "its coverage is partial", path);
	for (size_t i = 0; i < shards->n; i++) {
		const struct json *s = &shards->items[i];
		const struct json *w = json_get(s, "worker");
		const struct json *sd = json_get(s, "dir");
		const struct json *tests = json_get(s, "tests");
		if (!w || w->type != J_STRING || !sd || sd->type != J_STRING ||
		    strstr(sd->string, ".."))
			continue;
		/* a shard directory lies inside the coverage directory */
		if (sd->string[0] == '/' || !sd->string[0]) {
			diag_add(d, sev, "cannot read the runner manifest \"%s\": shard "
				 "%zu: \"dir\" is not a relative directory name%s",
				 path, i + 1, hint);
			continue;
		}
		size_t ran = tests && tests->type == J_ARRAY ? tests->n : 0;
		size_t expected = 0, expected_prof = 0;
		const char *bad = count_field(s, "gcda_files", &expected)
			? "gcda_files"
			: count_field(s, "profraw_files", &expected_prof)
			? "profraw_files" : NULL;
		if (bad) {
			diag_add(d, sev, "cannot read the runner manifest \"%s\": shard "
				 "%zu: \"%s\" is not a count from 0 to %.0f%s",
				 path, i + 1, bad, MANIFEST_MAX_COUNT, hint);
			continue;
		}
		char *shard = path_join(dir, sd->string);
		struct stat sst;
		if (stat(shard, &sst) != 0 || !S_ISDIR(sst.st_mode)) {
			if (ran)
				diag_add(d, sev, "shard \"%s\" of worker %s is missing: the "
					 "manifest \"%s\" says it ran %zu tests%s", shard,
					 w->string, path, ran, hint);
		} else {
			size_t have = path_count_files(shard, ".gcda");
			size_t have_prof = path_count_files(shard, ".profraw");
			if (have < expected)
				diag_add(d, sev, "shard \"%s\" of worker %s has %zu data files, "
					 "the manifest \"%s\" recorded %zu%s", shard, w->string,
					 have, path, expected, hint);
			else if (have_prof < expected_prof)
				diag_add(d, sev, "shard \"%s\" of worker %s has %zu LLVM "
					 "profiles (.profraw), the manifest \"%s\" recorded "
					 "%zu%s", shard, w->string, have_prof, path,
					 expected_prof, hint);
			else if (ran && !have && !have_prof)
				diag_add(d, sev, "shard \"%s\" of worker %s is empty although "
					 "it ran %zu tests (were the tests built with "
					 "--coverage or -fprofile-instr-generate?)%s", shard,
					 w->string, ran, hint);
		}
		free(shard);
	}
out:
	json_free(j);
	strbuf_release(&data);
	strbuf_release(&err);
	free(path);
}

/* Adds the absolute paths of the string array key of dir/manifest.json
 * to out. */
static void manifest_paths(const char *dir, const char *key,
			   struct path_list *out)
{
	char *path = path_join(dir, "manifest.json");
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	struct json *j = NULL;
	if (infile_load(path, &data, &err) == 0 &&
	    (j = json_parse(data.buf, data.len, &err)) != NULL) {
		const struct json *cp = json_get(j, key);
		for (size_t i = 0; cp && cp->type == J_ARRAY && i < cp->n; i++) {
			const struct json *p = &cp->items[i];
			if (p->type == J_STRING && p->string[0] == '/')
				path_list_add(out, path_normalize(p->string));
		}
	}
	json_free(j);
	strbuf_release(&data);
	strbuf_release(&err);
	free(path);
}

void manifest_cov_paths(const char *dir, struct path_list *out)
{
	manifest_paths(dir, "cov_paths", out);
}

void manifest_binaries(const char *dir, struct path_list *out)
{
	manifest_paths(dir, "binaries", out);
}
