/* execve replaces the program without running its exit handlers, so the shim's destructor
 * never cuts the log to its length: the log of a process that executes another program
 * would end in the NUL padding of a crash. Hooking execve (every exec* function of glibc
 * ends there) cuts it first; should the exec fail, the log goes on.
 *
 * posix_spawn, system, popen and vfork run execve in a child that shares the parent's
 * memory (CLONE_VM): there the hook touches nothing (no lock, no thread-local flag, no
 * mapping), or the parent would find its log cut and closed when it resumes. */
#include "families.h"

#include <string.h>

#include "log_writer.h"

static uint64_t on_execve(struct hook *hook, struct saved_regs *regs)
{
    if (!log_belongs_to_caller())
        return hook_call_original(hook, regs);
    bool entered = hook_enter(hook);
    if (entered) {
        log_before_exec();
        shim_leave();
    }
    uint64_t result = hook_call_original(hook, regs);   /* returns only on failure */
    if (entered && hook_enter(hook)) {
        log_after_failed_exec();
        shim_leave();
    }
    return result;
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    (void)config;
    if (strcmp(site->symbol, "execve") != 0 || strstr(site->module, "/libc.so") == NULL)
        return false;
    struct hook_site lean = *site;
    lean.lean = true;                   /* three pointers */
    hook_install(&lean, on_execve, NULL, 0);
    return true;
}

const struct hook_family exec_family = {
    .name = "execve",
    .offer = offer,
    .first_bytes = "e",
};
