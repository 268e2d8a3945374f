/* C++ AddRef()/Release() methods, found by name in every module. They return the new
 * count, and the method's class is the object's class. Thunks (_ZThn..., _ZTv...) are not
 * hooked: they adjust `this` and jump into the method, whose entry is hooked. */
#include "families.h"

#include <stdlib.h>
#include <string.h>

#include "deferred_events.h"
#include "demangle.h"
#include "hooks.h"
#include "recorder.h"

static enum ref_change change_of(const struct hook *hook)
{
    return hook->op == OP_ADD ? REF_ADD : REF_RELEASE;
}

static void defer_counted(struct hook *hook, struct saved_regs *regs, uint64_t result)
{
    struct deferred_event event = {.class_name = hook->class_name,
                                   .cache = &hook->class_cache, .counted = true,
                                   .change = change_of(hook), .object = saved_first_arg(regs),
                                   .count = (uint32_t)result};
    deferred_events_offer(&event);
}

/* Once Release returns, the caller's reference is gone: another thread may destroy the
 * object and a new one take its address before the change is recorded, so the object
 * is pinned before the call (recorder.h). Both handlers mark the object before the call
 * (flights.h) and take the mark off once the event is in or queued. */
static uint64_t on_release_call(struct hook *hook, struct saved_regs *regs)
{
    struct recorder_pin pin = {NULL, 0};
    if (hook_enter_call(hook, regs)) {
        if (!recorder_class_instrumented(hook->class_name, &hook->instrumented))
            pin = recorder_pin_object(saved_first_arg(regs));
        shim_leave();
    }
    flight_token flight = flights_depart(saved_first_arg(regs));
    uint64_t result = hook_call_original(hook, regs);
    if (hook_enter_call(hook, regs)) {
        /* Tail calls (recorder.h): the stack is captured without this frame. */
        if (pin.object != NULL)
            return recorder_pinned_release_then_leave(pin, hook->class_name,
                                                      &hook->class_cache, result, flight);
        if (!recorder_class_instrumented(hook->class_name, &hook->instrumented))
            return recorder_counted_then_leave(hook->class_name, &hook->class_cache,
                                               REF_RELEASE, saved_first_arg(regs), result,
                                               flight);
        shim_leave();
    } else if (!recorder_class_instrumented(hook->class_name, &hook->instrumented)) {
        defer_counted(hook, regs, result);
    }
    flights_land(flight);
    return result;
}

static uint64_t on_method_call(struct hook *hook, struct saved_regs *regs)
{
    if (hook->op == OP_RELEASE)
        return on_release_call(hook, regs);
    flight_token flight = flights_depart(saved_first_arg(regs));
    uint64_t result = hook_call_original(hook, regs);
    if (hook_enter_call(hook, regs)) {
        if (!recorder_class_instrumented(hook->class_name, &hook->instrumented))
            return recorder_counted_then_leave(hook->class_name, &hook->class_cache, REF_ADD,
                                               saved_first_arg(regs), result, flight);
        shim_leave();
    } else if (!recorder_class_instrumented(hook->class_name, &hook->instrumented)) {
        defer_counted(hook, regs, result);
    }
    flights_land(flight);
    return result;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* "nsFoo::AddRef()" -> class "nsFoo", REF_ADD. Returns the class length, 0 if no match. */
static size_t parse_method(const char *pretty, enum ref_change *change)
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
        if (ends_with(pretty, len, methods[i].suffix)) {
            *change = methods[i].change;
            return len - strlen(methods[i].suffix);
        }
    }
    return 0;
}

/* Cheap test on the mangled name before demangling: _ZN...6AddRefEv or _ZN...7ReleaseEv. */
static bool may_be_refcount_method(const char *name)
{
    if (name[0] != '_' || name[1] != 'Z' || name[2] != 'N')
        return false;           /* most names: no strlen */
    size_t len = strlen(name);
    return ends_with(name, len, "6AddRefEv") || ends_with(name, len, "7ReleaseEv");
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    if (!may_be_refcount_method(site->symbol))
        return false;
    char *pretty = demangle(site->symbol);
    if (pretty == NULL)
        return false;
    enum ref_change change;
    size_t class_len = parse_method(pretty, &change);
    char *class_name = class_len > 0 ? strndup(pretty, class_len) : NULL;
    if (class_name != NULL && name_list_matches(&config->classes, class_name)) {
        struct hook_site named = *site;
        named.name = pretty;
        named.lean = true;              /* AddRef() and Release() take only `this` */
        hook_install(&named, on_method_call, class_name, change == REF_ADD ? OP_ADD : OP_RELEASE);
    }
    free(class_name);
    free(pretty);
    return class_len > 0;
}

const struct hook_family cxx_methods_family = {
    .name = "C++ AddRef() and Release() methods",
    .offer = offer,
    .first_bytes = "_",             /* _ZN...6AddRefEv */
};
