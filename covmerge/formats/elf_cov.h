/* What a program or shared library says about its source-based coverage,
 * read natively from its ELF section headers: whether clang's coverage
 * mapping (the __llvm_covmap section, written by -fcoverage-mapping) is in
 * it, and the shared libraries it links against (DT_NEEDED) with the
 * directories it searches first (DT_RUNPATH, else DT_RPATH), so that the
 * project's own instrumented libraries are found beside its tests, and
 * its build id (the NT_GNU_BUILD_ID note), which the raw profiles it
 * writes name. */
#ifndef CM_ELF_COV_H
#define CM_ELF_COV_H

#include "path.h"

struct elf_cov {
	int is_elf;               /* an ELF file whose headers could be read */
	int covmap;               /* it holds a __llvm_covmap section */
	struct path_list needed;  /* DT_NEEDED names, in order */
	struct path_list runpath; /* DT_RUNPATH (else DT_RPATH) entries, split
				   * at ':', $ORIGIN not yet substituted */
	char *build_id;           /* its GNU build id (lowercase hex), or NULL */
};

/* Reads path into out (zeroed by the caller; elf_cov_release frees it).
 * A file that is no ELF file, cannot be read or is malformed gives
 * is_elf 0 and nothing else; every offset is checked against the file's
 * size before it is read. */
void elf_cov_read(const char *path, struct elf_cov *out);
void elf_cov_release(struct elf_cov *e);

#endif
