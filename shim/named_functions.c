/* Reference counting done by plain functions, named by the user: widget_new returns a new
 * object, widget_retain and widget_release take it as their first argument. Their return
 * values say nothing reliable about the count, so the shim keeps the count itself. The
 * class is the function's name up to its last "_" (widget_retain: widget), or up to its
 * last "::" for C++ (Widget::retain(): Widget). */
#include "named_functions.h"

#include <stdlib.h>
#include <string.h>

#include "demangle.h"
#include "hooks.h"
#include "recorder.h"

static uint64_t on_named_call(struct hook *hook, struct saved_regs *regs)
{
    enum ref_op op = (enum ref_op)hook->kind;
    void *object = saved_first_arg(regs);
    if (op == OP_RELEASE) {
        /* Recorded first: the release may free the object, and allocations in its
         * destructor may reuse the address before we would see the call return. */
        if (object != NULL && hook_enter(hook)) {
            recorder_kept(hook->class_name, &hook->class_cache, op, object);
            shim_leave();
        }
        return hook_call_original(hook, regs);
    }
    uint64_t result = hook_call_original(hook, regs);
    if (op == OP_CREATE)
        object = (void *)(uintptr_t)result;
    if (object != NULL && hook_enter(hook)) {
        recorder_kept(hook->class_name, &hook->class_cache, op, object);
        shim_leave();
    }
    return result;
}

/* The class a function's name implies; PRETTY has no parameter list. */
static char *class_of_function(const char *pretty)
{
    const char *sep = NULL;
    for (const char *p = strstr(pretty, "::"); p != NULL; p = strstr(p + 2, "::"))
        sep = p;
    if (sep == NULL)
        sep = strrchr(pretty, '_');
    if (sep == NULL || sep == pretty)
        return strdup(pretty);
    return strndup(pretty, (size_t)(sep - pretty));
}

bool named_functions_consider(const struct config *config, const struct hook_site *site)
{
    const char *name = site->symbol;
    static const struct {
        size_t list;
        enum ref_op op;
    } kinds[] = {
        {offsetof(struct config, new_fns), OP_CREATE},
        {offsetof(struct config, addref_fns), OP_ADD},
        {offsetof(struct config, release_fns), OP_RELEASE},
    };
    char *pretty = NULL;
    bool hooked = false;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !hooked; i++) {
        const struct name_list *patterns =
            (const struct name_list *)((const char *)config + kinds[i].list);
        if (patterns->count == 0)
            continue;
        bool match = name_list_glob_any(patterns, name);
        if (!match && name_list_wants_demangled(patterns)) {
            if (pretty == NULL)
                pretty = demangle(name);
            if (pretty != NULL) {
                match = name_list_glob_any(patterns, pretty);
                char *paren = strchr(pretty, '(');
                if (!match && paren != NULL) {
                    *paren = '\0';
                    match = name_list_glob_any(patterns, pretty);
                    *paren = '(';
                }
            }
        }
        if (!match)
            continue;
        const char *shown = pretty ? pretty : name;
        char *plain = strndup(shown, strcspn(shown, "("));
        char *class_name = plain ? class_of_function(plain) : NULL;
        if (class_name != NULL && recorder_class_wanted(class_name)) {
            struct hook_site named = *site;
            named.name = shown;
            hook_install(&named, on_named_call, class_name, (int)kinds[i].op);
        }
        hooked = true;
        free(class_name);
        free(plain);
    }
    free(pretty);
    return hooked;
}
