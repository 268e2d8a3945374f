/* exclude_list.h - the set of functions given with refbalance --exclude.
 *
 * Names are stored as keys (func_name.h), so a user may write `NS_NewFoo` or copy
 * `NS_NewFoo(nsFoo**)` from a log; both match every overload. */
#ifndef REFSHIM_EXCLUDE_LIST_H
#define REFSHIM_EXCLUDE_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct exclude_list;

struct exclude_list *exclude_list_new(void);
void exclude_list_free(struct exclude_list *list);
/* Adds NAME (parameter list allowed). */
void exclude_list_add(struct exclude_list *list, const char *name);
/* Adds one name per line of FILE: blanks around it, `\r`, blank lines and lines that
 * start with `#` are ignored. Returns false if reading failed. */
bool exclude_list_load_stream(struct exclude_list *list, FILE *file);
/* Same for PATH; on failure writes "PATH: strerror" to ERROR. */
bool exclude_list_load_path(struct exclude_list *list, const char *path, char *error,
                            size_t error_size);
/* True if FUNCTION_NAME, once its parameter list is removed, is in the list. */
bool exclude_list_matches(const struct exclude_list *list, const char *function_name);
size_t exclude_list_size(const struct exclude_list *list);

#endif
