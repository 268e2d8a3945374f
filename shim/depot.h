/* Interning of modules, frames, stacks and class names: each is written to the log once,
 * as a definition record, and referred to by its number afterwards (doc/log-format.md).
 * Not thread-safe: the recorder calls it under its lock. */
#ifndef REFSHIM_DEPOT_H
#define REFSHIM_DEPOT_H

#include <stdint.h>

#include "textbuf.h"

/* Returns the stack node of the stack IPS (return addresses, innermost first), appending
 * to DEFS the m/f/s records of whatever is new. 0 is the empty stack. */
uint32_t depot_stack(struct textbuf *defs, const uintptr_t *ips, int count);
/* Returns the number of class NAME, appending its c record to DEFS when it is new. */
uint32_t depot_class(struct textbuf *defs, const char *name);
/* Forgets the frames at addresses in [START, END): their module was unloaded, and new
 * code there gets new frame records. */
void depot_forget_frames(uintptr_t start, uintptr_t end);
/* Forgets everything: the next log file (a forked child's) defines all again. */
void depot_reset(void);

#endif
