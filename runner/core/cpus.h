/* How many workers -n auto and -n logical mean: the CPUs this process may
 * run on (its sched_getaffinity mask, as taskset or a container's cpuset
 * sets it), capped by a cgroup v2 CPU quota (cpu.max of its cgroup and the
 * cgroups above it, as `docker --cpus` or a CI runner sets it). */
#ifndef RUNNER_CPUS_H
#define RUNNER_CPUS_H

/* logical: the allowed logical CPUs; else the physical cores among them.
 * At least 1. */
int cpus_available(int logical);

/* The number of CPUs a cgroup v2 cpu.max line ("QUOTA PERIOD", or
 * "max PERIOD") allows, rounded up; 0 when it sets no limit or cannot be
 * read. */
int cpus_quota_limit(const char *cpu_max);

/* The smallest limit of the cpu.max files of cgroup `path` (as in
 * /proc/self/cgroup, "/a/b") and its ancestors under root (the cgroup2
 * mount, "/sys/fs/cgroup"); 0 when none sets one. */
int cpus_cgroup_limit(const char *root, const char *path);

#endif
