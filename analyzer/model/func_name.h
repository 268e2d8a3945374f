/* func_name.h - turns a demangled function name into the key of a balance-tree node.
 *
 * The key is the name without its parameter list and trailing qualifiers, so that
 * `NS_NewFoo(nsFoo**)`, a user's `NS_NewFoo` in an exclude file and the same function
 * seen from two call sites all meet in one node. */
#ifndef REFSHIM_FUNC_NAME_H
#define REFSHIM_FUNC_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the key: the key is always a prefix of NAME (`foo::bar(int) const` -> 8). */
size_t func_name_key_length(const char *name);
/* The key as a new string; the caller frees it. */
char *func_name_key_dup(const char *name);
/* True if the key of NAME equals KEY (KEY_LENGTH bytes, not necessarily terminated). */
bool func_name_key_equals(const char *name, const char *key, size_t key_length);

#endif
