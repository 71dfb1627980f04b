/* A mapped ELF file and how to read its integers: the part the runner's
 * program-header reader (runner/core/elf.c) and covmerge's section reader
 * (covmerge/formats/elf_cov.c) share. Both classes (32 and 64 bit) and
 * both byte orders; the readers check every offset with elf_in_file
 * before they read it. */
#ifndef CM_ELF_MAP_H
#define CM_ELF_MAP_H

#include <stddef.h>
#include <stdint.h>

enum {
	ELF_HEADER32 = 52, ELF_HEADER64 = 64,   /* the ELF header's size */
};

struct elf_map {
	const unsigned char *p;   /* the file's bytes */
	size_t size;
	int is64, msb;
	void *map;                /* the mapping, to unmap */
};

/* Maps path read-only when it is a regular file that starts with a whole
 * ELF header (the magic, a known class and byte order): 0. Otherwise -1,
 * with nothing to close. */
int elf_map_open(struct elf_map *e, const char *path);
void elf_map_close(struct elf_map *e);

/* Whether bytes [off, off + len) lie in the file. */
static inline int elf_in_file(const struct elf_map *e, uint64_t off,
			      uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* The bytes-long (1 to 8) integer at off, in the file's byte order. */
uint64_t elf_rd(const struct elf_map *e, uint64_t off, int bytes);

#endif
