/* stack_groups.h - refleaks --by-stack: leaked objects grouped by the stack that
 * allocated them, largest group first. */
#ifndef REFSHIM_STACK_GROUPS_H
#define REFSHIM_STACK_GROUPS_H

#include <stdio.h>

#include "leak_table.h"

/* Prints the groups; returns the number of leaked objects. */
size_t stack_groups_print(const struct leak_table *table, FILE *out);

#endif
