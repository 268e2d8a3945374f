/* Finding and hooking the reference-counting functions. By default these are C++ methods
 * named AddRef and Release with no parameters, the XPCOM/COM convention: they return the
 * new count, and the method's class is the object's class. Every defined function symbol
 * of every module is looked at, .symtab included, so static and executable-local methods
 * are found too; the entry of each is patched, which also catches calls through vtables
 * and thunks that never pass through the dynamic linker. */
#include "hooks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "arch.h"
#include "demangle.h"
#include "recorder.h"
#include "report.h"
#include "symbolizer.h"

struct hook {
    uintptr_t target;
    void *original;
    enum ref_change change;
    char *class_name;
    UT_hash_handle hh;
};

static struct hook *hooks;      /* by target address: a function is hooked once */
static __thread bool in_shim;   /* the shim's own code reached a hooked function */

uint64_t refshim_on_call(void *context, struct saved_regs *regs)
{
    struct hook *hook = context;
    uint64_t result = refshim_invoke(hook->original, regs);
    if (in_shim)
        return result;
    in_shim = true;
    recorder_change(hook->class_name, hook->change, saved_first_arg(regs), (uint32_t)result);
    in_shim = false;
    return result;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* "nsFoo::AddRef()" -> class "nsFoo", REF_ADD. Returns false for anything else. */
static bool parse_method(const char *pretty, char **class_name, enum ref_change *change)
{
    static const struct {
        const char *suffix;
        enum ref_change change;
    } methods[] = {
        {"::AddRef()", REF_ADD}, {"::AddRef() const", REF_ADD},
        {"::Release()", REF_RELEASE}, {"::Release() const", REF_RELEASE},
    };
    size_t len = strlen(pretty);
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!ends_with(pretty, len, methods[i].suffix))
            continue;
        size_t class_len = len - strlen(methods[i].suffix);
        if (class_len == 0)
            return false;
        *class_name = strndup(pretty, class_len);
        *change = methods[i].change;
        return *class_name != NULL;
    }
    return false;
}

/* Cheap test on the mangled name before demangling: _ZN...6AddRefEv or _ZN...7ReleaseEv.
 * Thunks (_ZThn..., _ZTv...) are left alone: they jump into the method we do hook. */
static bool may_be_refcount_method(const char *name)
{
    size_t len = strlen(name);
    return strncmp(name, "_ZN", 3) == 0 &&
           (ends_with(name, len, "6AddRefEv") || ends_with(name, len, "7ReleaseEv"));
}

static void consider_function(const char *module, const char *name, uintptr_t address,
                              size_t size, void *arg)
{
    const struct config *config = arg;
    if (!may_be_refcount_method(name))
        return;
    struct hook *hook;
    HASH_FIND(hh, hooks, &address, sizeof address, hook);
    if (hook != NULL)
        return;                 /* an alias of a function already hooked */
    char *pretty = demangle(name);
    char *class_name = NULL;
    enum ref_change change;
    bool wanted = pretty != NULL && parse_method(pretty, &class_name, &change) &&
                  class_filter_matches(&config->classes, class_name);
    if (!wanted) {
        free(pretty);
        free(class_name);
        return;
    }
    hook = calloc(1, sizeof *hook);
    if (hook == NULL) {
        report("out of memory; %s is not traced", pretty);
        free(pretty);
        free(class_name);
        return;
    }
    hook->target = address;
    hook->change = change;
    hook->class_name = class_name;
    char why[160];
    if (arch_patch_entry((void *)address, size, hook, &hook->original, why, sizeof why)) {
        HASH_ADD(hh, hooks, target, sizeof hook->target, hook);
    } else {
        report("cannot hook %s in %s: %s; its calls are not traced", pretty, module, why);
        free(hook->class_name);
        free(hook);
    }
    free(pretty);
}

void hooks_scan_new_modules(const struct config *config)
{
    in_shim = true;
    symbolizer_each_new_function(consider_function, (void *)config);
    in_shim = false;
}
