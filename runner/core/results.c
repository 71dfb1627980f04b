#include "results.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "alloc.h"
#include "tap.h"

int result_failed(const struct result *r)
{
	return r->status == ST_FAILED || r->status == ST_CRASHED ||
	       r->status == ST_TIMEOUT || r->status == ST_ERROR;
}

const char *status_text(const struct result *r, char *buf, size_t n)
{
	switch (r->status) {
	case ST_PASSED: return "PASSED";
	case ST_SKIPPED: return "SKIPPED";
	case ST_FAILED: return "FAILED";
	case ST_TIMEOUT: return "TIMEOUT";
	case ST_ERROR: return "ERROR";
	case ST_CRASHED: {
		const char *abbrev = sigabbrev_np(r->signal);
		snprintf(buf, n, "CRASHED (SIG%s)", abbrev ? abbrev : "?");
		return buf;
	}
	case ST_NOTRUN: break;
	}
	return "NOT RUN";
}

static struct result *add(struct result_list *out, const char *id,
			  enum test_status st, const struct outcome *oc,
			  double duration)
{
	GROW(out->v, out->alloc, out->n + 1);
	struct result *r = &out->v[out->n++];
	memset(r, 0, sizeof(*r));
	r->id = xstrdup(id);
	r->status = st;
	r->worker = oc->worker;
	r->duration = duration;
	r->process = oc->process;
	return r;
}

/* How the process ended, as a status for a test that reported nothing. */
static enum test_status ending(const struct outcome *oc, int *sig, int *code,
			       char **msg)
{
	int ws = oc->wait_status;
	*sig = 0;
	*code = 0;
	if (oc->timed_out) {
		*sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : oc->term_signal;
		*msg = xstrdup("timed out");
		return ST_TIMEOUT;
	}
	if (WIFSIGNALED(ws)) {
		*sig = WTERMSIG(ws);
		*msg = xasprintf("killed by signal %d (%s)%s", *sig, strsignal(*sig),
				 WCOREDUMP(ws) ? ", core dumped" : "");
		return ST_CRASHED;
	}
	*code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	if (*code != 0) {
		*msg = xasprintf("exited with status %d", *code);
		return ST_FAILED;
	}
	return ST_PASSED;
}

static void keep_output(struct result *r, const struct outcome *oc)
{
	if (result_failed(r) && oc->output)
		r->output = xstrdup(oc->output);
}

static void whole_program(struct suite *s, const struct item *it,
			  const struct outcome *oc, struct result_list *out)
{
	struct test *t = &s->tests[it->tests[0]];
	const struct program *p = it->prog;
	struct tap tap = {0};
	size_t ntap = oc->output ? tap_parse(&tap, oc->output) : 0;
	/* a program speaks TAP when it prints a plan; a stray "ok" line in
	 * some other output is not a test result */
	if (!tap.planned)
		ntap = 0;
	int sig, code, failed = 0;
	char *msg = NULL;
	enum test_status end = ending(oc, &sig, &code, &msg);
	if (ntap) {
		double each = oc->duration / (double)ntap;
		for (size_t i = 0; i < ntap; i++) {
			const struct tap_line *l = &tap.v[i];
			char *id = l->desc[0] ? xasprintf("%s::%s", t->id, l->desc)
					      : xasprintf("%s::%zu", t->id, i + 1);
			enum test_status st = l->skip ? ST_SKIPPED
					    : (l->ok || l->todo) ? ST_PASSED : ST_FAILED;
			struct result *r = add(out, id, st, oc, each);
			if (l->reason && l->reason[0])
				r->message = xstrdup(l->reason);
			keep_output(r, oc);
			failed |= st == ST_FAILED;
			free(id);
		}
		/* a crash, a timeout, a missing plan line or a failing exit
		 * status that no "not ok" explains is a failure of its own */
		int short_plan = tap.planned > ntap;
		if (end == ST_TIMEOUT || end == ST_CRASHED || tap.bailed_out ||
		    short_plan || (end == ST_FAILED && !failed)) {
			struct result *r = add(out, t->id, end == ST_PASSED ? ST_FAILED : end,
					       oc, 0);
			r->signal = sig;
			r->exit_code = code;
			r->message = tap.bailed_out ? xstrdup("bailed out")
				: short_plan && end == ST_PASSED
				? xasprintf("planned %zu tests, reported %zu", tap.planned, ntap)
				: xstrdup(msg);
			keep_output(r, oc);
			failed = 1;
		}
	} else {
		enum test_status st = end;
		if (end == ST_FAILED && p->skip_rc >= 0 && code == p->skip_rc) {
			st = ST_SKIPPED;
			free(msg);
			msg = xasprintf("skipped (exit status %d)", code);
		} else if (end == ST_PASSED && p->skip_rc == 0) {
			st = ST_SKIPPED; /* a disabled CTest test */
			msg = xstrdup("disabled");
		} else if (p->will_fail && (end == ST_PASSED || end == ST_FAILED)) {
			st = end == ST_PASSED ? ST_FAILED : ST_PASSED;
			free(msg);
			msg = st == ST_FAILED ? xstrdup("passed but WILL_FAIL is set") : NULL;
		}
		struct result *r = add(out, t->id, st, oc, oc->duration);
		r->signal = sig;
		r->exit_code = code;
		r->message = msg;
		msg = NULL;
		keep_output(r, oc);
		failed = result_failed(r);
	}
	free(msg);
	tap_release(&tap);
	t->duration = oc->duration;
	t->failed = failed;
	t->ran = 1;
}

/* Whether TAP line l is cmocka's report of test `name`: "ok N - name",
 * "not ok N - name" or "not ok N # SKIP name". cmocka numbers the lines
 * of a failed group set-up or tear-down 0: they report no test. */
static int reports(const struct tap_line *l, const char *name)
{
	if (l->num == 0)
		return 0;
	return !strcmp(l->desc, name) ||
	       (l->skip && !l->desc[0] && l->reason && !strcmp(l->reason, name));
}

#define NO_LINE ((size_t)-1)

/* line[i]: the TAP line of the item's test i, found by name in run order
 * (a group whose set-up failed prints none for its tests, a failed
 * fixture's line is none of them); by position when no name matches.
 * Returns the index of the last test found, or NO_LINE. */
static size_t match_lines(const struct suite *s, const struct item *it,
			  const struct tap *tap, size_t *line)
{
	size_t cur = 0, last = NO_LINE;
	for (size_t i = 0; i < it->ntests; i++) {
		line[i] = NO_LINE;
		const char *name = s->tests[it->tests[i]].name;
		for (size_t j = cur; name && j < tap->n; j++)
			if (reports(&tap->v[j], name)) {
				line[i] = j;
				cur = j + 1;
				last = i;
				break;
			}
	}
	if (last == NO_LINE)
		for (size_t i = 0, j = 0; i < it->ntests && j < tap->n; j++)
			if (tap->v[j].num != 0)
				line[last = i++] = j;
	return last;
}

size_t results_reported(const struct suite *s, const struct item *it,
			const char *output)
{
	struct tap tap = {0};
	if (output)
		tap_parse(&tap, output);
	size_t *line = xcalloc(it->ntests ? it->ntests : 1, sizeof(*line));
	size_t last = match_lines(s, it, &tap, line);
	free(line);
	tap_release(&tap);
	return last == NO_LINE ? 0 : last + 1;
}

static void cmocka_item(struct suite *s, const struct item *it,
			const struct outcome *oc, struct result_list *out)
{
	struct tap tap = {0};
	if (oc->output)
		tap_parse(&tap, oc->output);
	double each = oc->duration / (double)it->ntests;
	int sig, code;
	char *msg = NULL;
	enum test_status end = ending(oc, &sig, &code, &msg);
	size_t *line = xcalloc(it->ntests, sizeof(*line));
	size_t last = match_lines(s, it, &tap, line);
	size_t first = out->n;
	int any_failed = 0, setup_failed = 0;
	/* a failed group fixture's line, and the program went on to its end:
	 * the tests it did not report never ran */
	for (size_t j = 0; j < tap.n; j++)
		setup_failed |= tap.v[j].num == 0 && !tap.v[j].ok;
	setup_failed &= end == ST_PASSED || end == ST_FAILED;
	for (size_t i = 0; i < it->ntests; i++) {
		struct test *t = &s->tests[it->tests[i]];
		struct result *r;
		if (line[i] != NO_LINE) {
			const struct tap_line *l = &tap.v[line[i]];
			enum test_status st = l->skip ? ST_SKIPPED
					    : (l->ok || l->todo) ? ST_PASSED : ST_FAILED;
			r = add(out, t->id, st, oc, each);
			/* cmocka writes "not ok 1 # SKIP <name>": no reason */
			if (l->reason && l->reason[0] && strcmp(l->reason, t->name))
				r->message = xstrdup(l->reason);
		} else if ((last != NO_LINE && i < last) || setup_failed) {
			/* tests after it reported: its group's set-up failed */
			r = add(out, t->id, ST_ERROR, oc, 0);
			r->message = xstrdup("not run: the program reported nothing "
					     "for it (its group's set-up failed?)");
		} else if (i == (last == NO_LINE ? 0 : last + 1)) {
			/* the test that was running when the process ended */
			enum test_status st = end == ST_PASSED ? ST_ERROR : end;
			r = add(out, t->id, st, oc, each);
			r->signal = sig;
			r->exit_code = code;
			r->message = end == ST_PASSED
				? xstrdup("the program ended without reporting this test")
				: xstrdup(msg);
		} else {
			r = add(out, t->id, ST_ERROR, oc, 0);
			r->message = xstrdup("not run: the program ended before it");
			r->unreached = 1;
		}
		any_failed |= result_failed(r);
	}
	/* every test reported, yet the process ended badly: a tear-down, an
	 * exit handler or a sanitizer's exit check (leaks) failed, or it hung
	 * there. ctest fails such a program; its last test carries it. */
	if (!any_failed && end != ST_PASSED && it->ntests) {
		struct result *r = &out->v[out->n - 1];
		r->status = end;
		r->signal = sig;
		r->exit_code = code;
		free(r->message);
		r->message = xasprintf("%s after its last test", msg);
	}
	for (size_t i = 0; i < it->ntests; i++) {
		struct test *t = &s->tests[it->tests[i]];
		struct result *r = &out->v[first + i];
		keep_output(r, oc);
		t->duration = each;
		t->failed = result_failed(r);
		t->ran = 1;
	}
	free(line);
	free(msg);
	tap_release(&tap);
}

void results_from_item(struct suite *s, const struct item *it,
		       const struct outcome *oc, struct result_list *out)
{
	if (!oc->started) {
		for (size_t i = 0; i < it->ntests; i++) {
			struct test *t = &s->tests[it->tests[i]];
			struct result *r = add(out, t->id, ST_ERROR, oc, 0);
			r->message = xstrdup(oc->start_error ? oc->start_error
							     : "could not start");
			t->failed = 1;
			t->ran = 1;
		}
		return;
	}
	if (it->prog->cmocka)
		cmocka_item(s, it, oc, out);
	else
		whole_program(s, it, oc, out);
}

void result_list_release(struct result_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].message);
		free(l->v[i].output);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
