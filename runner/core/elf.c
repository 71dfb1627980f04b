#include "elf.h"

#include <stdint.h>
#include <string.h>

#include "elf_map.h"

enum {
	ET_EXEC = 2, ET_DYN = 3,
	PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3,
	DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10,
};

/* a program header's fields */
struct phdr {
	uint64_t type, offset, vaddr, filesz;
};

static int read_phdr(const struct elf_map *e, uint64_t off, struct phdr *ph)
{
	if (!elf_in_file(e, off, e->is64 ? 56 : 32))
		return -1;
	ph->type = elf_rd(e, off, 4);
	if (e->is64) {
		ph->offset = elf_rd(e, off + 8, 8);
		ph->vaddr = elf_rd(e, off + 16, 8);
		ph->filesz = elf_rd(e, off + 32, 8);
	} else {
		ph->offset = elf_rd(e, off + 4, 4);
		ph->vaddr = elf_rd(e, off + 8, 4);
		ph->filesz = elf_rd(e, off + 16, 4);
	}
	return 0;
}

/* The file offset of virtual address addr, through the PT_LOAD segments;
 * (uint64_t)-1 when no segment maps it from the file. */
static uint64_t vaddr_offset(const struct elf_map *e, uint64_t phoff, uint64_t phnum,
			     uint64_t phentsize, uint64_t addr)
{
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr ph;
		if (read_phdr(e, phoff + i * phentsize, &ph))
			break;
		if (ph.type == PT_LOAD && addr >= ph.vaddr &&
		    addr - ph.vaddr < ph.filesz)
			return ph.offset + (addr - ph.vaddr);
	}
	return (uint64_t)-1;
}

static int needs(const struct elf_map *e, const char *prefix)
{
	uint64_t type = elf_rd(e, 16, 2);
	uint64_t phoff = e->is64 ? elf_rd(e, 32, 8) : elf_rd(e, 28, 4);
	uint64_t phentsize = elf_rd(e, e->is64 ? 54 : 42, 2);
	uint64_t phnum = elf_rd(e, e->is64 ? 56 : 44, 2);
	if ((type != ET_EXEC && type != ET_DYN) ||
	    phentsize < (uint64_t)(e->is64 ? 56 : 32) || phnum > 65535 ||
	    !elf_in_file(e, phoff, phnum * phentsize))
		return 0;
	int interp = 0;
	struct phdr dyn = {0};
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr ph;
		if (read_phdr(e, phoff + i * phentsize, &ph))
			return 0;
		if (ph.type == PT_INTERP)
			interp = 1;
		else if (ph.type == PT_DYNAMIC)
			dyn = ph;
	}
	/* a shared library (ET_DYN without an interpreter) is no program */
	if (!dyn.type || (type == ET_DYN && !interp) ||
	    !elf_in_file(e, dyn.offset, dyn.filesz))
		return 0;
	size_t entsize = e->is64 ? 16 : 8, half = entsize / 2;
	uint64_t strtab = (uint64_t)-1, strsz = 0;
	for (uint64_t off = dyn.offset; off + entsize <= dyn.offset + dyn.filesz;
	     off += entsize) {
		uint64_t tag = elf_rd(e, off, (int)half);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB)
			strtab = elf_rd(e, off + half, (int)half);
		else if (tag == DT_STRSZ)
			strsz = elf_rd(e, off + half, (int)half);
	}
	uint64_t stroff = strtab == (uint64_t)-1 ? strtab
			: vaddr_offset(e, phoff, phnum, phentsize, strtab);
	if (stroff == (uint64_t)-1 || !strsz || !elf_in_file(e, stroff, strsz))
		return 0;
	size_t plen = strlen(prefix);
	for (uint64_t off = dyn.offset; off + entsize <= dyn.offset + dyn.filesz;
	     off += entsize) {
		uint64_t tag = elf_rd(e, off, (int)half);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED)
			continue;
		uint64_t name = elf_rd(e, off + half, (int)half);
		if (name >= strsz)
			continue;
		const char *s = (const char *)e->p + stroff + name;
		size_t room = (size_t)(strsz - name);
		/* the name must end inside the string table */
		if (memchr(s, '\0', room) && strlen(s) >= plen &&
		    !memcmp(s, prefix, plen))
			return 1;
	}
	return 0;
}

int elf_program_needs(const char *path, const char *lib_prefix)
{
	struct elf_map e;
	if (elf_map_open(&e, path))
		return 0;
	int found = needs(&e, lib_prefix);
	elf_map_close(&e);
	return found;
}
