/* REFLOG_REF=function:N: a function that changes its first argument's count by its N-th
 * argument, +1, -1 or any delta (0 only asks). The shim keeps the count, as for REFLOG_NEW
 * and REFLOG_RELEASE, and logs a change of N as N events of one. The change is recorded
 * before the call: a -1 may free the object, and may change the count again from inside
 * (a weak proxy dropping its own reference), which must come after it in the log. The
 * class is the function's name up to its last "_" (widget_ref: widget), as for the other
 * named functions, so that REFLOG_NEW=widget_new gives the same one. */
#include "families.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

static uint64_t on_delta_call(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    int32_t delta = (int32_t)saved_arg(regs, hook->change_argument - 1u);
    if (object != NULL && delta != 0 && hook_enter_call(hook, regs)) {
        enum ref_op op = delta > 0 ? OP_ADD : OP_RELEASE;
        for (int64_t n = delta > 0 ? delta : -(int64_t)delta; n > 0; n--)
            recorder_kept(hook->class_name, &hook->class_cache, op, object);
        shim_leave();
    }
    return hook_call_original(hook, regs);
}

/* The class NAME implies: up to its last "::" (C++) or "_". */
static char *class_of(const char *name)
{
    const char *sep = NULL;
    for (const char *p = strstr(name, "::"); p != NULL; p = strstr(p + 2, "::"))
        sep = p;
    if (sep == NULL)
        sep = strrchr(name, '_');
    while (sep != NULL && sep > name && sep[-1] == '_')
        sep--;                                  /* __ao2_ref: "__ao2", not "__ao2_" */
    if (sep == NULL || sep == name)
        return strdup(name);
    return strndup(name, (size_t)(sep - name));
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    for (size_t i = 0; i < config->delta_fns.count; i++) {
        const char *entry = config->delta_fns.names[i];
        int argument = config_delta_argument(entry);
        size_t pattern_length = (size_t)(strrchr(entry, ':') - entry);
        char pattern[256];
        if (argument == 0 || pattern_length >= sizeof pattern)
            continue;
        memcpy(pattern, entry, pattern_length);
        pattern[pattern_length] = '\0';
        if (fnmatch(pattern, site->symbol, 0) != 0)
            continue;
        char *class_name = class_of(site->symbol);
        struct hook_site hooked = *site;
        hooked.change_argument = (uint8_t)argument;
        if (class_name != NULL && recorder_class_wanted(class_name))
            hook_install(&hooked, on_delta_call, class_name, 0);
        free(class_name);
        return true;
    }
    return false;
}

static bool idle(const struct config *config)
{
    return config->delta_fns.count == 0;
}

/* Users' patterns: never offered the shim's own code or the libraries it runs on. */
const struct hook_family delta_functions_family = {
    .name = "REFLOG_REF functions",
    .skips_shim_needs = true,
    .offer = offer,
    .idle = idle,
};
