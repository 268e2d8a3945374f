/* balance_report.h - refbalance's report: the balance tree (`name: bal=N` lines in text)
 * and, in JSON only, the object and its events (doc/json.md). refbalance --html embeds
 * the JSON form in its page. */
#ifndef REFSHIM_BALANCE_REPORT_H
#define REFSHIM_BALANCE_REPORT_H

#include <stdbool.h>

#include "balance_tree.h"
#include "object_events.h"
#include "output.h"

/* HISTORY may be NULL (no `object` and `events`: the text does not show them). */
void balance_report_write(struct output *output, const struct balance_tree *tree,
                          const struct object_events *history, bool ignore_balanced);

#endif
