/* GStreamer's mini objects are not GObjects: they are created by gst_mini_object_init,
 * counted by gst_mini_object_ref and gst_mini_object_unref, and freed by a function
 * pointer of their own type. Creation and counts are hooked; the end of an object is seen
 * through a weak reference GStreamer calls just before it frees it (the moment its leaks
 * tracer counts as destruction), since unref alone cannot tell: a buffer of a pool is not
 * freed when its count reaches 0, its pool takes a new reference in dispose and keeps it.
 * That pair is recorded as the pool's AddRef (to 2) followed by the release (to 1): the
 * same references with the same stacks, in the one order in which the count never passes
 * through 0, which would mean the object was destroyed.
 * The class is the mini object's GType name.
 *
 * Layout used (stable ABI): GType type; gint refcount; gint lockstate; guint flags. */
#include "families.h"

#include <string.h>

#include "deferred_events.h"
#include "deferred_hooks.h"
#include "gobject_hooks.h"
#include "recorder.h"

struct mini_object_layout {
    uintptr_t type;
    int refcount;
    int lockstate;
    unsigned flags;
};
#define GST_MINI_OBJECT_FLAG_MAY_BE_LEAKED (1u << 2)

typedef void (*weak_notify_fn)(void *data, void *object);
static void (*weak_ref_fn)(void *object, weak_notify_fn notify, void *data);

/* Per thread, for the unref under way: the object whose count it took to 0, until the
 * pool's new reference or the free shows what became of it. */
static __thread void *dropping_last_reference;
static __thread void *freed_during_unref;

static const char *mini_type(void *object, struct class_cache **cache)
{
    const struct mini_object_layout *mini = object;
    return object != NULL ? gobject_wanted_type(mini->type, cache) : NULL;
}

static uint32_t count_of(void *object)
{
    return (uint32_t)__atomic_load_n(&((struct mini_object_layout *)object)->refcount,
                                     __ATOMIC_RELAXED);
}

/* Counts are read next to the atomic change, nanoseconds from it, and given as exact: the
 * recorder then keeps an object's events in the order of its counts, so that a release on
 * one thread is not logged after the free another thread did just after it. */
static void record(const char *name, struct class_cache *cache, enum ref_op op, void *object,
                   uint32_t count)
{
    recorder_event(name, cache, op, object, count, 0, true, FAMILY_MINI_OBJECT);
}

/* An event of a signal handler that interrupted the shim on this thread: queued, with
 * its stack, until the shim is done (deferred_events.c). */
static void defer(const char *name, struct class_cache *cache, enum ref_op op, void *object,
                  uint32_t count)
{
    struct deferred_event event = {
        .class_name = name, .cache = cache, .change = op, .object = object, .count = count,
        .as_event = true, .count_is_exact = true, .family = FAMILY_MINI_OBJECT,
    };
    deferred_events_offer(&event);
}

/* The weak reference: called inside gst_mini_object_unref, just before the free. */
static void on_finalized(void *data, void *object)
{
    (void)data;
    struct class_cache *cache;
    const char *name = mini_type(object, &cache);
    if (name != NULL && shim_enter()) {
        record(name, cache, OP_DESTROY, object, 0);
        shim_leave();
    } else if (name != NULL) {
        defer(name, cache, OP_DESTROY, object, 0);
    }
    freed_during_unref = object;
}

/* ref and unref wait for the first mini object of a logged class. */
static struct deferred_hooks reference_hooks = DEFERRED_HOOKS_INIT;

/* gst_mini_object_init (mini_object, flags, type, copy, dispose, free): the type is known
 * before the call, so a type that is not logged costs no more than the call through. */
static uint64_t on_init(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    struct class_cache *cache;
    if (gobject_wanted_type(saved_arg(regs, 2), &cache) == NULL)
        return hook_call_original(hook, regs);
    uint64_t result = hook_call_original(hook, regs);
    const char *name = mini_type(object, &cache);
    if (name != NULL && hook_enter_call(hook, regs)) {
        deferred_hooks_install(&reference_hooks);
        record(name, cache, OP_CREATE, object, count_of(object));
        if (weak_ref_fn != NULL)
            weak_ref_fn(object, on_finalized, NULL);
        shim_leave();
    }
    return result;
}

static uint64_t on_ref(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    struct class_cache *cache;
    const char *name = mini_type(object, &cache);
    if (name == NULL)
        return hook_call_original(hook, regs);      /* not logged: as cheap as can be */
    flight_token flight = flights_depart(object);   /* recorder.c: lock_in_order */
    uint64_t result = hook_call_original(hook, regs);
    if (hook_enter_call(hook, regs)) {
        uint32_t after = count_of(object);
        if (object == dropping_last_reference && after == 1) {
            /* A pool keeps the object whose unref just took it to 0. */
            record(name, cache, OP_ADD, object, 2);
            record(name, cache, OP_RELEASE, object, 1);
            dropping_last_reference = NULL;
        } else {
            record(name, cache, OP_ADD, object, after);
        }
        shim_leave();
    } else {
        defer(name, cache, OP_ADD, object, count_of(object));
    }
    flights_land(flight);
    return result;
}

static uint64_t on_unref(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    struct class_cache *cache;
    const char *name = mini_type(object, &cache);
    if (name == NULL)
        return hook_call_original(hook, regs);
    flight_token flight = flights_depart(object);
    uint32_t before = count_of(object);
    void *outer_dropping = dropping_last_reference, *outer_freed = freed_during_unref;
    dropping_last_reference = before == 1 ? object : NULL;
    freed_during_unref = NULL;
    uint64_t result = hook_call_original(hook, regs);
    bool freed = freed_during_unref == object;
    bool kept_by_pool = before == 1 && dropping_last_reference == NULL;
    if (!freed && !kept_by_pool && hook_enter_call(hook, regs)) {
        record(name, cache, OP_RELEASE, object, before - 1);
        shim_leave();
    } else if (!freed && !kept_by_pool) {
        defer(name, cache, OP_RELEASE, object, before - 1);
    }
    dropping_last_reference = outer_dropping;
    freed_during_unref = outer_freed;
    flights_land(flight);
    return result;
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    (void)config;
    const char *name = site->symbol;
    if (strncmp(name, "gst_mini_object_", 16) != 0 ||
        strstr(site->module, "libgstreamer-1.0") == NULL)
        return false;
    if (strcmp(name, "gst_mini_object_weak_ref") == 0) {
        weak_ref_fn = (void (*)(void *, weak_notify_fn, void *))site->address;
        return true;
    }
    /* Every GStreamer type is named Gst...: with REFLOG_CLASSES naming none, mini objects
     * are not hooked at all, and a buffer costs nothing more. */
    if (!recorder_classes_may_start_with("Gst"))
        return true;
    struct hook_site lean = *site;
    lean.lean = true;                   /* pointers and integers, six at most */
    if (strcmp(name, "gst_mini_object_init") == 0) {
        hook_install(&lean, on_init, NULL, 0);
        return true;
    }
    hook_handler handler = strcmp(name, "gst_mini_object_ref") == 0     ? on_ref
                           : strcmp(name, "gst_mini_object_unref") == 0 ? on_unref
                                                                        : NULL;
    if (handler == NULL)
        return false;
    deferred_hooks_add(&reference_hooks, &lean, handler);
    return true;
}

static const char *survivor_note(void *object, const char **class_name)
{
    const struct mini_object_layout *mini = object;
    if (!(mini->flags & GST_MINI_OBJECT_FLAG_MAY_BE_LEAKED))
        return NULL;
    struct class_cache *cache;
    *class_name = mini_type(object, &cache);
    return REFSHIM_NOTE_MAY_BE_LEAKED;
}

static void after_fork_child(void)
{
    deferred_hooks_after_fork_child(&reference_hooks);
}

static void at_exit(void)
{
    recorder_annotate_survivors(FAMILY_MINI_OBJECT, survivor_note);
}

const struct hook_family gst_mini_family = {
    .name = "GStreamer mini objects",
    .offer = offer,
    .first_bytes = "g",
    .after_fork_child = after_fork_child,
    .at_exit = at_exit,
};
