/* Coverage for a run: one shard directory per worker under the coverage
 * directory (GCOV_PREFIX=<dir>/gwK), a manifest of what each worker ran,
 * and at the end the merge through the covmerge library. */
#ifndef RUNNER_COV_H
#define RUNNER_COV_H

#include "collect.h"
#include "path.h"
#include "results.h"
#include "runner.h"

/* Clears the runner's own earlier shards and manifest in dir (nothing
 * else), creates dir/gw0..gwN-1. Returns 0, or -1 with the cause in err. */
int cov_prepare(const char *dir, int nworkers, struct strbuf *err);

/* The absolute paths of the suite's programs (each once; commands found on
 * PATH left out) into out: what LLVM profiles are read with. */
void cov_binaries(const struct suite *s, struct path_list *out);

/* Writes dir/manifest.json atomically: at the start of the run with
 * complete 0 ("complete": false, no tests yet), at its end with complete 1.
 * A run killed in between leaves "complete": false, which covmerge
 * refuses. It records the --cov paths (cov_paths, "." when there are
 * none) as absolute paths, and the binaries (NULL: none), and per shard
 * how many .gcda and .profraw files it holds. */
int cov_write_manifest(const char *dir, const char *uid, int nworkers,
		       const struct result_list *rl, int interrupted,
		       const char *const *cov_paths, size_t ncov_paths,
		       const struct path_list *binaries, int complete,
		       struct strbuf *err);

/* Whether a --cov-report report (JSON, HTML) or --cov-export shows the
 * per-test contexts: the context store must then be written before
 * cov_report, which reads it; otherwise it is left out. */
int cov_report_shows_contexts(const struct runner_opts *o);

/* Merges the shards (LLVM profiles read with the binaries and
 * --cov-binary) and prints/writes the --cov-report reports and the
 * gate. Returns 0 ok, 1 under --cov-fail-under, 2 when Ctrl-C or SIGTERM
 * (proc_interrupt) stopped it (no file written), 3 when the merge failed;
 * *nerrors is the number of error messages it printed. */
int cov_report(const struct runner_opts *o, const char *dir, int nworkers,
	       const struct path_list *binaries, size_t *nerrors);

#endif
