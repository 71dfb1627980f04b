/* Names from the inputs (source paths, function names) are bytes, not
 * text: they may hold invalid UTF-8, newlines or terminal escape
 * sequences. Every output that is text passes them through here. */
#ifndef CM_UTF8_H
#define CM_UTF8_H

#include <stddef.h>

#include "strbuf.h"

/* Decodes the UTF-8 sequence at s (NUL-terminated): returns its length
 * (1 to 4) and sets *cp, or returns 0 when s does not start with the
 * shortest encoding of a Unicode scalar value (a stray continuation byte,
 * a cut sequence, an overlong form, a surrogate, past U+10FFFF). */
size_t utf8_decode(const char *s, unsigned *cp);

/* The replacement character U+FFFD, encoded. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/* Appends s for a terminal or a table: valid UTF-8 is kept, except
 * control characters (C0, DEL, C1: a newline, an escape sequence), which
 * become '?', as does each byte that is not valid UTF-8. */
void utf8_add_printable(struct strbuf *sb, const char *s);
/* The same as a new string. */
char *utf8_printable(const char *s);
/* The columns a printable string (as utf8_printable makes) takes: one per
 * character, not per byte, as coverage.py counts them. */
size_t utf8_width(const char *s);
/* Appends s padded with spaces to width columns. */
void utf8_add_padded(struct strbuf *sb, const char *s, size_t width);

#endif
