/* XML text escaping, shared by the Cobertura report and the runner's
 * JUnit XML. */
#ifndef CM_XML_H
#define CM_XML_H

#include "strbuf.h"

/* Appends s (NULL: nothing) with & < > " ' escaped, tab, newline and
 * carriage return as character references, control characters that XML
 * 1.0 does not allow as '?', and each byte that is not valid UTF-8 (and
 * U+FFFE, U+FFFF) as U+FFFD: the document parses whatever the bytes. */
void xml_add_escaped(struct strbuf *sb, const char *s);

#endif
