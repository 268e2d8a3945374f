/* dlopen and dlclose, seen the way debuggers see them: the dynamic linker calls
 * _dl_debug_state (the address in _r_debug.r_brk) whenever its list of modules changes,
 * with r_state RT_CONSISTENT once a new module is mapped but before its relocations and
 * constructors run. Hooking that function catches every load, RTLD_LOCAL and loads from
 * other libraries included, without interposing dlopen: a wrapper would change dlopen's
 * caller, and with it the $ORIGIN and RUNPATH the library is searched with. */
#include "families.h"

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>

#include "hooks.h"
#include "recorder.h"
#include "report.h"
#include "symbolizer.h"

static const struct config *watch_config;

static void module_gone(uintptr_t start, uintptr_t end)
{
    hooks_forget_range(start, end);
    recorder_forget_code(start, end);
}

static uint64_t on_loader_change(struct hook *hook, struct saved_regs *regs)
{
    uint64_t result = hook_call_original(hook, regs);
    if (_r_debug.r_state == RT_CONSISTENT && shim_enter()) {
        symbolizer_refresh(module_gone);
        shim_leave();
        families_scan_new_modules(watch_config);
    }
    return result;
}

static void start(const struct config *config)
{
    watch_config = config;
    uintptr_t brk = _r_debug.r_brk;
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    size_t size = 0;
    if (brk != 0 && dladdr1((void *)brk, &info, (void **)&sym, RTLD_DL_SYMENT) != 0 && sym != NULL)
        size = sym->st_size;
    struct hook_site site = {.address = brk, .size = size, .symbol = "_dl_debug_state",
                             .name = "the dynamic linker's _dl_debug_state", .module = "ld.so",
                             .lean = true};
    if (brk == 0 || !hook_install(&site, on_loader_change, NULL, 0))
        report("libraries loaded later with dlopen are not traced");
}

const struct hook_family loader_watch_family = {
    .name = "the loader watch",
    .start = start,
};
