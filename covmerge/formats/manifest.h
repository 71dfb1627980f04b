/* Completeness: a runner coverage directory holds manifest.json, which
 * says which worker shards ran and how many data files each wrote. A shard
 * that ran tests but whose data is now missing or empty is reported, so
 * nobody's coverage is silently lower because a shard was lost. */
#ifndef CM_MANIFEST_H
#define CM_MANIFEST_H

#include "diag.h"
#include "path.h"

/* Checks dir/manifest.json when there is one. Problems go to d as errors,
 * or warnings when allow_missing. */
void manifest_check(const char *dir, int allow_missing, struct diag *d);

/* Adds the absolute directories dir/manifest.json lists as the run's
 * --cov paths ("cov_paths": where its objects are) to out. Nothing when
 * the manifest has none or cannot be read (manifest_check says why). */
void manifest_cov_paths(const char *dir, struct path_list *out);

/* Adds the absolute paths of the programs dir/manifest.json says the run
 * ran ("binaries": what source-based coverage is read with; older
 * manifests have none) to out. */
void manifest_binaries(const char *dir, struct path_list *out);

#endif
