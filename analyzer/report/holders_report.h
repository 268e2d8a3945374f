/* holders_report.h - why each leaked object is still alive, as the holder scan says:
 * `refleaks --holders`, `--at-mark`, `--between`, and the summary after plain refleaks. */
#ifndef REFSHIM_HOLDERS_REPORT_H
#define REFSHIM_HOLDERS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "holder_table.h"
#include "output.h"

/* The list `objects`: `ADDRESS (SERIAL) @ CLASS: REASON` per entry; under a lost object,
 * the call sites whose AddRefs its Releases never matched, `    +N at FRAME` (`sites`).
 * Returns COUNT. */
size_t holders_report_write(struct output *output, const struct holder_entry *entries,
                            size_t count);
/* The text of holders_report_write on OUT. */
size_t holders_report_print(FILE *out, const struct holder_entry *entries, size_t count);
/* What matters first: the lost objects and the cycles in full, then a count of those held
 * by leaked objects, one line per global (`N held by global NAME`, most first), and
 * counts of those held from stacks and from other heap memory (doc/json.md's keys
 * `objects`, `held_by_leaked`, `globals`, `stack`, `heap`, `not_scanned`). Returns COUNT. */
size_t holders_report_write_brief(struct output *output, const struct holder_entry *entries,
                                  size_t count);
/* One line: how many entries are lost, in cycles, held by leaked objects, by globals,
 * from stacks, from other heap memory, and not named by the scan. */
void holders_report_summary(FILE *out, const struct holder_entry *entries, size_t count);

#endif
