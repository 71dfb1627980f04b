#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "utf8.h"

struct jp {
	const char *s, *end;
	const char *err;
	int depth;
};

static void skip_ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' ||
				 *p->s == '\r'))
		p->s++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (char)(0xc0 | cp >> 6));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (char)(0xe0 | cp >> 12));
		strbuf_addch(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (char)(0xf0 | cp >> 18));
		strbuf_addch(sb, (char)(0x80 | (cp >> 12 & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

static char *parse_string(struct jp *p)
{
	if (p->s >= p->end || *p->s != '"') {
		p->err = "expected a string";
		return NULL;
	}
	p->s++;
	struct strbuf sb;
	strbuf_init(&sb);
	while (p->s < p->end && *p->s != '"') {
		char c = *p->s++;
		/* JSON has no raw control characters in strings, and a NUL
		 * would cut the string short */
		if ((unsigned char)c < 0x20) {
			p->s--;
			p->err = "control character in a string";
			strbuf_release(&sb);
			return NULL;
		}
		if (c != '\\') {
			strbuf_addch(&sb, c);
			continue;
		}
		if (p->s >= p->end)
			break;
		c = *p->s++;
		switch (c) {
		case 'n': strbuf_addch(&sb, '\n'); break;
		case 't': strbuf_addch(&sb, '\t'); break;
		case 'r': strbuf_addch(&sb, '\r'); break;
		case 'b': strbuf_addch(&sb, '\b'); break;
		case 'f': strbuf_addch(&sb, '\f'); break;
		case 'u': {
			unsigned cp = 0;
			for (int i = 0; i < 4; i++) {
				int h = p->s < p->end ? hexval(*p->s) : -1;
				if (h < 0) {
					p->err = "bad \\u escape";
					strbuf_release(&sb);
					return NULL;
				}
				cp = cp * 16 + (unsigned)h;
				p->s++;
			}
			if (!cp) {
				p->err = "\\u0000 in a string";
				strbuf_release(&sb);
				return NULL;
			}
			put_utf8(&sb, cp);
			break;
		}
		default: strbuf_addch(&sb, c);
		}
	}
	if (p->s >= p->end) {
		p->err = "unterminated string";
		strbuf_release(&sb);
		return NULL;
	}
	p->s++;
	return strbuf_detach(&sb, NULL);
}

static int parse_value(struct jp *p, struct json *out);

static int parse_container(struct jp *p, struct json *out, int object)
{
	size_t alloc = 0, akeys = 0;
	p->s++;
	skip_ws(p);
	if (p->s < p->end && *p->s == (object ? '}' : ']')) {
		p->s++;
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (object) {
			char *k = parse_string(p);
			if (!k)
				return -1;
			GROW(out->keys, akeys, out->n + 1);
			out->keys[out->n] = k;
			skip_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				p->err = "expected ':'";
				GROW(out->items, alloc, out->n + 1);
				memset(&out->items[out->n], 0, sizeof(struct json));
				out->n++;
				return -1;
			}
			p->s++;
		}
		GROW(out->items, alloc, out->n + 1);
		memset(&out->items[out->n], 0, sizeof(struct json));
		out->n++;
		if (parse_value(p, &out->items[out->n - 1]))
			return -1;
		skip_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == (object ? '}' : ']')) {
			p->s++;
			return 0;
		}
		p->err = object ? "expected ',' or '}'" : "expected ',' or ']'";
		return -1;
	}
}

static int parse_value(struct jp *p, struct json *out)
{
	skip_ws(p);
	if (p->s >= p->end) {
		p->err = "unexpected end";
		return -1;
	}
	if (++p->depth > 200) {
		p->err = "nested too deeply";
		return -1;
	}
	int rc = 0;
	char c = *p->s;
	if (c == '{' || c == '[') {
		out->type = c == '{' ? J_OBJECT : J_ARRAY;
		rc = parse_container(p, out, c == '{');
	} else if (c == '"') {
		out->type = J_STRING;
		out->string = parse_string(p);
		rc = out->string ? 0 : -1;
	} else if (p->end - p->s >= 4 && !memcmp(p->s, "true", 4)) {
		out->type = J_BOOL;
		out->number = 1;
		p->s += 4;
	} else if (p->end - p->s >= 5 && !memcmp(p->s, "false", 5)) {
		out->type = J_BOOL;
		p->s += 5;
	} else if (p->end - p->s >= 4 && !memcmp(p->s, "null", 4)) {
		out->type = J_NULL;
		p->s += 4;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		/* strtod stops at the first character that is not a number */
		char tmp[64];
		size_t n = 0;
		while (p->s + n < p->end && n < sizeof(tmp) - 1 &&
		       p->s[n] && strchr("+-0123456789.eE", p->s[n]))
			n++;
		memcpy(tmp, p->s, n);
		tmp[n] = '\0';
		char *end;
		out->type = J_NUMBER;
		out->number = strtod(tmp, &end);
		if (end == tmp) {
			p->err = "bad number";
			rc = -1;
		}
		p->s += n;
	} else {
		p->err = "unexpected character";
		rc = -1;
	}
	p->depth--;
	return rc;
}

struct json *json_parse(const char *text, size_t len, struct strbuf *err)
{
	struct jp p = {text, text + len, NULL, 0};
	struct json *j = xcalloc(1, sizeof(*j));
	if (parse_value(&p, j) == 0) {
		skip_ws(&p);
		if (p.s == p.end)
			return j;
		p.err = "trailing characters";
	}
	strbuf_addf(err, "%s at byte %zu", p.err, (size_t)(p.s - text));
	json_free(j);
	return NULL;
}

static void json_release(struct json *j)
{
	free(j->string);
	for (size_t i = 0; i < j->n; i++) {
		json_release(&j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
}

void json_free(struct json *j)
{
	if (!j)
		return;
	json_release(j);
	free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != J_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

void json_add_string(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	while (*s) {
		unsigned cp;
		size_t n = utf8_decode(s, &cp);
		if (!n) {
			/* JSON text is UTF-8: a byte that is not becomes U+FFFD */
			strbuf_addstr(sb, "\\ufffd");
			s++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			strbuf_addf(sb, "\\%c", (char)cp);
		else if (cp < 0x20 || cp == 0x7f)
			strbuf_addf(sb, "\\u%04x", cp);
		else
			strbuf_add(sb, s, n);
		s += n;
	}
	strbuf_addch(sb, '"');
}
