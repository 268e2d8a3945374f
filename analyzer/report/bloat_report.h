/* bloat_report.h - refleaks --bloat: BloatView's table per class, then the serial
 * numbers of the leaked objects with their allocation stacks; with --json, `classes`
 * and `leaked` of doc/json.md. */
#ifndef REFSHIM_BLOAT_REPORT_H
#define REFSHIM_BLOAT_REPORT_H

#include <stdio.h>

#include "leak_list.h"
#include "output.h"

/* Writes the report's members into the current (log) object; REASONS as leak_list_write
 * takes them. Returns the leaked count. */
size_t bloat_report_write(struct output *output, const struct leak_table *table,
                          const struct leak_reasons *reasons);
/* The text report on OUT. */
size_t bloat_report_print(const struct leak_table *table, FILE *out);

#endif
