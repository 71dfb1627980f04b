/* Reading a file again and again through one mapping: the runner reads a
 * worker's data files after every test (--cov-context=test), and opening,
 * reading, copying and closing each one cost more than the rest of the
 * work. */
#ifndef CM_MAPPED_FILE_H
#define CM_MAPPED_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

struct mapped_file {
	const unsigned char *p;   /* NULL: not mapped */
	size_t len;
	dev_t dev;
	ino_t ino;
};

/* How mapped_file_view may see the file. */
enum {
	MAPPED_MAY_MAP = 1,   /* map it (else it is read into the buffer) */
	MAPPED_TRUST = 2,     /* the name is still the mapped file (the caller
				 knows it was not replaced) and the caller
				 checks that the bytes are whole */
};

/* Sets *p and *len to the bytes of file name (relative to directory
 * dirfd, or AT_FDCWD). When m maps that file (same device and inode: a
 * stat of the name says so unless MAPPED_TRUST) at its current size, they
 * are the mapping's: no open, read or copy. Otherwise the file is mapped
 * (MAPPED_MAY_MAP) or read into buf. Bytes of a mapping may only be read
 * inside mapped_file_guard. Returns 1 when the bytes are the mapping's by
 * MAPPED_TRUST, 0 when the file was checked, mapped or read, -1 with err. */
int mapped_file_view(struct mapped_file *m, int dirfd, const char *name,
		     int how, const unsigned char **p, size_t *len,
		     struct strbuf *buf, struct strbuf *err);

/* What mapped_file_guard returns when the file was cut short under m
 * while fn read it: fn read zeros there, so what it made is to be thrown
 * away, and m released (the file is then read). */
#define MAPPED_FAULT (-1000)

/* Runs fn(arg), which reads m's bytes: returns what fn returned, or
 * MAPPED_FAULT. Not reentrant. */
int mapped_file_guard(const struct mapped_file *m, int (*fn)(void *), void *arg);

void mapped_file_release(struct mapped_file *m);

#endif
