/* Where the relative source names of an LLVM "408*" notes file are
 * relative to. That format does not record the compiler's working
 * directory (gcc's notes do from gcc 9 on), and clang names a source under
 * its working directory relative to it. */
#include "llvm_dir.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "path.h"

/* How many of g's relative source names exist under dir. */
static size_t found_under(const struct gcno *g, const char *dir)
{
	size_t n = 0;
	for (size_t i = 0; i < g->nfiles; i++) {
		if (g->files[i][0] == '/' || !g->files[i][0])
			continue;
		char *p = path_join(dir, g->files[i]);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			n++;
		free(p);
	}
	return n;
}

void llvm_guess_compile_dir(struct gcno *g, const char *gcno_path)
{
	size_t relative = 0;
	for (size_t i = 0; i < g->nfiles; i++)
		if (g->files[i][0] && g->files[i][0] != '/')
			relative++;
	if (!relative || g->cwd)
		return;
	/* the notes file's directory and its parents, then the working
	 * directory: the first under which every name exists, else the
	 * one under which most do */
	char *dir = path_absolute(NULL, gcno_path);
	char *best = NULL;
	size_t nbest = 0;
	for (;;) {
		char *up = path_dirname(dir);
		free(dir);
		dir = up;
		size_t n = found_under(g, dir);
		if (n > nbest) {
			free(best);
			best = xstrdup(dir);
			nbest = n;
		}
		if (n == relative || !strcmp(dir, "/") || !strcmp(dir, "."))
			break;
	}
	free(dir);
	char *cwd = path_absolute(NULL, ".");
	if (nbest < relative && found_under(g, cwd) > nbest) {
		free(best);
		best = cwd;
		cwd = NULL;
	}
	free(cwd);
	if (best)
		g->cwd = arena_strndup(&g->arena, best, strlen(best));
	free(best);
}
