/* Which functions the shim hooks, and what a call to each of them means. */
#ifndef REFSHIM_HOOKS_H
#define REFSHIM_HOOKS_H

#include "config.h"

/* Hooks every matching function of the modules loaded so far that were not scanned
 * before. Called at start-up and after each dlopen. */
void hooks_scan_new_modules(const struct config *config);

#endif
