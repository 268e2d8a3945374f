/* Capturing the stack of a hooked call or of an instrumentation API call. */
#ifndef REFSHIM_STACK_CAPTURE_H
#define REFSHIM_STACK_CAPTURE_H

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <stdint.h>

#include "config.h"
#include "stack_cache.h"
#include "unwind_signals.h"

/* Finds the shim's own code, whose frames are left out of every stack. */
void stack_capture_init(void);

/* The shim's code, [start, end): set by stack_capture_init. */
extern uintptr_t shim_text_start, shim_text_end;

#define SHIM_FRAMES_MAX 12      /* at most this many of our own frames are above the caller */

/* Fills IPS with up to MAX return addresses, innermost first, leaving out the shim's own
 * frames: the first is the caller of the hooked function, or the function that called the
 * instrumentation API. Returns the number of frames. Always inlined into the recorder:
 * every frame of the shim's own is one more frame to unwind for every event. A hooked
 * call whose stack this thread walked before, unchanged, is not unwound again
 * (stack_cache.c). */
__attribute__((always_inline)) static inline int capture_stack(uintptr_t *ips, int max)
{
    uintptr_t caller_sp = stack_cache_caller();
    if (caller_sp != 0) {
        int known = stack_cache_find(caller_sp, ips, max);
        if (known >= 0)
            return known;
    }
    void *raw[CONFIG_MAX_DEPTH + SHIM_FRAMES_MAX];
    int want = max + SHIM_FRAMES_MAX;
    if (want > (int)(sizeof raw / sizeof raw[0]))
        want = (int)(sizeof raw / sizeof raw[0]);
    unsigned outer = unwind_signals_hold();
    int n = unw_backtrace(raw, want);
    int count = 0;
    for (int i = 0; i < n && count < max; i++) {
        uintptr_t ip = (uintptr_t)raw[i];
        if (ip < shim_text_start || ip >= shim_text_end)
            ips[count++] = ip;
    }
    if (caller_sp != 0)
        stack_cache_learn(caller_sp, ips, count, max);
    unwind_signals_release(outer);
    return count;
}

#endif
