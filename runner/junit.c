#include "junit.h"

#include <stdio.h>
#include <string.h>

#include "outfile.h"

static void esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				strbuf_addch(sb, '?');
			else
				strbuf_addch(sb, (char)c);
		}
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
			esc(&sb, cls.buf);
			strbuf_release(&cls);
		} else {
			esc(&sb, r->id);
		}
		strbuf_addstr(&sb, "\" name=\"");
		esc(&sb, sep ? sep + 2 : r->id);
		strbuf_addf(&sb, "\" time=\"%.3f\">", r->duration);
		char buf[64];
		const char *tag = r->status == ST_FAILED ? "failure"
				  : r->status == ST_SKIPPED ? "skipped"
				  : result_failed(r) ? "error" : NULL;
		if (tag) {
			strbuf_addf(&sb, "<%s message=\"", tag);
			esc(&sb, r->message ? r->message : status_text(r, buf, sizeof(buf)));
			strbuf_addstr(&sb, "\"");
			if (r->output && r->output[0]) {
				strbuf_addstr(&sb, ">");
				esc(&sb, r->output);
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
