/* The hook registry: which functions are patched, and for each the handler that
 * refshim_dispatch calls in its place. The families of hooks (families.c) decide what to
 * hook; the registry knows none of them. */
#include "hooks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "deferred_events.h"
#include "got_redirect.h"
#include "report.h"
#include "stack_cache.h"

struct hook_entry {
    struct hook hook;           /* first: refshim_dispatch hands us &hook */
    uintptr_t stub;             /* where pointers were redirected, for unpatchable entries */
    char *symbol;
    UT_hash_handle hh;
};

static struct hook_entry *hooks;        /* by target: a function is hooked once */
static __thread bool in_shim;
static __thread uintptr_t current_function;

bool shim_enter(void)
{
    if (in_shim)
        return false;
    in_shim = true;
    current_function = 0;
    stack_cache_set_caller(0);
    return true;
}

bool hook_enter(const struct hook *hook)
{
    if (!shim_enter())
        return false;
    current_function = hook->target;
    return true;
}

bool hook_enter_call(const struct hook *hook, const struct saved_regs *regs)
{
    if (!hook_enter(hook))
        return false;
    stack_cache_set_caller(regs->stack_args);
    return true;
}

/* Events queued by signal handlers while the shim was busy are recorded before it lets
 * go; one queued between the last look and the release is caught by the look after. */
void shim_leave(void)
{
    for (;;) {
        deferred_events_record();
        in_shim = false;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (!deferred_events_waiting() || !shim_enter())
            return;
    }
}

uintptr_t hook_current_function(void)
{
    return current_function;
}

static struct hook_entry *find_hook(uintptr_t target)
{
    struct hook_entry *e;
    HASH_FIND(hh, hooks, &target, sizeof target, e);
    return e;
}

static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;      /* the registry */

/* Which addresses may have a hook: one bit per hash of the address, set under the lock
 * before the hook is listed and never cleared. Nearly all of the functions the families
 * are offered (9,000 at a GStreamer program's start) have none, and are told so without
 * the lock and the hash lookup, a tenth of the families' scan. A bit read a moment before
 * another thread sets it says no hook: install_locked looks again under the lock. */
#define MAYBE_HOOKED_BITS 4096
static uint64_t maybe_hooked[MAYBE_HOOKED_BITS / 64];

static size_t maybe_hooked_bit(uintptr_t target)
{
    return (size_t)(((uint64_t)target * 0x9e3779b97f4a7c15ull) >> (64 - 12));
}

bool hook_exists(uintptr_t target)
{
    size_t bit = maybe_hooked_bit(target);
    if (!(__atomic_load_n(&maybe_hooked[bit / 64], __ATOMIC_ACQUIRE) & (1ull << (bit % 64))))
        return false;
    pthread_mutex_lock(&hooks_lock);
    bool exists = find_hook(target) != NULL;
    pthread_mutex_unlock(&hooks_lock);
    return exists;
}

/* Where the entry cannot be patched, the pointers to the function are redirected to a
 * stub instead, and the hook calls the function itself as its original. */
static bool redirect_pointers(struct hook_entry *e, const struct hook_site *site, const char *why)
{
    void *stub = arch_make_stub(&e->hook, e->hook.lean);
    if (stub == NULL || (e->symbol = strdup(site->symbol)) == NULL)
        return false;
    e->stub = (uintptr_t)stub;
    e->hook.original = (void *)site->address;
    got_redirect(site->address, e->symbol, e->stub);
    report("cannot patch the entry of %s (%s); tracing its calls through the GOT, the PLT "
           "and vtables instead: calls from inside %s are not seen", site->name, why,
           site->module);
    return true;
}

static bool install_locked(const struct hook_site *site, hook_handler handler,
                           const char *class_name, enum ref_op op);

/* Filters by handler: families install some hooks through code that knows only the
 * handler (deferred_hooks.c). A few families have one. */
#define FILTERS_MAX 8
struct filter_entry {
    hook_handler handler;
    hook_filter filter;
};
static struct filter_entry filters[FILTERS_MAX];
static unsigned filter_count;

void hook_filter_register(hook_handler handler, hook_filter filter)
{
    pthread_mutex_lock(&hooks_lock);
    if (filter_count < FILTERS_MAX)
        filters[filter_count++] = (struct filter_entry){handler, filter};
    else
        report("too many hook filters; some filtered calls cost more");
    pthread_mutex_unlock(&hooks_lock);
}

static hook_filter filter_of(hook_handler handler)
{
    for (unsigned i = 0; i < filter_count; i++)
        if (filters[i].handler == handler)
            return filters[i].filter;
    return NULL;
}

/* Hooks are installed while scanning new modules, and later from a handler (GObject's
 * deferred hooks), possibly on several threads: the registry takes a lock. */
bool hook_install(const struct hook_site *site, hook_handler handler, const char *class_name,
                  enum ref_op op)
{
    pthread_mutex_lock(&hooks_lock);
    bool ok = install_locked(site, handler, class_name, op);
    pthread_mutex_unlock(&hooks_lock);
    return ok;
}

static bool install_locked(const struct hook_site *site, hook_handler handler,
                           const char *class_name, enum ref_op op)
{
    if (find_hook(site->address) != NULL)
        return true;
    struct hook_entry *e = calloc(1, sizeof *e);
    char *class_copy = class_name ? strdup(class_name) : NULL;
    if (e == NULL || (class_name && class_copy == NULL)) {
        free(e);
        free(class_copy);
        report("out of memory; %s is not traced", site->name);
        return false;
    }
    e->hook.target = site->address;
    e->hook.handler = handler;
    e->hook.filter = filter_of(handler);
    e->hook.class_name = class_copy;
    e->hook.op = op;
    e->hook.lean = site->lean;
    e->hook.change_argument = site->change_argument;
    char why[160];
    if (!arch_patch_entry((void *)site->address, site->size, &e->hook, site->lean,
                          &e->hook.original, why, sizeof why) &&
        !redirect_pointers(e, site, why)) {
        report("cannot hook %s: %s; its calls are not traced", site->name, why);
        free(class_copy);
        free(e);
        return false;
    }
    size_t bit = maybe_hooked_bit(e->hook.target);
    __atomic_fetch_or(&maybe_hooked[bit / 64], 1ull << (bit % 64), __ATOMIC_RELEASE);
    HASH_ADD(hh, hooks, hook.target, sizeof e->hook.target, e);
    return true;
}

void hooks_forget_range(uintptr_t start, uintptr_t end)
{
    pthread_mutex_lock(&hooks_lock);
    struct hook_entry *e, *tmp;
    HASH_ITER(hh, hooks, e, tmp) {
        if (e->hook.target >= start && e->hook.target < end) {
            HASH_DEL(hooks, e);
            /* The trampoline stays: a thread may still be returning through it. */
            free((char *)e->hook.class_name);
            free(e->symbol);
            free(e);
        }
    }
    pthread_mutex_unlock(&hooks_lock);
}

void hooks_redirect_in_new_modules(void)
{
    pthread_mutex_lock(&hooks_lock);
    for (struct hook_entry *e = hooks; e != NULL; e = e->hh.next)
        if (e->stub != 0)
            got_redirect(e->hook.target, e->symbol, e->stub);
    pthread_mutex_unlock(&hooks_lock);
}
