/* Asterisk's astobj2 (ao2), without Asterisk's headers and without REF_DEBUG.
 *
 * Every ao2 object is made by __ao2_alloc or __ao2_alloc_with_lockobj (containers and weak
 * proxies call __ao2_alloc too), and every change of its count goes through
 * __ao2_ref(object, delta, tag, file, line, func), which returns the count before the
 * change: that count is exact, so the recorder can put threads' changes in order. A
 * change of N is logged as N events of one, so that each +1/-1 Asterisk makes is one
 * event here as in Asterisk's own refs log. The count reaching 0 destroys the object.
 *
 * A -1 on an object with a weak proxy, taking its count to 1, drops the proxy's last
 * reference from inside the call: __ao2_ref(object, -1) again, which destroys it before
 * the outer call returns. The outer change happened first, so when a call on an object
 * arrives while an outer call on the same object is under way on the thread, the outer
 * change is recorded first, and not again when it returns. A call that will destroy the
 * object is recorded before it runs; any other -1 after it, against the object pinned
 * before the call, since by then the address may hold a new object (see on_ref).
 *
 * Layout used (astobj2.c, struct __priv_data, stable since Asterisk 13): the header ends
 * just before the user pointer with destructor_fn, weakptr, int32 ref_counter, and a
 * uint32 whose low three bits are the allocation options.
 *
 * The class is the destructor's name (channel_destructor, ...), since that is what tells
 * a user the kind of object; objects without a destructor are named after the function
 * that allocated them (the func argument Asterisk passes). */
#include "families.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "objects.h"
#include "recorder.h"
#include "symbolizer.h"

struct ao2_header {                     /* the tail of struct __priv_data */
    void (*destructor_fn)(void *);
    void *weakptr;
    int32_t ref_counter;
    uint32_t options_and_magic;
};
#define AO2_ALLOC_OPT_NO_REF_DEBUG 4u

static inline const struct ao2_header *header_of(const void *user)
{
    return (const struct ao2_header *)user - 1;
}


/* --- classes ------------------------------------------------------------------------- */

struct ao2_class {
    uintptr_t key;              /* the destructor, or the func string when there is none */
    char *name;
    bool wanted;
    struct class_cache class_cache;
    UT_hash_handle hh;
};

static struct ao2_class *classes;       /* never freed: class_cache points into it */
static pthread_mutex_t classes_lock = PTHREAD_MUTEX_INITIALIZER;
static bool filtering;                  /* REFLOG_CLASSES is set */

#define CLASS_CACHE_SLOTS 64
static __thread struct { uintptr_t key; struct ao2_class *info; } class_cache_slots[CLASS_CACHE_SLOTS];

/* Generic destructors of ao2 itself, named after what they destroy. */
static const char *known_class(const char *destructor)
{
    if (strcmp(destructor, "container_destruct") == 0)
        return "ao2_container";
    return destructor;
}

static char *name_for(uintptr_t destructor, const char *func)
{
    if (destructor != 0) {
        struct symbol_info info;
        symbolizer_describe(destructor + 1, &info);   /* it looks up the byte before */
        char *name = info.function ? strdup(known_class(info.function)) : NULL;
        symbol_info_free(&info);
        if (name != NULL)
            return name;
    }
    return strdup(func != NULL && func[0] != '\0' ? func : "ao2");
}

__attribute__((noinline)) static struct ao2_class *learn_class(uintptr_t key, uintptr_t destructor,
                                                               const char *func)
{
    pthread_mutex_lock(&classes_lock);
    struct ao2_class *info;
    HASH_FIND(hh, classes, &key, sizeof key, info);
    if (info == NULL && (info = calloc(1, sizeof *info)) != NULL) {
        info->key = key;
        if ((info->name = name_for(destructor, func)) == NULL) {
            free(info);
            info = NULL;
        } else {
            info->wanted = recorder_class_wanted(info->name);
            HASH_ADD(hh, classes, key, sizeof info->key, info);
        }
    }
    pthread_mutex_unlock(&classes_lock);
    return info;
}

/* The class of an object with DESTRUCTOR, allocated by FUNC (NULL when not known). */
static struct ao2_class *class_for(uintptr_t destructor, const char *func)
{
    uintptr_t key = destructor != 0 ? destructor : (uintptr_t)func;
    unsigned slot = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 58);
    if (key != 0 && class_cache_slots[slot].key == key)
        return class_cache_slots[slot].info;
    struct ao2_class *info = learn_class(key, destructor, func);
    if (info != NULL && key != 0) {
        class_cache_slots[slot].key = key;
        class_cache_slots[slot].info = info;
    }
    return info;
}

/* --- events -------------------------------------------------------------------------- */

/* Records that OBJECT's count went from BEFORE by DELTA, one event per unit, against the
 * object PIN holds when the call pinned it. */
static void record_change(struct ao2_class *class, void *object, const struct recorder_pin *pin,
                          int32_t before, int32_t delta)
{
    int32_t step = delta > 0 ? 1 : -1;
    for (int32_t count = before; count != before + delta;) {
        count += step;
        enum ref_op op = step > 0 ? OP_ADD : count == 0 ? OP_DESTROY : OP_RELEASE;
        if (pin->object != NULL)
            recorder_event_pinned(pin, class->name, &class->class_cache, op, (uint32_t)count,
                                  true, FAMILY_AO2);
        else
            recorder_event(class->name, &class->class_cache, op, object, (uint32_t)count, 0,
                           true, FAMILY_AO2);
    }
}

static bool has_record(void *object)
{
    struct object_stripe *stripe = objects_lock((uintptr_t)object);
    bool found = objects_find(stripe, (uintptr_t)object) != NULL;
    objects_unlock(stripe);
    return found;
}

static uint64_t on_alloc(struct hook *hook, struct saved_regs *regs)
{
    uintptr_t destructor = saved_arg(regs, 1);
    size_t size = saved_arg(regs, 0);
    /* The tag (may be NULL) Asterisk's refs log gives the allocation: a string literal
     * or one that outlives the call, read after it like func. */
    const char *tag = (const char *)(uintptr_t)saved_arg(regs, 3);
    /* Both allocators take seven arguments: func is the first on the stack. */
    const char *func = (const char *)(uintptr_t)saved_stack_arg(regs, 0);
    uint64_t result = hook_call_original(hook, regs);
    void *object = (void *)(uintptr_t)result;
    if (object != NULL && hook_enter_call(hook, regs)) {
        struct ao2_class *class = class_for(destructor, func);
        if (class != NULL && class->wanted)
            recorder_created_tagged(class->name, &class->class_cache, object, size,
                                    FAMILY_AO2, tag);
        shim_leave();
    }
    return result;
}

/* __ao2_ref calls under way on this thread, innermost last. */
#define REF_CALLS_MAX 16
struct ref_call {
    void *object;
    int32_t delta;
    bool recorded;              /* a nested call recorded this change already */
    struct recorder_pin pin;    /* a -1's object, pinned before the call */
};
static __thread struct ref_call ref_calls[REF_CALLS_MAX];
static __thread unsigned ref_depth;

/* The outer call on OBJECT whose change is not recorded yet, below DEPTH, or NULL. */
static struct ref_call *unrecorded_outer_call(void *object, unsigned depth)
{
    for (unsigned i = depth < REF_CALLS_MAX ? depth : REF_CALLS_MAX; i-- > 0;)
        if (ref_calls[i].object == object && !ref_calls[i].recorded)
            return &ref_calls[i];
    return NULL;
}

/* Records the change of CALL, at DEPTH (OBJECT's count from BEFORE by DELTA), after the
 * change of an outer call on it that is not recorded yet (the weak proxy's case), and
 * marks them recorded. */
static void record_call(struct ao2_class *class, void *object, int32_t before, int32_t delta,
                        struct ref_call *call, unsigned depth)
{
    struct ref_call *outer = unrecorded_outer_call(object, depth);
    if (outer != NULL) {
        record_change(class, object, outer->pin.object ? &outer->pin : &call->pin,
                      before - outer->delta, outer->delta);
        outer->recorded = true;
        /* Its event is in: a destruction by this call need not wait for its pin. */
        recorder_unpin(&outer->pin);
    }
    record_change(class, object, &call->pin, before, delta);
    call->recorded = true;
}

/* CALL, at DEPTH, is over: its pin lets go (which may write a held destruction). */
static void end_call(struct hook *hook, struct ref_call *call, unsigned depth)
{
    ref_depth = depth;
    if (call->pin.object != NULL && hook_enter(hook)) {
        recorder_unpin(&call->pin);
        shim_leave();
    }
}

static uint64_t on_ref(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    int32_t delta = (int32_t)saved_arg(regs, 1);
    if (object == NULL || delta == 0 || (filtering && !has_record(object)))
        return hook_call_original(hook, regs);
    /* Read now: a -1 may free the object. Asterisk reads the same header first. */
    const struct ao2_header *header = header_of(object);
    uintptr_t destructor = (uintptr_t)header->destructor_fn;
    unsigned depth = ref_depth++;
    struct ref_call deeper;     /* past REF_CALLS_MAX: not seen by nested calls */
    struct ref_call *call = depth < REF_CALLS_MAX ? &ref_calls[depth] : &deeper;
    *call = (struct ref_call){object, delta, false, {NULL, 0}};
    flight_token flight = flights_depart(object);       /* recorder.c: lock_in_order */
    /* A -1 is recorded after the call, when another thread may have destroyed the object
     * and malloc given its address to a new one: the object is pinned first (recorder.h).
     * A call that drops the last references of an object without a weak proxy destroys
     * it, since no other thread can reach an object only its caller holds: recorded
     * before the call, in the order of the object's events. */
    if (delta < 0 && hook_enter_call(hook, regs)) {
        recorder_pin(object, &call->pin);
        int32_t count = __atomic_load_n(&header->ref_counter, __ATOMIC_RELAXED);
        if (count == -delta && header->weakptr == NULL) {
            struct ao2_class *class = class_for(destructor, NULL);
            if (class != NULL)
                record_call(class, object, count, delta, call, depth);
        }
        shim_leave();
    }
    int32_t before = (int32_t)hook_call_original(hook, regs);
    if (before > 0 && !call->recorded && hook_enter(hook)) {
        struct ao2_class *class = class_for(destructor, NULL);
        if (class != NULL)
            record_call(class, object, before, delta, call, depth);
        shim_leave();
    }
    end_call(hook, call, depth);      /* an invalid object (before <= 0) records nothing */
    flights_land(flight);
    return (uint64_t)(int64_t)before;
}

static const char *survivor_note(void *object, const char **class_name)
{
    const struct ao2_header *header = header_of(object);
    struct ao2_class *class = class_for((uintptr_t)header->destructor_fn, NULL);
    *class_name = class != NULL ? class->name : "ao2";
    return (header->options_and_magic & AO2_ALLOC_OPT_NO_REF_DEBUG) ? "no-ref-debug" : NULL;
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    const char *name = site->symbol;
    /* Its second byte before a call: every name that starts with '_' comes here, all
     * the mangled C++ among them. */
    if (name[1] != '_' || strncmp(name, "__ao2_", 6) != 0)
        return false;
    static const struct {
        const char *name;
        hook_handler handler;
        bool lean;
    } functions[] = {
        {"__ao2_alloc", on_alloc, false},
        {"__ao2_alloc_with_lockobj", on_alloc, false},
        {"__ao2_ref", on_ref, true},
    };
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (strcmp(name, functions[i].name) != 0)
            continue;
        filtering = config->classes.names != NULL;
        struct hook_site hooked = *site;
        hooked.lean = functions[i].lean;
        hook_install(&hooked, functions[i].handler, NULL, 0);
        return true;
    }
    return false;
}

static void after_fork_child(void)
{
    pthread_mutex_init(&classes_lock, NULL);
}

static void at_exit(void)
{
    recorder_annotate_survivors(FAMILY_AO2, survivor_note);
}

const struct hook_family ao2_family = {
    .name = "Asterisk ao2",
    .offer = offer,
    .first_bytes = "_",             /* __ao2_... */
    .after_fork_child = after_fork_child,
    .at_exit = at_exit,
};
