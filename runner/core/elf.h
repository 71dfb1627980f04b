/* Reading what an ELF executable links against, natively (no readelf,
 * no ldd): its PT_DYNAMIC entries of type DT_NEEDED, found through the
 * program headers, so it works on binaries without section headers too.
 * Both classes (32 and 64 bit) and both byte orders; every offset is
 * checked against the file's size before it is read. */
#ifndef RUNNER_ELF_H
#define RUNNER_ELF_H

/* 1 when path is an ELF program (ET_EXEC, or ET_DYN with an interpreter,
 * as a PIE program has; a shared library has none) and one of its NEEDED
 * entries starts with lib_prefix (e.g. "libcmocka.so"); 0 otherwise,
 * including for files that are not ELF, cannot be read or are
 * malformed. */
int elf_program_needs(const char *path, const char *lib_prefix);

#endif
