#include "elf.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	EI_CLASS = 4, EI_DATA = 5,
	CLASS32 = 1, CLASS64 = 2, DATA_LSB = 1, DATA_MSB = 2,
	ET_EXEC = 2, ET_DYN = 3,
	PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3,
	DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10,
};

/* the mapped file and how to read its integers */
struct elf {
	const unsigned char *p;
	size_t size;
	int is64, msb;
};

static int in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

static uint64_t rd(const struct elf *e, uint64_t off, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++) {
		int k = e->msb ? i : bytes - 1 - i;
		v = (v << 8) | e->p[off + (uint64_t)k];
	}
	return v;
}

/* a program header's fields */
struct phdr {
	uint64_t type, offset, vaddr, filesz;
};

static int read_phdr(const struct elf *e, uint64_t off, struct phdr *ph)
{
	if (!in_file(e, off, e->is64 ? 56 : 32))
		return -1;
	ph->type = rd(e, off, 4);
	if (e->is64) {
		ph->offset = rd(e, off + 8, 8);
		ph->vaddr = rd(e, off + 16, 8);
		ph->filesz = rd(e, off + 32, 8);
	} else {
		ph->offset = rd(e, off + 4, 4);
		ph->vaddr = rd(e, off + 8, 4);
		ph->filesz = rd(e, off + 16, 4);
	}
	return 0;
}

/* The file offset of virtual address addr, through the PT_LOAD segments;
 * (uint64_t)-1 when no segment maps it from the file. */
static uint64_t vaddr_offset(const struct elf *e, uint64_t phoff, uint64_t phnum,
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

static int needs(const struct elf *e, const char *prefix)
{
	const unsigned char *h = e->p;
	if (e->size < 52 || memcmp(h, "\177ELF", 4))
		return 0;
	uint64_t type = rd(e, 16, 2);
	uint64_t phoff = e->is64 ? rd(e, 32, 8) : rd(e, 28, 4);
	uint64_t phentsize = rd(e, e->is64 ? 54 : 42, 2);
	uint64_t phnum = rd(e, e->is64 ? 56 : 44, 2);
	if ((type != ET_EXEC && type != ET_DYN) ||
	    phentsize < (uint64_t)(e->is64 ? 56 : 32) || phnum > 65535 ||
	    !in_file(e, phoff, phnum * phentsize))
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
	    !in_file(e, dyn.offset, dyn.filesz))
		return 0;
	size_t entsize = e->is64 ? 16 : 8, half = entsize / 2;
	uint64_t strtab = (uint64_t)-1, strsz = 0;
	for (uint64_t off = dyn.offset; off + entsize <= dyn.offset + dyn.filesz;
	     off += entsize) {
		uint64_t tag = rd(e, off, (int)half);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB)
			strtab = rd(e, off + half, (int)half);
		else if (tag == DT_STRSZ)
			strsz = rd(e, off + half, (int)half);
	}
	uint64_t stroff = strtab == (uint64_t)-1 ? strtab
			: vaddr_offset(e, phoff, phnum, phentsize, strtab);
	if (stroff == (uint64_t)-1 || !strsz || !in_file(e, stroff, strsz))
		return 0;
	size_t plen = strlen(prefix);
	for (uint64_t off = dyn.offset; off + entsize <= dyn.offset + dyn.filesz;
	     off += entsize) {
		uint64_t tag = rd(e, off, (int)half);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED)
			continue;
		uint64_t name = rd(e, off + half, (int)half);
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
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	struct stat st;
	int found = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 52) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			struct elf e = {m, (size_t)st.st_size, 0, 0};
			const unsigned char *h = m;
			e.is64 = h[EI_CLASS] == CLASS64;
			e.msb = h[EI_DATA] == DATA_MSB;
			if ((h[EI_CLASS] == CLASS32 || h[EI_CLASS] == CLASS64) &&
			    (h[EI_DATA] == DATA_LSB || h[EI_DATA] == DATA_MSB) &&
			    (!e.is64 || e.size >= 64))
				found = needs(&e, lib_prefix);
			munmap(m, (size_t)st.st_size);
		}
	}
	close(fd);
	return found;
}
