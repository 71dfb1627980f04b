#include "infile.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define ZLIB_CONST /* next_in is a pointer to const */
#include <zlib.h>

#include "alloc.h"

static size_t limit = INFILE_DEFAULT_LIMIT;

void infile_set_limit(size_t bytes)
{
	limit = bytes ? bytes : INFILE_DEFAULT_LIMIT;
}

size_t infile_limit(void)
{
	return limit;
}

/* Makes room for at least min_room more bytes, never allocating past the
 * limit (plus one byte to see an input go over it, plus the NUL), so
 * memory stays bounded by the limit whatever the input. */
static void grow_bounded(struct strbuf *out, size_t min_room)
{
	size_t cap = limit + 2;
	if (out->alloc >= cap || out->alloc - out->len - 1 >= min_room)
		return;
	size_t want = out->alloc * 2;
	if (want < out->len + min_room + 1)
		want = out->len + min_room + 1;
	if (want > cap)
		want = cap;
	out->buf = xreallocarray(out->buf, want, 1);
	out->alloc = want;
}

static void over_limit(struct strbuf *err)
{
	strbuf_addf(err, "the file is over the %zu-byte input limit (--max-input)",
		    limit);
}

static int read_all(int fd, struct strbuf *out, struct strbuf *err)
{
	struct stat st;
	int known = fstat(fd, &st) == 0;
	if (known && S_ISDIR(st.st_mode)) {
		strbuf_addstr(err, "is a directory");
		return -1;
	}
	/* a regular file of a known size is read into room for it and one
	 * byte more (which the read that sees its end needs): most inputs
	 * are a few hundred bytes, and 64 KiB for each cost a large
	 * allocation per file */
	int sized = known && S_ISREG(st.st_mode) && st.st_size > 0;
	if (sized) {
		if ((uint64_t)st.st_size > limit) {
			over_limit(err);
			return -1;
		}
		grow_bounded(out, (size_t)st.st_size + 1);
	}
	for (;;) {
		if (!sized || out->alloc - out->len - 1 == 0)
			grow_bounded(out, 65536);
		if (out->len > limit) {
			over_limit(err);
			return -1;
		}
		ssize_t n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			strbuf_addstr(err, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	out->buf[out->len] = '\0';
	return 0;
}

static int inflate_all(const struct strbuf *in, struct strbuf *out,
		       struct strbuf *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	/* 15 + 32: accept both gzip and zlib headers */
	if (inflateInit2(&zs, 15 + 32) != Z_OK) {
		strbuf_addstr(err, "cannot initialise zlib");
		return -1;
	}
	const unsigned char *next = (const unsigned char *)in->buf;
	size_t left = in->len;
	int rc = Z_OK;
	while (rc == Z_OK || rc == Z_BUF_ERROR) {
		/* zlib counts in 32 bits: feed and drain in pieces */
		if (zs.avail_in == 0 && left) {
			size_t n = left > (1u << 30) ? (1u << 30) : left;
			zs.next_in = (const Bytef *)next;
			zs.avail_in = (uInt)n;
			next += n;
			left -= n;
		}
		if (out->len > limit) {
			strbuf_addf(err, "inflates past %zu bytes (the input limit, "
				    "--max-input)", limit);
			inflateEnd(&zs);
			return -1;
		}
		grow_bounded(out, 1u << 20);
		size_t room = out->alloc - out->len - 1;
		if (room > (1u << 30))
			room = 1u << 30;
		zs.next_out = (Bytef *)out->buf + out->len;
		zs.avail_out = (uInt)room;
		int had_in = zs.avail_in || left;
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len += room - zs.avail_out;
		/* a gzip file may hold several members, one after the other */
		if (rc == Z_STREAM_END && (zs.avail_in > 0 || left)) {
			if (inflateReset(&zs) != Z_OK)
				break;
			rc = Z_OK;
		}
		/* no input left and no progress: the stream is cut short */
		if (rc == Z_BUF_ERROR && !had_in)
			break;
	}
	out->buf[out->len] = '\0';
	inflateEnd(&zs);
	if (rc == Z_STREAM_END && out->len > limit) {
		strbuf_addf(err, "inflates past %zu bytes (the input limit, "
			    "--max-input)", limit);
		return -1;
	}
	if (rc != Z_STREAM_END) {
		if (rc == Z_BUF_ERROR || rc == Z_OK)
			strbuf_addstr(err, "truncated compressed stream");
		else
			strbuf_addf(err, "corrupt compressed stream (%s)",
				    zs.msg ? zs.msg : "zlib error");
		return -1;
	}
	return 0;
}

int infile_open_at(int dirfd, const char *path)
{
	/* no access time to write (data files were just written, so relatime
	 * would write it); only the owner may ask that */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	return fd;
}

int infile_load(const char *path, struct strbuf *out, struct strbuf *err)
{
	strbuf_reset(out);
	int fd = infile_open_at(AT_FDCWD, path);
	if (fd < 0) {
		strbuf_addstr(err, strerror(errno));
		return -1;
	}
	int rc = read_all(fd, out, err);
	close(fd);
	if (rc)
		return rc;
	if (out->len >= 2 && (unsigned char)out->buf[0] == 0x1f &&
	    (unsigned char)out->buf[1] == 0x8b) {
		struct strbuf raw = *out;
		strbuf_init(out);
		rc = inflate_all(&raw, out, err);
		strbuf_release(&raw);
	}
	return rc;
}

int infile_read_fd(int fd, struct strbuf *out, struct strbuf *err)
{
	strbuf_reset(out);
	return read_all(fd, out, err);
}

int infile_load_source(const char *path, struct strbuf *out, struct strbuf *err)
{
	strbuf_reset(out);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		strbuf_addstr(err, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		strbuf_addstr(err, "not a regular file");
		close(fd);
		return -1;
	}
	int rc = read_all(fd, out, err);
	close(fd);
	return rc;
}
