/* Noticing dlopen and dlclose. */
#ifndef REFSHIM_LOADER_WATCH_H
#define REFSHIM_LOADER_WATCH_H

#include <stdbool.h>

#include "config.h"

/* Hooks the dynamic linker's debugger breakpoint so that every module loaded later is
 * scanned, and every module unloaded is forgotten. */
bool loader_watch_start(const struct config *config);

#endif
