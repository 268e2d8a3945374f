/* Hooks for REFLOG_REF=function:N: functions that change the count of their first
 * argument by their N-th argument (Asterisk's __ao2_ref(obj, delta, ...) is one). */
#ifndef REFSHIM_DELTA_FUNCTIONS_H
#define REFSHIM_DELTA_FUNCTIONS_H

#include <stdbool.h>

#include "config.h"
#include "hooks.h"

/* Hooks SITE if a REFLOG_REF pattern matches its symbol. Returns true when it did. */
bool delta_functions_consider(const struct config *config, const struct hook_site *site);

#endif
