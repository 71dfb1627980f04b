/* Reading TAP (the Test Anything Protocol) from a program's output, as
 * cmocka writes it with CMOCKA_MESSAGE_OUTPUT=TAP: "1..N" plans (one per
 * cmocka group), "ok N - name", "not ok N - name", "# SKIP" and "# TODO"
 * directives, "# ..." diagnostics, "Bail out!". */
#ifndef RUNNER_TAP_H
#define RUNNER_TAP_H

#include <stddef.h>

struct tap_line {
	int ok;
	int skip;            /* # SKIP */
	int todo;            /* # TODO: a failure that does not count */
	char *desc;          /* name or description (may be empty) */
	char *reason;        /* directive text, or NULL */
	long num;            /* its test number; -1 when it has none (cmocka
				numbers its group fixtures' lines 0) */
};

struct tap {
	struct tap_line *v;
	size_t n, alloc;
	int bailed_out;
	size_t planned;      /* sum of the plans seen */
};

/* Parses text; returns the number of test lines found. */
size_t tap_parse(struct tap *t, const char *text);
void tap_release(struct tap *t);

#endif
