/* ELF section headers, read for source-based coverage.
 *
 * The ELF header (52 bytes for 32-bit files, 64 for 64-bit ones, either
 * byte order) gives the section header table: e_shoff, e_shentsize,
 * e_shnum and e_shstrndx (a count of 0 and index 0xffff meaning that the
 * real values are in section 0's sh_size and sh_link). Each section header
 * names its section by an offset into the section name table; the
 * __llvm_covmap section is what clang's -fcoverage-mapping adds. The
 * SHT_DYNAMIC section's entries (tag, value) name the needed libraries
 * (DT_NEEDED) and the search path (DT_RUNPATH, else DT_RPATH) as offsets
 * into the string table its sh_link names. Checked against clang 14's and
 * gcc 12's programs and shared libraries on x86-64. */
#include "elf_cov.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "elf_map.h"
#include "strbuf.h"

enum {
	SHT_DYNAMIC = 6, SHT_NOTE = 7, SHT_NOBITS = 8,
	NT_GNU_BUILD_ID = 3,
	SHN_XINDEX = 0xffff,
	DT_NULL = 0, DT_NEEDED = 1, DT_RPATH = 15, DT_RUNPATH = 29,
};

/* More sections than any real file has: a larger count is a corrupt one. */
#define ELF_MAX_SECTIONS 1000000

struct elf {
	struct elf_map m;
	uint64_t shoff, shentsize, shnum;
};

struct shdr {
	uint64_t name, type, offset, size, link;
};

static uint64_t rd(const struct elf *e, uint64_t off, int bytes)
{
	return elf_rd(&e->m, off, bytes);
}

static int in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return elf_in_file(&e->m, off, len);
}

static int read_shdr(const struct elf *e, uint64_t i, struct shdr *sh)
{
	uint64_t off = e->shoff + i * e->shentsize;
	if (i >= e->shnum || !in_file(e, off, e->m.is64 ? 64 : 40))
		return -1;
	sh->name = rd(e, off, 4);
	sh->type = rd(e, off + 4, 4);
	if (e->m.is64) {
		sh->offset = rd(e, off + 24, 8);
		sh->size = rd(e, off + 32, 8);
		sh->link = rd(e, off + 40, 4);
	} else {
		sh->offset = rd(e, off + 16, 4);
		sh->size = rd(e, off + 20, 4);
		sh->link = rd(e, off + 24, 4);
	}
	/* a section's bytes lie in the file (SHT_NOBITS has none) */
	if (sh->type != SHT_NOBITS && !in_file(e, sh->offset, sh->size))
		return -1;
	return 0;
}

/* The NUL-terminated string at offset off of section tab, or NULL. */
static const char *str_at(const struct elf *e, const struct shdr *tab,
			  uint64_t off)
{
	if (tab->type == SHT_NOBITS || off >= tab->size)
		return NULL;
	const char *s = (const char *)e->m.p + tab->offset + off;
	return memchr(s, '\0', (size_t)(tab->size - off)) ? s : NULL;
}

static void add_runpath(struct path_list *l, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, ":");
		if (n)
			path_list_add(l, xstrndup(s, n));
		s += n;
		if (*s == ':')
			s++;
	}
}

static void read_dynamic(const struct elf *e, const struct shdr *dyn,
			 struct elf_cov *out)
{
	struct shdr strtab;
	if (read_shdr(e, dyn->link, &strtab))
		return;
	uint64_t entsize = e->m.is64 ? 16 : 8;
	int half = (int)(entsize / 2);
	const char *runpath = NULL, *rpath = NULL;
	for (uint64_t off = 0; off + entsize <= dyn->size; off += entsize) {
		uint64_t tag = rd(e, dyn->offset + off, half);
		uint64_t val = rd(e, dyn->offset + off + (uint64_t)half, half);
		if (tag == DT_NULL)
			break;
		const char *s = tag == DT_NEEDED || tag == DT_RPATH ||
				tag == DT_RUNPATH ? str_at(e, &strtab, val) : NULL;
		if (!s)
			continue;
		if (tag == DT_NEEDED) {
			/* an empty name names no library */
			if (*s)
				path_list_add(&out->needed, xstrdup(s));
		}
		else if (tag == DT_RUNPATH)
			runpath = s;
		else
			rpath = s;
	}
	/* the dynamic loader ignores DT_RPATH when DT_RUNPATH is there */
	if (runpath || rpath)
		add_runpath(&out->runpath, runpath ? runpath : rpath);
}

/* The GNU build id in note section sh, if it holds one: notes of a 4-byte
 * name size, descriptor size and type, then the name and the descriptor,
 * each padded to 4 bytes. */
static void read_build_id(const struct elf *e, const struct shdr *sh,
			  struct elf_cov *out)
{
	if (!in_file(e, sh->offset, sh->size))
		return;
	uint64_t at = sh->offset, end = sh->offset + sh->size;
	while (end - at >= 12) {
		uint64_t namesz = rd(e, at, 4), descsz = rd(e, at + 4, 4);
		uint64_t type = rd(e, at + 8, 4);
		uint64_t name = at + 12, desc = name + ((namesz + 3) & ~(uint64_t)3);
		uint64_t next = desc + ((descsz + 3) & ~(uint64_t)3);
		if (next > end || next <= at)
			return;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && descsz && descsz <= 64 &&
		    rd(e, name, 1) == 'G' && rd(e, name + 1, 1) == 'N' &&
		    rd(e, name + 2, 1) == 'U' && rd(e, name + 3, 1) == 0 &&
		    !out->build_id) {
			unsigned char id[64];
			for (uint64_t i = 0; i < descsz; i++)
				id[i] = (unsigned char)rd(e, desc + i, 1);
			struct strbuf hex;
			strbuf_init(&hex);
			strbuf_addhex(&hex, id, descsz);
			out->build_id = strbuf_detach(&hex, NULL);
		}
		at = next;
	}
}

static void read_sections(struct elf *e, struct elf_cov *out)
{
	e->shoff = e->m.is64 ? rd(e, 40, 8) : rd(e, 32, 4);
	e->shentsize = rd(e, e->m.is64 ? 58 : 46, 2);
	e->shnum = rd(e, e->m.is64 ? 60 : 48, 2);
	uint64_t shstrndx = rd(e, e->m.is64 ? 62 : 50, 2);
	if (!e->shoff || e->shentsize < (uint64_t)(e->m.is64 ? 64 : 40))
		return;
	struct shdr first;
	if (e->shnum == 0 || shstrndx == SHN_XINDEX) {
		/* the extended numbering lives in section 0 */
		e->shnum = 1;
		if (read_shdr(e, 0, &first))
			return;
		if (!rd(e, e->m.is64 ? 60 : 48, 2))
			e->shnum = first.size;
		if (shstrndx == SHN_XINDEX)
			shstrndx = first.link;
	}
	if (e->shnum > ELF_MAX_SECTIONS ||
	    !in_file(e, e->shoff, e->shnum * e->shentsize))
		return;
	struct shdr names;
	if (read_shdr(e, shstrndx, &names))
		return;
	out->is_elf = 1;
	for (uint64_t i = 0; i < e->shnum; i++) {
		struct shdr sh;
		if (read_shdr(e, i, &sh))
			continue;
		const char *name = str_at(e, &names, sh.name);
		if (name && !strcmp(name, "__llvm_covmap"))
			out->covmap = 1;
		if (sh.type == SHT_DYNAMIC && !out->needed.n && !out->runpath.n)
			read_dynamic(e, &sh, out);
		if (sh.type == SHT_NOTE)
			read_build_id(e, &sh, out);
	}
}

void elf_cov_read(const char *path, struct elf_cov *out)
{
	struct elf e = {0};
	if (elf_map_open(&e.m, path))
		return;
	read_sections(&e, out);
	elf_map_close(&e.m);
}

void elf_cov_release(struct elf_cov *e)
{
	path_list_release(&e->needed);
	path_list_release(&e->runpath);
	free(e->build_id);
	memset(e, 0, sizeof(*e));
}
