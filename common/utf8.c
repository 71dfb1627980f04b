#include "utf8.h"

#include <stdint.h>

size_t utf8_decode(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t n;
	unsigned v, min;
	if ((u[0] & 0xe0) == 0xc0) {
		n = 2;
		v = u[0] & 0x1f;
		min = 0x80;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3;
		v = u[0] & 0x0f;
		min = 0x800;
	} else if ((u[0] & 0xf8) == 0xf0) {
		n = 4;
		v = u[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	/* a NUL is not a continuation byte: never reads past the string */
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (u[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

void utf8_add_printable(struct strbuf *sb, const char *s)
{
	while (s && *s) {
		unsigned cp;
		size_t n = utf8_decode(s, &cp);
		if (!n || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			strbuf_addch(sb, '?');
			s += n ? n : 1;
			continue;
		}
		strbuf_add(sb, s, n);
		s += n;
	}
}

char *utf8_printable(const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb);
	utf8_add_printable(&sb, s);
	return strbuf_detach(&sb, NULL);
}

size_t utf8_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

void utf8_add_padded(struct strbuf *sb, const char *s, size_t width)
{
	strbuf_addstr(sb, s);
	for (size_t w = utf8_width(s); w < width; w++)
		strbuf_addch(sb, ' ');
}
