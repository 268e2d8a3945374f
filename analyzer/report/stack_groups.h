/* stack_groups.h - refleaks --by-stack: the leaked objects grouped by the stack of their
 * first event (their allocation), largest group first; with --json, `groups`. */
#ifndef REFSHIM_STACK_GROUPS_H
#define REFSHIM_STACK_GROUPS_H

#include <stdio.h>

#include "leak_table.h"
#include "output.h"

/* Writes the list `groups` into the current (log) object; returns the leaked count. */
size_t stack_groups_write(struct output *output, const struct leak_table *table);
/* The text report on OUT. */
size_t stack_groups_print(const struct leak_table *table, FILE *out);

#endif
