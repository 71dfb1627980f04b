#include "xml.h"

#include <string.h>

#include "utf8.h"

void xml_add_escaped(struct strbuf *sb, const char *s)
{
	while (s && *s) {
		unsigned cp;
		size_t n = utf8_decode(s, &cp);
		if (!n) {
			/* not UTF-8: the file would not parse */
			strbuf_addstr(sb, UTF8_REPLACEMENT);
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
