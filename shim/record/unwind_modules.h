/* libunwind's search for the module of a frame, offered the module it found last time
 * first (unwind_modules.c says why). */
#ifndef REFSHIM_UNWIND_MODULES_H
#define REFSHIM_UNWIND_MODULES_H

#include <link.h>
#include <stdbool.h>

/* dl_iterate_phdr(CALLBACK, DATA), but the module for which CALLBACK last returned
 * non-zero is offered first, while the loader's lock is held and no module was loaded
 * or unloaded since; every other module then follows in the loader's order, each once.
 * For callbacks that look for the one module holding something, as libunwind's does. */
int last_first_dl_iterate_phdr(int (*callback)(struct dl_phdr_info *, size_t, void *),
                               void *data);

#endif
