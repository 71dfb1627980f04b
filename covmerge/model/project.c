#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "path.h"

int project_is_system(const char *abs)
{
	static const char *const sys[] = {
		"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin",
		"/etc", "/proc", "/sys", "/dev",
	};
	/* shared parents of unrelated trees: never searched as one tree */
	static const char *const shared[] = {
		"/", "/tmp", "/var", "/var/tmp", "/home", "/mnt", "/media", "/opt",
		"/srv",
	};
	if (!abs[0])
		return 1;
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		if (!strcmp(abs, shared[i]))
			return 1;
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		size_t l = strlen(sys[i]);
		if (!strncmp(abs, sys[i], l) && (abs[l] == '/' || !abs[l]))
			return 1;
	}
	return 0;
}

char *project_cmake_build_dir(const char *notes)
{
	char *d = path_dirname(notes);
	for (;;) {
		char *cache = path_join(d, "CMakeCache.txt");
		struct stat st;
		int found = stat(cache, &st) == 0 && S_ISREG(st.st_mode);
		free(cache);
		if (found) {
			/* an object of that build lies under one of its
			 * CMakeFiles directories */
			size_t l = strlen(d);
			if (strstr(notes + l, "/CMakeFiles/"))
				return d;
			free(d);
			return NULL;
		}
		if (!strcmp(d, "/") || !strcmp(d, ".")) {
			free(d);
			return NULL;
		}
		char *up = path_dirname(d);
		free(d);
		d = up;
	}
}

char *project_cmake_source_dir(const char *build_dir)
{
	static const char key[] = "CMAKE_HOME_DIRECTORY:";
	char *cache = path_join(build_dir, "CMakeCache.txt");
	FILE *fp = fopen(cache, "r");
	free(cache);
	if (!fp)
		return NULL;
	char *found = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!found && (n = getline(&line, &cap, fp)) > 0) {
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (eq[1] == '/')
			found = path_normalize(eq + 1);
	}
	free(line);
	fclose(fp);
	return found;
}

/* Length of the longest run of whole components that directories a and
 * b (absolute, normalised) share; 0 when that is only "/". */
static size_t common_prefix(const char *a, const char *b)
{
	size_t k = 0, last = 0;
	for (;;) {
		int ea = a[k] == '/' || !a[k], eb = b[k] == '/' || !b[k];
		if (ea && eb) {
			last = k;
			if (!a[k] || !b[k])
				break;
		} else if (a[k] != b[k]) {
			break;
		}
		k++;
	}
	return last;
}

char *project_common_dir(char *const *paths, size_t n, int files)
{
	if (!n)
		return NULL;
	char *best = files ? path_dirname(paths[0]) : xstrdup(paths[0]);
	for (size_t i = 1; i < n && strcmp(best, "/"); i++) {
		char *d = files ? path_dirname(paths[i]) : xstrdup(paths[i]);
		size_t k = common_prefix(best, d);
		best[k ? k : 1] = '\0';
		free(d);
	}
	return best;
}

char *project_source_root(char *const *notes, size_t n)
{
	struct path_list homes = {0};
	char *last_dir = NULL;
	for (size_t i = 0; i < n; i++) {
		char *dir = path_dirname(notes[i]);
		if (last_dir && !strcmp(dir, last_dir)) {
			free(dir);
			continue; /* notes are sorted: same directory, same tree */
		}
		free(last_dir);
		last_dir = dir;
		char *build = project_cmake_build_dir(notes[i]);
		char *home = build ? project_cmake_source_dir(build) : NULL;
		free(build);
		if (!home)
			continue;
		if (homes.n && !strcmp(homes.v[homes.n - 1], home))
			free(home);
		else
			path_list_add(&homes, home);
	}
	free(last_dir);
	char *root = project_common_dir(homes.v, homes.n, 0);
	path_list_release(&homes);
	if (root && project_is_system(root)) {
		free(root);
		root = NULL;
	}
	return root;
}

int project_is_compiler_probe(const char *path)
{
	const char *base = path_basename(path);
	if (strcmp(base, "CMakeCCompilerId.c") && strcmp(base, "CMakeCXXCompilerId.cpp"))
		return 0;
	return strstr(path, "/CMakeFiles/") != NULL;
}
