/* bloat_report.h - refleaks --bloat: BloatView's table per class, then the leaked
 * objects' serial numbers with their allocation stacks. */
#ifndef REFSHIM_BLOAT_REPORT_H
#define REFSHIM_BLOAT_REPORT_H

#include <stdio.h>

#include "leak_table.h"

/* Prints the report; returns the number of leaked objects. */
size_t bloat_report_print(const struct leak_table *table, FILE *out);

#endif
