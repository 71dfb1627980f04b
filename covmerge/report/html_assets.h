/* The HTML report's style sheet and script: covmerge/report/html/cm.css
 * and cm.js, embedded by cmake/embed_assets.cmake into a generated .c in
 * the build tree. */
#ifndef CM_HTML_ASSETS_H
#define CM_HTML_ASSETS_H

#include <stddef.h>

extern const unsigned char cm_html_css[];
extern const size_t cm_html_css_len;
extern const unsigned char cm_html_js[];
extern const size_t cm_html_js_len;

#endif
