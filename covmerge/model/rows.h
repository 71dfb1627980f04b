/* The report's files in display order with their numbers, and the names
 * reports show for them; every report writer and the filter use these. */
#ifndef CM_ROWS_H
#define CM_ROWS_H

#include <stddef.h>

#include "covmerge.h"

/* path relative to root when it lies inside it, else path itself (a
 * pointer into path). */
const char *cm_display_name(const char *path, const char *root);

/* The report's files in display order (fmt's sort key, natural name
 * order by default) with their numbers. Freed with rows_release. */
struct row {
	const struct cm_file *file;
	const char *name;
	struct cm_numbers num;
	double cover;
};

struct rows {
	struct row *v;
	size_t n;
	struct cm_numbers total;
};

void rows_build(struct rows *rows, const struct cm_report *r,
		const struct cm_format *fmt);
void rows_release(struct rows *rows);

#endif
