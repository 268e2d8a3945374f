/* The registry of hooked functions and the path every hooked call takes. */
#ifndef REFSHIM_HOOKS_H
#define REFSHIM_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "config.h"
#include "depot.h"
#include "recorder.h"

struct hook;

/* Runs instead of the hooked function: calls hook_call_original and records what the
 * call did, but only inside shim_enter(): the shim's own code may be what called. */
typedef uint64_t (*hook_handler)(struct hook *hook, struct saved_regs *regs);
/* Runs before the handler, for calls it can tell will not be recorded: returns
 * hook->original to let the call through untouched (and cheaply: the vector registers are
 * not saved), or NULL to run the handler. An arch_call_filter: ARCH_NO_VECTOR_REGS (arch.h). */
typedef void *(*hook_filter)(struct hook *hook, const struct saved_regs *regs);

struct hook {
    hook_handler handler;       /* first: refshim_dispatch calls it through the context */
    hook_filter filter;         /* second (arch.h); NULL if none */
    uintptr_t target;           /* the hooked function */
    void *original;             /* a trampoline that behaves like the unhooked function */
    bool lean;                  /* at most six integer arguments: the lean dispatch path */
    const char *class_name;     /* for hooks whose class comes from the symbol */
    struct class_cache class_cache;
    struct instrumented_cache instrumented;     /* C++ methods: is the class in the API? */
    /* The change the hooked function makes to a count, for a handler shared by functions
     * that make different ones (named functions, C++ AddRef and Release); 0 if none. */
    enum ref_op op;
    uint8_t change_argument;    /* from the hook_site: REFLOG_REF functions only */
};

/* What to hook: the function at ADDRESS, SIZE bytes long (0 if unknown), whose symbol is
 * SYMBOL (as in the symbol table) and whose name for people is NAME. */
struct hook_site {
    uintptr_t address;
    size_t size;
    const char *symbol;
    const char *name;
    const char *module;
    bool lean;          /* known to take at most six integer arguments and no vector ones */
    uint8_t change_argument;    /* REFLOG_REF: the argument (from 1) that gives the change */
};

/* Hooks SITE, patching its entry or, where that is impossible, redirecting the pointers
 * to it. Returns false, after saying why on stderr, if it cannot be hooked at all.
 * CLASS_NAME is copied. */
bool hook_install(const struct hook_site *site, hook_handler handler, const char *class_name,
                  enum ref_op op);
bool hook_exists(uintptr_t target);
/* Hooks installed with HANDLER from now on run FILTER first. */
void hook_filter_register(hook_handler handler, hook_filter filter);
/* Forgets the hooks of a module that was unloaded. */
void hooks_forget_range(uintptr_t start, uintptr_t end);

static inline uint64_t hook_call_original(struct hook *hook, struct saved_regs *regs)
{
    return hook->lean ? refshim_invoke_lean(hook->original, regs)
                      : refshim_invoke(hook->original, regs);
}

/* Marks the shim's own work on this thread, during which hooked calls are not recorded:
 * its code may reach hooked functions, and a signal handler may interrupt it. */
bool shim_enter(void);
void shim_leave(void);
/* shim_enter() for a hook's handler: also makes HOOK's function the one being recorded,
 * for formats that show it (Mozilla's frame #01). shim_leave() ends it. */
bool hook_enter(const struct hook *hook);
/* hook_enter() for the handler of the call REGS describes: its stack may then be taken
 * from the thread's remembered stacks (stack_cache.h) instead of being unwound. */
bool hook_enter_call(const struct hook *hook, const struct saved_regs *regs);
/* The hooked function whose call is being recorded on this thread, or 0. */
uintptr_t hook_current_function(void);

/* After new modules are loaded: they may hold pointers to functions hooked by
 * redirection (see hook_install), which are redirected too. */
void hooks_redirect_in_new_modules(void);

#endif
