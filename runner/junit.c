#include "junit.h"

#include <stdio.h>
#include <string.h>

#include "outfile.h"
#include "xml.h"

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
			xml_add_escaped(&sb, cls.buf);
			strbuf_release(&cls);
		} else {
			xml_add_escaped(&sb, r->id);
		}
		strbuf_addstr(&sb, "\" name=\"");
		xml_add_escaped(&sb, sep ? sep + 2 : r->id);
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
			xml_add_escaped(&sb, r->message ? r->message : status_text(r, buf, sizeof(buf)));
			strbuf_addstr(&sb, "\"");
			if (r->output && r->output[0]) {
				strbuf_addstr(&sb, ">");
				xml_add_escaped(&sb, r->output);
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
