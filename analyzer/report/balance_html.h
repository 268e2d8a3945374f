/* balance_html.h - refbalance --html: one self-contained page (no network, no external
 * library) that shows the balance tree with collapsible nodes coloured by balance, the
 * non-zero paths open, a search box, and the object's events with file:line beside it. */
#ifndef REFSHIM_BALANCE_HTML_H
#define REFSHIM_BALANCE_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "balance_tree.h"
#include "object_events.h"

/* LOG_NAME is shown in the page's heading. */
void balance_html_write(FILE *out, const struct balance_tree *tree,
                        const struct object_events *history, bool ignore_balanced,
                        const char *log_name);

#endif
