/* XML text escaping, shared by the Cobertura report and the runner's
 * JUnit XML. */
#ifndef CM_XML_H
#define CM_XML_H

#include "strbuf.h"

/* Appends s (NULL: nothing) with & < > " ' escaped; control characters that
 * XML 1.0 does not allow become '?'. */
void xml_add_escaped(struct strbuf *sb, const char *s);

#endif
