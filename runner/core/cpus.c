#include "cpus.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

int cpus_quota_limit(const char *cpu_max)
{
	char quota[32];
	unsigned long long period = 0;
	if (!cpu_max || sscanf(cpu_max, "%31s %llu", quota, &period) != 2 ||
	    !period || !strcmp(quota, "max"))
		return 0;
	char *end;
	unsigned long long q = strtoull(quota, &end, 10);
	if (*end || !q)
		return 0;
	unsigned long long n = (q + period - 1) / period;
	return n > 4096 ? 4096 : (int)n;
}

static int file_limit(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[128];
	int n = fgets(line, sizeof(line), f) ? cpus_quota_limit(line) : 0;
	fclose(f);
	return n;
}

int cpus_cgroup_limit(const char *root, const char *path)
{
	char *dir = xasprintf("%s%s", root, path && strcmp(path, "/") ? path : "");
	size_t rootlen = strlen(root);
	int best = 0;
	for (;;) {
		char *f = xasprintf("%s/cpu.max", dir);
		int n = file_limit(f);
		free(f);
		if (n && (!best || n < best))
			best = n;
		char *slash = strrchr(dir, '/');
		if (strlen(dir) <= rootlen || !slash || (size_t)(slash - dir) < rootlen)
			break;
		*slash = '\0';
	}
	free(dir);
	return best;
}

/* This process's cgroup v2 path ("0::/a/b" in /proc/self/cgroup), or
 * NULL. */
static char *own_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return NULL;
	char line[4096];
	char *path = NULL;
	while (!path && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			path = xstrdup(line + 3);
		}
	fclose(f);
	return path;
}

/* Physical cores among the allowed CPUs: distinct (physical id, core id)
 * pairs of the allowed "processor" entries of /proc/cpuinfo; 0 when it
 * does not say. */
static int physical_cores(const cpu_set_t *allowed)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return 0;
	char line[256];
	long cpu = -1, phys = 0;
	long *seen = NULL;
	size_t nseen = 0, aseen = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *colon = strchr(line, ':');
		if (!colon)
			continue;
		if (!strncmp(line, "processor", 9)) {
			cpu = atol(colon + 1);
			phys = 0;
		} else if (!strncmp(line, "physical id", 11)) {
			phys = atol(colon + 1);
		} else if (!strncmp(line, "core id", 7) && cpu >= 0 &&
			   cpu < CPU_SETSIZE && CPU_ISSET((size_t)cpu, allowed)) {
			long key = phys * 1000000 + atol(colon + 1);
			int dup = 0;
			for (size_t i = 0; i < nseen && !dup; i++)
				dup = seen[i] == key;
			if (!dup) {
				GROW(seen, aseen, nseen + 1);
				seen[nseen++] = key;
			}
		}
	}
	fclose(f);
	free(seen);
	return (int)nseen;
}

int cpus_available(int logical)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	int n;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		n = CPU_COUNT(&set);
	} else {
		CPU_ZERO(&set);
		n = 0;
	}
	if (n < 1)
		return 1;
	if (!logical) {
		int cores = physical_cores(&set);
		if (cores > 0 && cores < n)
			n = cores;
	}
	char *cg = own_cgroup();
	int cap = cg ? cpus_cgroup_limit("/sys/fs/cgroup", cg) : 0;
	free(cg);
	if (cap > 0 && cap < n)
		n = cap;
	return n;
}
