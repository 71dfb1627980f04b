/* A growable byte buffer.
 *
 * Invariants: buf is never NULL after strbuf_init; buf[len] == '\0' always
 * (so the content can be used as a C string when it holds no NUL); alloc >
 * len. The owner calls strbuf_release once. */
#ifndef CM_STRBUF_H
#define CM_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Empties the buffer but keeps its memory. */
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
/* The n bytes at p as lowercase hex, two digits a byte. */
void strbuf_addhex(struct strbuf *sb, const unsigned char *p, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Hands the buffer to the caller (who frees it); sb is left released
 * (strbuf_init it again to reuse it). */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
