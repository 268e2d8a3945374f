/* bloat_report.h - refleaks --bloat: BloatView's table per class, then the serial
 * numbers of the leaked objects with their allocation stacks; with --json, `classes`
 * and `leaked` of doc/json.md. */
#ifndef REFSHIM_BLOAT_REPORT_H
#define REFSHIM_BLOAT_REPORT_H

#include <stdio.h>

#include "leak_table.h"
#include "output.h"

/* Writes the report's members into the current (log) object; returns the leaked count. */
size_t bloat_report_write(struct output *output, const struct leak_table *table);
/* The text report on OUT. */
size_t bloat_report_print(const struct leak_table *table, FILE *out);

#endif
