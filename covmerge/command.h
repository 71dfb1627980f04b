/* The covmerge command once its options are parsed: merge, write the
 * requested reports, print the summary. */
#ifndef CM_COMMAND_H
#define CM_COMMAND_H

#include <stddef.h>

#include "covmerge.h"

enum cm_exit {
	CM_EXIT_OK = 0,
	CM_EXIT_ERROR = 1,        /* bad input, no data, unwritable output */
	CM_EXIT_UNDER = 2,        /* coverage under a --fail-under threshold */
};

enum cm_report_kind {
	CM_REPORT_LCOV,
};

struct cm_report_req {
	enum cm_report_kind kind;
	const char *path;
};

struct cm_command {
	struct cm_options merge;
	struct cm_report_req *reports;
	size_t nreports;
	int quiet;
};

/* Runs the command; messages go to stderr prefixed "covmerge: ". */
enum cm_exit covmerge_command(struct cm_command *cmd);
/* The emit callback that prints to stderr. */
void covmerge_print_message(void *ctx, enum cm_severity sev, const char *msg);

#endif
