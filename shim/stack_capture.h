/* Capturing the stack of a hooked call. */
#ifndef REFSHIM_STACK_CAPTURE_H
#define REFSHIM_STACK_CAPTURE_H

#include <stdint.h>

/* Fills IPS with up to MAX return addresses of the hooked call's caller and its callers,
 * innermost first, leaving out the shim's frames and the hooked function's. Must be called
 * from within refshim_on_call. Returns the number of frames. */
int capture_stack(uintptr_t *ips, int max);

#endif
