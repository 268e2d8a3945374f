/* Capturing the stack of a hooked call or of an instrumentation API call. */
#ifndef REFSHIM_STACK_CAPTURE_H
#define REFSHIM_STACK_CAPTURE_H

#include <stdint.h>

/* Finds the shim's own code, whose frames are left out of every stack. */
void stack_capture_init(void);
/* Fills IPS with up to MAX return addresses, innermost first, leaving out the shim's own
 * frames: the first is the caller of the hooked function, or the function that called the
 * instrumentation API. Returns the number of frames. */
int capture_stack(uintptr_t *ips, int max);

#endif
