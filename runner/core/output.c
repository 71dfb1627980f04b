#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

void worker_name(int w, char *buf, size_t n)
{
	snprintf(buf, n, "gw%d", w);
}

void reporter_init(struct reporter *rp, int verbose, int quiet, int nworkers,
		   size_t total)
{
	memset(rp, 0, sizeof(*rp));
	rp->verbose = verbose;
	rp->quiet = quiet;
	rp->nworkers = nworkers;
	rp->total = total;
	const char *term = getenv("TERM");
	rp->tty = isatty(STDOUT_FILENO) && !verbose && !quiet &&
		  !(term && !strcmp(term, "dumb"));
}

void reporter_clear(struct reporter *rp)
{
	if (rp->line_drawn) {
		fputs("\r\033[K", stdout);
		rp->line_drawn = 0;
	}
}

void reporter_progress(struct reporter *rp, int force)
{
	if (!rp->tty)
		return;
	double now = now_seconds();
	if (!force && now - rp->last_draw < 0.2)
		return;
	rp->last_draw = now;
	printf("\r\033[K[%zu/%zu] %zu passed, %zu failed, %zu skipped, %zu running",
	       rp->done, rp->total, rp->passed, rp->failed, rp->skipped, rp->running);
	if (rp->still[0])
		printf(", %s", rp->still);
	fflush(stdout);
	rp->line_drawn = 1;
}

void reporter_result(struct reporter *rp, const struct result *r)
{
	rp->done++;
	if (result_failed(r))
		rp->failed++;
	else if (r->status == ST_SKIPPED)
		rp->skipped++;
	else
		rp->passed++;
	if (rp->quiet)
		return;
	if (rp->tty) {
		/* failures show at once above the status line */
		if (result_failed(r)) {
			char buf[64];
			reporter_clear(rp);
			printf("[gw%d] %s %s\n", r->worker, status_text(r, buf, sizeof(buf)),
			       r->id);
		}
		reporter_progress(rp, result_failed(r));
		return;
	}
	char buf[64];
	printf("[gw%d] %s %s %.2fs%s%s\n", r->worker, status_text(r, buf, sizeof(buf)),
	       r->id, r->duration, r->message ? " - " : "",
	       r->message ? r->message : "");
	fflush(stdout);
}

static void rule(const char *title, char fill)
{
	int width = 78;
	int tl = (int)strlen(title) + 2;
	int left = (width - tl) / 2, right = width - tl - left;
	if (left < 3)
		left = right = 3;
	for (int i = 0; i < left; i++)
		putchar(fill);
	printf(" %s ", title);
	for (int i = 0; i < right; i++)
		putchar(fill);
	putchar('\n');
}

void reporter_failures(struct reporter *rp, const struct result_list *rl)
{
	reporter_clear(rp);
	size_t n = 0;
	for (size_t i = 0; i < rl->n; i++)
		n += result_failed(&rl->v[i]);
	if (!n)
		return;
	printf("\n");
	rule("FAILURES", '=');
	/* a process's output is shown once, under its first failure */
	size_t last_process = (size_t)-1;
	for (size_t i = 0; i < rl->n; i++) {
		const struct result *r = &rl->v[i];
		if (!result_failed(r))
			continue;
		char buf[64];
		rule(r->id, '_');
		printf("[gw%d] %s%s%s\n", r->worker, status_text(r, buf, sizeof(buf)),
		       r->message ? ": " : "", r->message ? r->message : "");
		if (r->output && r->output[0] && r->process != last_process) {
			printf("----- captured output -----\n%s", r->output);
			if (r->output[strlen(r->output) - 1] != '\n')
				putchar('\n');
			last_process = r->process;
		}
	}
	printf("\n");
	rule("short test summary info", '=');
	for (size_t i = 0; i < rl->n; i++) {
		const struct result *r = &rl->v[i];
		if (!result_failed(r))
			continue;
		char buf[64];
		printf("%s %s%s%s\n", status_text(r, buf, sizeof(buf)), r->id,
		       r->message ? " - " : "", r->message ? r->message : "");
	}
}

static int cmp_slowest(const void *a, const void *b)
{
	const struct result *x = *(const struct result *const *)a;
	const struct result *y = *(const struct result *const *)b;
	if (x->duration != y->duration)
		return x->duration > y->duration ? -1 : 1;
	return strcmp(x->id, y->id);
}

void reporter_durations(const struct result_list *rl, size_t n)
{
	const struct result **v = calloc(rl->n ? rl->n : 1, sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < rl->n; i++)
		v[i] = &rl->v[i];
	qsort(v, rl->n, sizeof(*v), cmp_slowest);
	if (n == 0 || n > rl->n)
		n = rl->n;
	printf("\n");
	rule(n == rl->n ? "slowest durations" : "slowest test durations", '=');
	for (size_t i = 0; i < n; i++)
		printf("%.2fs [gw%d] %s\n", v[i]->duration, v[i]->worker, v[i]->id);
	free(v);
}

void reporter_summary(const struct reporter *rp, double seconds, int interrupted)
{
	printf("\n%s%zu tests in %.2fs on %d worker%s\n",
	       interrupted ? "interrupted: " : "", rp->done, seconds, rp->nworkers,
	       rp->nworkers == 1 ? "" : "s");
	printf("runner: %zu passed, %zu failed, %zu skipped", rp->passed,
	       rp->failed, rp->skipped);
	if (rp->errors)
		printf(", %zu error%s", rp->errors, rp->errors == 1 ? "" : "s");
	if (rp->deselected)
		printf(", %zu deselected", rp->deselected);
	printf("\n");
	fflush(stdout);
}
