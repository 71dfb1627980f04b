#include "elf_map.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	EI_CLASS = 4, EI_DATA = 5,
	CLASS32 = 1, CLASS64 = 2, DATA_LSB = 1, DATA_MSB = 2,
};

int elf_map_open(struct elf_map *e, const char *path)
{
	memset(e, 0, sizeof(*e));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	void *m = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= ELF_HEADER32)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	const unsigned char *h = m;
	e->map = m;
	e->p = h;
	e->size = (size_t)st.st_size;
	e->is64 = h[EI_CLASS] == CLASS64;
	e->msb = h[EI_DATA] == DATA_MSB;
	if (memcmp(h, "\177ELF", 4) ||
	    (h[EI_CLASS] != CLASS32 && h[EI_CLASS] != CLASS64) ||
	    (h[EI_DATA] != DATA_LSB && h[EI_DATA] != DATA_MSB) ||
	    e->size < (size_t)(e->is64 ? ELF_HEADER64 : ELF_HEADER32)) {
		elf_map_close(e);
		return -1;
	}
	return 0;
}

void elf_map_close(struct elf_map *e)
{
	if (e->map)
		munmap(e->map, e->size);
	memset(e, 0, sizeof(*e));
}

uint64_t elf_rd(const struct elf_map *e, uint64_t off, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++) {
		int k = e->msb ? i : bytes - 1 - i;
		v = (v << 8) | e->p[off + (uint64_t)k];
	}
	return v;
}
