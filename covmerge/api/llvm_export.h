/* Source-based coverage (clang -fprofile-instr-generate
 * -fcoverage-mapping), read through LLVM's own tools: the raw profiles
 * (.profraw) and indexed ones (.profdata) among the inputs are merged by
 * `llvm-profdata merge -sparse` into a temporary .profdata, which
 * `llvm-cov export -format=lcov` reads with the instrumented binaries into
 * one lcov tracefile; that tracefile then takes the profiles' place among
 * the inputs, and is read like any other.
 *
 * The tools are LLVM_PROFDATA and LLVM_COV when set (a path, or a name
 * looked up on PATH), else llvm-profdata and llvm-cov on PATH, else the
 * highest versioned llvm-profdata-N and llvm-cov-N there (llvm-cov of
 * profdata's version first). */
#ifndef CM_LLVM_EXPORT_H
#define CM_LLVM_EXPORT_H

#include <stddef.h>

#include "covmerge.h"
#include "path.h"

struct llvm_export {
	struct path_list inputs;  /* the other inputs, then the tracefile */
	char *tmpdir;             /* where the tools wrote, or NULL */
	struct path_list tracked; /* its files, removed on a signal too */
	size_t nprofiles;         /* profile files merged */
	size_t nbinaries;         /* binaries read, libraries found included */
};

/* The binaries: named ones (--binary) must hold a coverage mapping; the
 * ones a run merely ran (a runner's test programs, given here or listed
 * in a runner manifest among the inputs) count when they hold one. The
 * shared libraries that a counted binary needs and finds through its
 * RUNPATH (or RPATH) count when they hold one too. */
struct llvm_binaries {
	const char *const *named;
	size_t nnamed;
	const char *const *ran;
	size_t nran;
	/* branches are reported: a warning when llvm-cov's export lists the
	 * branches of code compiled into several binaries once per binary
	 * (more than its own summary counts) */
	int branch;
};

/* Finds the profiles among inputs[0..n) (files, and the .profraw and
 * .profdata files under directories) and, when there are any, runs the
 * tools. x->inputs gets the inputs to merge: the ones that are no profile
 * files and the tracefile. Returns 0, or -1 with errors emitted. The
 * temporary directory is gone again on failure; otherwise
 * llvm_export_release removes it. */
int llvm_export_run(const char *const *inputs, size_t n,
		    const struct llvm_binaries *bins, struct llvm_export *x,
		    cm_emit_fn *emit, void *emit_ctx);
void llvm_export_release(struct llvm_export *x);

#endif
