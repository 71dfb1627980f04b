#include "junit.h"

#include <stdio.h>
#include <string.h>

#include "outfile.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	/* U+FFFE and U+FFFF are not XML characters */
	if (c == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;
	return len;
}

/* Appends s as XML text whatever its bytes: & < > " ' escaped, control
 * characters XML 1.0 does not allow as '?', bytes that are not UTF-8 as
 * U+FFFD. */
static void add_text(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	while (n) {
		unsigned char c = *p;
		size_t len = utf8_len(p, n);
		if (!len) {
			strbuf_addstr(sb, REPLACEMENT);
			len = 1;
		} else if (len > 1) {
			strbuf_add(sb, (const char *)p, len);
		} else if (c == '&') {
			strbuf_addstr(sb, "&amp;");
		} else if (c == '<') {
			strbuf_addstr(sb, "&lt;");
		} else if (c == '>') {
			strbuf_addstr(sb, "&gt;");
		} else if (c == '"') {
			strbuf_addstr(sb, "&quot;");
		} else if (c == '\'') {
			strbuf_addstr(sb, "&apos;");
		} else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			strbuf_addch(sb, '?');
		} else {
			strbuf_addch(sb, (char)c);
		}
		p += len;
		n -= len;
	}
}

int junit_write(const char *path, const struct result_list *rl, double seconds,
		struct strbuf *err)
{
	size_t failures = 0, errors = 0, skipped = 0;
	for (size_t i = 0; i < rl->n; i++) {
		enum test_status st = rl->v[i].status;
		failures += st == ST_FAILED;
		errors += st == ST_CRASHED || st == ST_TIMEOUT || st == ST_ERROR;
		skipped += st == ST_SKIPPED;
	}
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addf(&sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n"
		    "<testsuite name=\"runner\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		    rl->n, failures, errors, skipped, seconds);
	for (size_t i = 0; i < rl->n; i++) {
		const struct result *r = &rl->v[i];
		/* classname: the program; name: the rest of the id */
		const char *sep = strstr(r->id, "::");
		strbuf_addstr(&sb, "<testcase classname=\"");
		if (sep) {
			struct strbuf cls;
			strbuf_init(&cls);
			strbuf_add(&cls, r->id, (size_t)(sep - r->id));
			add_text(&sb, cls.buf);
			strbuf_release(&cls);
		} else {
			add_text(&sb, r->id);
		}
		strbuf_addstr(&sb, "\" name=\"");
		add_text(&sb, sep ? sep + 2 : r->id);
		strbuf_addf(&sb, "\" time=\"%.3f\">", r->duration);
		if (r->rerun_alone != RERUN_NONE)
			/* a failure rerun alone (--rerun-alone) */
			strbuf_addf(&sb, "<properties><property name=\"rerun_alone\" "
				    "value=\"%s\"/></properties>",
				    r->rerun_alone == RERUN_PASSED ? "passed" : "failed");
		char buf[64];
		const char *tag = r->status == ST_FAILED ? "failure"
				  : r->status == ST_SKIPPED ? "skipped"
				  : result_failed(r) ? "error" : NULL;
		if (tag) {
			strbuf_addf(&sb, "<%s message=\"", tag);
			add_text(&sb, r->message ? r->message : status_text(r, buf, sizeof(buf)));
			strbuf_addstr(&sb, "\"");
			if (r->output && r->output[0]) {
				strbuf_addstr(&sb, ">");
				add_text(&sb, r->output);
				strbuf_addf(&sb, "</%s>", tag);
			} else {
				strbuf_addstr(&sb, "/>");
			}
		}
		strbuf_addstr(&sb, "</testcase>\n");
	}
	strbuf_addstr(&sb, "</testsuite>\n</testsuites>\n");
	struct outfile of;
	int rc = outfile_open(&of, path, err);
	if (rc == 0) {
		fwrite(sb.buf, 1, sb.len, of.fp);
		rc = outfile_commit(&of, err);
	}
	strbuf_release(&sb);
	return rc;
}
