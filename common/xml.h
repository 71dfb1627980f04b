/* XML text escaping, shared by the Cobertura report, the HTML report and
 * the runner's JUnit XML. */
#ifndef CM_XML_H
#define CM_XML_H

#include <stddef.h>

#include "strbuf.h"

/* Appends s (NULL: nothing) with & < > " ' escaped, tab, newline and
 * carriage return as character references, control characters that XML
 * 1.0 does not allow (NUL too) as '?', and each byte that is not valid
 * UTF-8 (and U+FFFE, U+FFFF) as U+FFFD: the document parses whatever the
 * bytes. The result is also safe in HTML text, in a quoted HTML attribute
 * value, and inside an HTML <script> element (no '<' is left). */
void xml_add_escaped(struct strbuf *sb, const char *s);
/* The same for the len bytes at s (which may hold NULs). A UTF-8 sequence
 * cut by the end of the range counts as invalid. */
void xml_add_escaped_len(struct strbuf *sb, const char *s, size_t len);

#endif
