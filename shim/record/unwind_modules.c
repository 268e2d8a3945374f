/* unwind_modules.c - libunwind's search for a frame's module, the last module found first.
 *
 * For every frame it has not met, libunwind asks dl_iterate_phdr for the module that holds
 * it, and its callback looks at each loaded module in turn until one does: some 1,700
 * instructions a frame among the 60 modules of a GStreamer program, a sixth of what
 * unwinding costs at a program's start, where nearly every frame is new. Consecutive new
 * frames are mostly in the same module. So libunwind's own dl_iterate_phdr import is
 * redirected here, and the module that answered last is offered first.
 *
 * The copy of that module's dl_phdr_info is only offered from inside the real
 * dl_iterate_phdr, while it holds the loader's lock, and only if the loader's counts of
 * loads and unloads are those of the moment it was taken: a module cannot be unloaded
 * while it is in use, and a stale copy is never offered. The lock is one for all threads,
 * so it also guards the copy. stack_capture_init points libunwind's import here. */
#include "unwind_modules.h"

#include <stdint.h>

typedef int (*phdr_callback)(struct dl_phdr_info *, size_t, void *);

/* Under the loader's lock. */
static struct dl_phdr_info last_found;
static unsigned long long last_adds, last_subs;
static bool have_last;

struct last_first_walk {
    phdr_callback callback;
    void *data;
    bool started;           /* the last module was offered (or there was none to offer) */
    bool offered_last;
};

static bool same_module(const struct dl_phdr_info *a, const struct dl_phdr_info *b)
{
    return a->dlpi_addr == b->dlpi_addr && a->dlpi_phdr == b->dlpi_phdr;
}

static int remember_if_found(int result, const struct dl_phdr_info *info, size_t size)
{
    if (result != 0 && size >= sizeof *info) {
        last_found = *info;
        last_adds = info->dlpi_adds;
        last_subs = info->dlpi_subs;
        have_last = true;
    }
    return result;
}

static int offer_in_turn(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct last_first_walk *walk = arg;
    if (!walk->started) {
        walk->started = true;
        /* Every module's info carries the loader's counts: the first says whether the
         * copy still stands for a loaded module. */
        if (have_last && size >= sizeof *info && info->dlpi_adds == last_adds &&
            info->dlpi_subs == last_subs) {
            walk->offered_last = true;
            int result = walk->callback(&last_found, sizeof last_found, walk->data);
            if (result != 0)
                return result;
        }
    }
    if (walk->offered_last && same_module(info, &last_found))
        return 0;           /* offered already, and it said no */
    return remember_if_found(walk->callback(info, size, walk->data), info, size);
}

int last_first_dl_iterate_phdr(phdr_callback callback, void *data)
{
    struct last_first_walk walk = {callback, data, false, false};
    return dl_iterate_phdr(offer_in_turn, &walk);
}
