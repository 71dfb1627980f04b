/* Replays inputs through one fuzz target, without libFuzzer: every
 * regular file of each directory given (sorted by name), each from an
 * exact-size heap copy so that a sanitizer build sees a read past the
 * end. A crash is the test's failure; the last "replay:" line names the
 * input. Exit 0 when all ran, 1 when a directory or file cannot be read
 * or a directory holds no input at all (an empty regression directory
 * would prove nothing). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "replay: cannot open \"%s\": %s\n", path,
			strerror(errno));
		return -1;
	}
	size_t alloc = 4096, len = 0;
	unsigned char *buf = malloc(alloc);
	size_t n;
	while (buf && (n = fread(buf + len, 1, alloc - len, fp)) > 0) {
		len += n;
		if (len == alloc)
			buf = realloc(buf, alloc *= 2);
	}
	int bad = !buf || ferror(fp);
	fclose(fp);
	if (bad) {
		fprintf(stderr, "replay: cannot read \"%s\"\n", path);
		free(buf);
		return -1;
	}
	unsigned char *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	memcpy(exact, buf, len);
	free(buf);
	printf("replay: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: cannot open \"%s\": %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			names = realloc(names, alloc * sizeof(*names));
			if (!names)
				abort();
		}
		names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (!names[n])
			abort();
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	int rc = 0, ran = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc |= replay_file(names[i]);
			ran++;
		}
		free(names[i]);
	}
	free(names);
	if (!ran) {
		fprintf(stderr, "replay: \"%s\" holds no input\n", dir);
		return -1;
	}
	printf("replay: %d inputs from %s\n", ran, dir);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= replay_dir(argv[i]);
	return rc ? 1 : 0;
}
