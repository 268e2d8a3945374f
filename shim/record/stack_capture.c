/* Stack capture with libunwind's fast unw_backtrace (capture_stack, in the header). Frames
 * in the shim's own code are left out: the recorder and the API functions at the top, and,
 * further down, the dispatch frames of hooked functions the thread is inside (an
 * instrumented AddRef that is also hooked, a destructor run by a hooked Release). The
 * hooked function itself is never on the stack when its own event is captured:
 * refshim_dispatch runs in its place and calls it only through the trampoline, before or
 * after the capture. A hooked call met again from the same place takes its frames from
 * the thread's remembered stacks instead (stack_cache.c), which keeps the same frames.
 * This file finds where the shim's code is. */
#include "stack_capture.h"

#include <dlfcn.h>
#include <link.h>
#include <sys/mman.h>

#include "got_redirect.h"
#include "unwind_modules.h"

uintptr_t shim_text_start, shim_text_end;

static int find_own_text(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    uintptr_t base = (uintptr_t)arg;
    if (info->dlpi_addr != base)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            shim_text_start = base + ph->p_vaddr;
            shim_text_end = shim_text_start + ph->p_memsz;
        }
    }
    return 1;
}

/* libunwind's mappings of its own, populated as they are made: its per-thread trace cache
 * is a 256 KB mapping it fills whole at each thread's first unwind, 64 page faults one by
 * one (some 50 us a thread at a GStreamer program's start) where the kernel fills the
 * pages in one go for a third of that. Small ones (its memory pools) are left alone. */
static void *populating_mmap(void *address, size_t length, int prot, int flags, int fd,
                             off_t offset)
{
    if (fd == -1 && (flags & MAP_ANONYMOUS) && (flags & MAP_PRIVATE) && (prot & PROT_WRITE) &&
        length >= ((size_t)64 << 10))
        flags |= MAP_POPULATE;
    return mmap(address, length, prot, flags, fd, offset);
}

void stack_capture_init(void)
{
    Dl_info info;
    if (dladdr((void *)stack_capture_init, &info) != 0)
        dl_iterate_phdr(find_own_text, info.dli_fbase);
    unwind_signals_init();
    /* libunwind's search for a frame's module, the last module found first. */
    got_redirect_in((uintptr_t)unw_backtrace, (uintptr_t)dl_iterate_phdr, "dl_iterate_phdr",
                    (uintptr_t)last_first_dl_iterate_phdr);
    got_redirect_in((uintptr_t)unw_backtrace, (uintptr_t)mmap, "mmap", (uintptr_t)populating_mmap);
}
