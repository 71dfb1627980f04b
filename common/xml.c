#include "xml.h"

#include <string.h>

#include "utf8.h"

/* Whether byte c is copied as it is: printable ASCII other than the five
 * special characters. */
static int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' &&
	       c != '"' && c != '\'';
}

void xml_add_escaped_len(struct strbuf *sb, const char *s, size_t len)
{
	const char *end = s + len;
	while (s < end) {
		const char *run = s;
		while (s < end && plain((unsigned char)*s))
			s++;
		if (s > run)
			strbuf_add(sb, run, (size_t)(s - run));
		if (s == end)
			break;
		unsigned cp;
		/* near the end, decode a NUL-terminated copy: nothing past the
		 * range is read, and a cut sequence is invalid */
		char tail[5] = {0};
		const char *at = s;
		if (end - s < 4) {
			memcpy(tail, s, (size_t)(end - s));
			at = tail;
		}
		size_t n = *s ? utf8_decode(at, &cp) : 0;
		if (*s && !n) {
			/* not UTF-8: the file would not parse */
			strbuf_addstr(sb, UTF8_REPLACEMENT);
			s++;
			continue;
		}
		if (!*s) {
			strbuf_addch(sb, '?'); /* NUL: not allowed in XML 1.0 */
			s++;
			continue;
		}
		switch (cp) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&apos;"); break;
		/* as references, so attribute values keep them */
		case '\t': strbuf_addstr(sb, "&#9;"); break;
		case '\n': strbuf_addstr(sb, "&#10;"); break;
		case '\r': strbuf_addstr(sb, "&#13;"); break;
		default:
			if (cp < 0x20)
				strbuf_addch(sb, '?'); /* not allowed in XML 1.0 */
			else if (cp == 0xfffe || cp == 0xffff)
				strbuf_addstr(sb, UTF8_REPLACEMENT);
			else
				strbuf_add(sb, s, n);
		}
		s += n;
	}
}

void xml_add_escaped(struct strbuf *sb, const char *s)
{
	if (s)
		xml_add_escaped_len(sb, s, strlen(s));
}
