/* Stack capture with libunwind's fast unw_backtrace. The captured stack starts inside the
 * shim; the frames up to and including refshim_dispatch are cut off, so that the first
 * frame kept is the return address into the function that called AddRef/Release. */
#define UNW_LOCAL_ONLY
#include "stack_capture.h"

#include <libunwind.h>

#include "arch.h"
#include "config.h"

#define SHIM_FRAMES_MAX 8       /* our own frames above the dispatch frame */

int capture_stack(uintptr_t *ips, int max)
{
    void *raw[CONFIG_MAX_DEPTH + SHIM_FRAMES_MAX];
    int want = max + SHIM_FRAMES_MAX;
    if (want > (int)(sizeof raw / sizeof raw[0]))
        want = (int)(sizeof raw / sizeof raw[0]);
    int n = unw_backtrace(raw, want);
    int first = -1;
    for (int i = 0; i < n && i < SHIM_FRAMES_MAX; i++) {
        const char *ip = raw[i];
        if (ip > refshim_dispatch && ip <= refshim_dispatch_end) {
            first = i + 1;
            break;
        }
    }
    if (first < 0)
        return 0;
    int count = 0;
    for (int i = first; i < n && count < max; i++)
        ips[count++] = (uintptr_t)raw[i];
    return count;
}
