/* A small JSON reader (a tree of values), enough for CTest's
 * --show-only=json-v1 inventory. Strings are decoded (\uXXXX to UTF-8). */
#ifndef CM_JSON_H
#define CM_JSON_H

#include <stddef.h>

#include "strbuf.h"

enum json_type { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

struct json {
	enum json_type type;
	double number;       /* J_NUMBER; J_BOOL: 0 or 1 */
	char *string;        /* J_STRING */
	size_t n;            /* J_ARRAY, J_OBJECT: number of members */
	struct json *items;  /* members */
	char **keys;         /* J_OBJECT: the member names */
};

/* Parses text[0..len). Returns a new tree, or NULL with the cause (and
 * byte offset) in err. Free with json_free. */
struct json *json_parse(const char *text, size_t len, struct strbuf *err);
void json_free(struct json *j);
/* Appends s as a JSON string literal (quoted and escaped; each byte that
 * is not valid UTF-8 as \ufffd, so the document parses whatever the
 * bytes). */
void json_add_string(struct strbuf *sb, const char *s);

/* The member named key of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

#endif
