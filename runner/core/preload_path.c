/* Finding librunner_preload.so. Its install directory is compiled in
 * (RUNNER_PRELOAD_DIR, and RUNNER_PRELOAD_RELDIR relative to the runner's
 * bin directory; both set by CMakeLists.txt from GNUInstallDirs), so a
 * multiarch libdir (lib/x86_64-linux-gnu) is found as well as lib. */
#include "preload_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "path.h"

#ifndef RUNNER_PRELOAD_DIR
#define RUNNER_PRELOAD_DIR "/usr/local/lib/runner"
#endif
#ifndef RUNNER_PRELOAD_RELDIR
#define RUNNER_PRELOAD_RELDIR "../lib/runner"
#endif

#define PRELOAD_NAME "librunner_preload.so"

/* Takes path: returns it when it is readable, else frees it and returns
 * NULL. Either way it is listed in searched. */
static char *try_path(char *path, struct strbuf *searched)
{
	if (searched->len)
		strbuf_addstr(searched, ", ");
	strbuf_addstr(searched, path);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

/* dir/rel/PRELOAD_NAME, normalised. */
static char *in_dir(const char *dir, const char *rel)
{
	char *d = rel ? path_join(dir, rel) : xstrdup(dir);
	char *p = path_join(d, PRELOAD_NAME);
	char *norm = path_normalize(p);
	free(d);
	free(p);
	return norm;
}

char *preload_find(struct strbuf *searched)
{
	const char *env = getenv("RUNNER_PRELOAD");
	if (env && *env)
		return try_path(xstrdup(env), searched);
	char *found = NULL;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = path_dirname(exe);
		found = try_path(in_dir(dir, NULL), searched);
		if (!found)
			found = try_path(in_dir(dir, RUNNER_PRELOAD_RELDIR), searched);
		free(dir);
	}
	if (!found)
		found = try_path(in_dir(RUNNER_PRELOAD_DIR, NULL), searched);
	return found;
}

void preload_warn_missing(const char *searched, size_t ncmocka, int cov)
{
	if (!ncmocka && !cov)
		return;
	fflush(stdout);
	fprintf(stderr, "runner: warning: the preload library is missing "
		"(looked for %s)\n", searched);
	if (ncmocka == 1)
		fprintf(stderr, "runner: warning: 1 cmocka program is not split "
			"into its tests: it runs as one test\n");
	else if (ncmocka)
		fprintf(stderr, "runner: warning: %zu cmocka programs are not split "
			"into their tests: each runs as one test\n", ncmocka);
	if (cov)
		fprintf(stderr, "runner: warning: --cov: a test that crashes or is "
			"killed loses its coverage data\n");
}
