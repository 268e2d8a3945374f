/* Hooks for functions named at run time: REFLOG_NEW, REFLOG_ADDREF, REFLOG_RELEASE. */
#ifndef REFSHIM_NAMED_FUNCTIONS_H
#define REFSHIM_NAMED_FUNCTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hooks.h"

/* Hooks the function NAME at ADDRESS if one of the REFLOG_NEW/ADDREF/RELEASE patterns
 * matches it. Returns true when it did. */
bool named_functions_consider(const struct config *config, const struct hook_site *site);

/* Says once per variable, on stderr, when its patterns have hooked so many functions
 * that they cannot all be reference counting. */
void named_functions_warn_wide_patterns(void);

#endif
