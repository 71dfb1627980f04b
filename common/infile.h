/* Loading an input file whole into memory. Plain files and gzip/zlib
 * streams go through this one interface; zlib stays inside infile.c. */
#ifndef CM_INFILE_H
#define CM_INFILE_H

#include "strbuf.h"

/* Reads path into out (which must be initialised; it is reset first).
 * A gzip-compressed file (magic 1f 8b) is inflated. Returns 0, or -1 with
 * a lower-case cause (no file name) written to err. */
int infile_load(const char *path, struct strbuf *out, struct strbuf *err);

/* Opens path (taken against directory dirfd, or AT_FDCWD) for reading,
 * close-on-exec, without updating its access time when the caller may ask
 * that. Returns the descriptor, or -1 with errno. */
int infile_open_at(int dirfd, const char *path);

/* The rest of open file fd, read as it is (not inflated), under the same
 * limit; err as infile_load's. */
int infile_read_fd(int fd, struct strbuf *out, struct strbuf *err);

/* A source file for the exclusion markers: a regular file only (a device
 * or a FIFO named by a tracefile is refused), read as it is. */
int infile_load_source(const char *path, struct strbuf *out, struct strbuf *err);

/* The most an input (or a source) may hold, read or inflated: a "zip
 * bomb" or a huge file stops here with a named error, in memory bounded
 * by the limit. 0 restores the default (covmerge --max-input). */
#define INFILE_DEFAULT_LIMIT ((size_t)1 << 30)
void infile_set_limit(size_t bytes);
size_t infile_limit(void);

#endif
