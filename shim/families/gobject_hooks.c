/* GObject, without GLib headers or a link dependency on libgobject.
 *
 * Every object is created by g_type_create_instance (whatever g_object_new variant the
 * program called) and freed by g_type_free_instance, so those two give exact creation and
 * destruction; g_object_ref, g_object_unref, g_object_ref_sink and g_object_take_ref give
 * the references in between, including those GLib takes internally (GValue, g_set_object,
 * signal emission), since entry hooks see calls from inside libgobject too. The count is
 * read from the object. A floating reference (GInitiallyUnowned: GStreamer pads and
 * elements, GTK widgets) is the creation's reference: sinking it changes no count, so it
 * is not an event, while ref_sink of a non-floating object is an AddRef.
 *
 * Layouts used (stable GObject ABI): an instance starts with its class pointer, a class
 * with its GType, and a GObject has its guint ref_count right after the class pointer.
 *
 * An object may be referenced during its own creation, by its instance_init (a GstBin
 * adding its children, a GTK widget emitting a signal with itself in a GValue): before
 * g_type_create_instance returns its address. Each creation under way on a thread is
 * kept, and the first reference to an object the shim does not know, of the created type
 * or of one of its ancestors (instance_init runs with each ancestor's class in turn), is
 * the created object: it is created there, with its own type, and not again when
 * g_type_create_instance returns. One object keeps one serial from its first reference to
 * its free.
 *
 * GStreamer marks objects that live until the end of the process on purpose (plugin
 * features, pad templates, tracer records) with GST_OBJECT_FLAG_MAY_BE_LEAKED, and its leaks
 * tracer does not report them; gobject_survivor_note lets the log say the same. */
#include "gobject_hooks.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "deferred_events.h"
#include "deferred_hooks.h"
#include "families.h"
#include "hooks.h"
#include "objects.h"
#include "recorder.h"

typedef uintptr_t gtype;
#define GTYPE_OBJECT ((gtype)(20 << 2))         /* G_TYPE_OBJECT, a fundamental type */

struct instance_layout {
    struct { gtype type; } *klass;
    uint32_t ref_count;                         /* GObject only */
};

struct type_query {                             /* GTypeQuery */
    gtype type;
    const char *type_name;
    unsigned class_size, instance_size;
};


static const char *(*type_name_fn)(gtype);
static gtype (*type_parent_fn)(gtype);
static gtype (*type_fundamental_fn)(gtype);
static void (*type_query_fn)(gtype, struct type_query *);

struct type_info {
    gtype type;
    const char *name;           /* owned by GLib: type names live as long as their type */
    size_t instance_size;
    bool wanted;                /* REFLOG_CLASSES selects its name (any kind of type) */
    bool logged;                /* a GObject of a class REFLOG_CLASSES selects */
    bool gst_object;            /* a GstObject, which has GStreamer's object flags */
    struct class_cache class_cache;
    UT_hash_handle hh;
};

static struct type_info *types;         /* never freed: type_cache points into it */

#define TYPE_CACHE_SLOTS 256
struct type_cache_slot {
    gtype type;
    struct type_info *info;
};
static __thread struct type_cache_slot type_cache[TYPE_CACHE_SLOTS];
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread void *freed_during_call;

static bool descends_from(gtype type, const char *ancestor)
{
    for (int depth = 0; type != 0 && type_parent_fn != NULL && depth < 64; depth++) {
        const char *name = type_name_fn(type);
        if (name != NULL && strcmp(name, ancestor) == 0)
            return true;
        type = type_parent_fn(type);
    }
    return false;
}

/* What the shim needs to know of TYPE, computed once per type and kept in SLOT. */
__attribute__((noinline)) static struct type_info *learn_type(gtype type,
                                                              struct type_cache_slot *slot)
{
    if (type_name_fn == NULL || type_fundamental_fn == NULL)
        return NULL;
    /* This runs before the hook enters the shim, so a signal handler's hooked call would
     * not be queued (deferred_events.h) but come here too, and wait forever for the lock
     * its own thread holds: signals wait while it is held. A cache miss only. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_mutex_lock(&types_lock);
    struct type_info *info;
    HASH_FIND(hh, types, &type, sizeof type, info);
    if (info == NULL && (info = calloc(1, sizeof *info)) != NULL) {
        info->type = type;
        info->name = type_name_fn(type);
        if (type_query_fn != NULL) {
            struct type_query query = {0};
            type_query_fn(type, &query);
            info->instance_size = query.instance_size;
        }
        info->wanted = info->name != NULL && recorder_class_wanted(info->name);
        info->logged = info->wanted && type_fundamental_fn(type) == GTYPE_OBJECT;
        info->gst_object = info->logged && descends_from(type, "GstObject");
        HASH_ADD(hh, types, type, sizeof info->type, info);
    }
    pthread_mutex_unlock(&types_lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (info != NULL) {
        slot->type = type;
        slot->info = info;
    }
    return info;
}

/* What the shim knows of TYPE. Runs for every hooked call, most of which are of types
 * that are not logged: a small cache per thread answers without a lock. */
#define TYPE_CACHE_SLOT(type) (&type_cache[((type) * 0x9e3779b97f4a7c15ull) >> 56])
static inline struct type_info *type_info_for(gtype type)
{
    struct type_cache_slot *slot = TYPE_CACHE_SLOT(type);
    if (slot->type == type)
        return slot->info;
    return learn_type(type, slot);
}

/* The type of INSTANCE. */
static inline struct type_info *type_info_of(void *instance)
{
    if (instance == NULL)
        return NULL;
    struct instance_layout *layout = instance;
    if (layout->klass == NULL)
        return NULL;
    return type_info_for(layout->klass->type);
}

const char *gobject_wanted_type(uintptr_t type, struct class_cache **cache)
{
    struct type_info *info = type != 0 ? type_info_for(type) : NULL;
    if (info == NULL || !info->wanted)
        return NULL;
    *cache = &info->class_cache;
    return info->name;
}

/* The type of a GObject that is logged, or NULL. */
static struct type_info *type_of(void *instance)
{
    struct type_info *info = type_info_of(instance);
    return info && info->logged ? info : NULL;
}

/* GstObject's layout after its GObject part: a GMutex, the name, the parent, then the
 * guint32 flags, whose bit 0 is GST_OBJECT_FLAG_MAY_BE_LEAKED. */
struct gst_object_layout {
    struct instance_layout gobject;
    void *qdata;
    void *lock;
    char *name;
    void *parent;
    uint32_t flags;
};
#define GST_OBJECT_FLAG_MAY_BE_LEAKED 1u

static const char *survivor_note(void *object, const char **class_name)
{
    struct type_info *type = type_of(object);
    if (type == NULL || !type->gst_object)
        return NULL;
    *class_name = type->name;
    const struct gst_object_layout *gst = object;
    return (gst->flags & GST_OBJECT_FLAG_MAY_BE_LEAKED) ? REFSHIM_NOTE_MAY_BE_LEAKED : NULL;
}

static uint32_t ref_count_of(void *object)
{
    return __atomic_load_n(&((struct instance_layout *)object)->ref_count, __ATOMIC_RELAXED);
}

/* The reference hooks wait for the first object of a logged class (deferred_hooks.c). */
static struct deferred_hooks reference_hooks = DEFERRED_HOOKS_INIT;

/* g_type_create_instance calls under way on this thread, innermost last (an
 * instance_init may create other objects). Deeper nesting is counted but not followed. */
#define CREATIONS_MAX 32
struct creation {
    struct type_info *type;     /* the type created; NULL if unknown */
    void *object;               /* once its first reference showed it, else NULL */
};
static __thread struct creation creations[CREATIONS_MAX];
static __thread unsigned creation_depth;

/* True when ANCESTOR is TYPE or one of its parents. */
static bool type_is_a(gtype type, gtype ancestor)
{
    for (int depth = 0; type != 0 && depth < 64; depth++) {
        if (type == ancestor)
            return true;
        if (type_parent_fn == NULL)
            return false;
        type = type_parent_fn(type);
    }
    return false;
}

static bool has_record(void *object)
{
    struct object_stripe *stripe = objects_lock((uintptr_t)object);
    bool found = objects_find(stripe, (uintptr_t)object) != NULL;
    objects_unlock(stripe);
    return found;
}

/* The creation under way on this thread that OBJECT (of logged type SEEN, its class of
 * the moment) is the object of, or NULL; *SHOWN_NOW tells that this reference is the
 * first. The first reference to an object with no record whose class is the created type
 * or an ancestor of it shows the created object: objects of logged types get their record
 * when they are created, so only one still being created has none. An ancestor that is
 * not logged cannot tell an object being created from a finished one of that type, which
 * has no record either: such references are not logged, as before. */
static struct creation *creation_of(void *object, const struct type_info *seen,
                                    bool *shown_now)
{
    unsigned depth = creation_depth < CREATIONS_MAX ? creation_depth : CREATIONS_MAX;
    *shown_now = false;
    for (unsigned i = depth; i-- > 0;)
        if (creations[i].object == object)
            return &creations[i];
    for (unsigned i = depth; i-- > 0;) {
        struct creation *c = &creations[i];
        if (c->object == NULL && c->type != NULL && type_is_a(c->type->type, seen->type)) {
            if (has_record(object))
                return NULL;
            c->object = object;
            *shown_now = true;
            return c;
        }
    }
    return NULL;
}

/* The type a reference to OBJECT, whose class is the logged type SEEN, is logged under:
 * SEEN, or the type being created when OBJECT is still being created (NULL when that type
 * is not logged). The first reference to an object being created creates it in the log. */
static struct type_info *logged_type_at_reference(void *object, struct type_info *seen,
                                                  struct hook *hook)
{
    if (creation_depth == 0)
        return seen;
    bool shown_now;
    struct creation *c = creation_of(object, seen, &shown_now);
    if (c == NULL)
        return seen;
    if (!c->type->logged)
        return NULL;
    if (shown_now && hook_enter(hook)) {
        recorder_event(c->type->name, &c->type->class_cache, OP_CREATE, object,
                       ref_count_of(object), c->type->instance_size, false, FAMILY_GOBJECT);
        shim_leave();
    }
    return c->type;
}

static uint64_t on_create(struct hook *hook, struct saved_regs *regs)
{
    struct type_info *created = saved_arg(regs, 0) != 0 ? type_info_for(saved_arg(regs, 0)) : NULL;
    /* Before the call: instance_init may already reference the object. */
    if (created != NULL && created->logged)
        deferred_hooks_install(&reference_hooks);
    unsigned depth = creation_depth++;
    if (depth < CREATIONS_MAX)
        creations[depth] = (struct creation){created, NULL};
    uint64_t result = hook_call_original(hook, regs);
    void *object = (void *)(uintptr_t)result;
    bool created_in_log = depth < CREATIONS_MAX && creations[depth].object == object;
    creation_depth = depth;
    if (!created_in_log && hook_enter_call(hook, regs)) {
        struct type_info *type = type_of(object);
        if (type != NULL)
            deferred_hooks_install(&reference_hooks);
        if (type != NULL)
            recorder_event(type->name, &type->class_cache, OP_CREATE, object, ref_count_of(object), type->instance_size, false,
                           FAMILY_GOBJECT);
        shim_leave();
    }
    return result;
}

/* An event of a signal handler that interrupted the shim on this thread: queued, with
 * its stack, until the shim is done (deferred_events.c). */
/* OP on OBJECT, to be recorded later from the queue (deferred_events.h). */
static struct deferred_event queued_event(struct type_info *type, enum ref_op op,
                                          void *object, uint32_t count)
{
    return (struct deferred_event){
        .class_name = type->name, .cache = &type->class_cache, .change = op,
        .object = object, .count = count, .as_event = true, .family = FAMILY_GOBJECT,
    };
}

static void defer_event(struct type_info *type, enum ref_op op, void *object, uint32_t count)
{
    struct deferred_event event = queued_event(type, op, object, count);
    deferred_events_offer(&event);
}

/* A call on OBJECT made inside this thread's call on the same object, whose mark is OUTER
 * (FLIGHT_NONE: no such call): a signal handler's that interrupted it, a toggle
 * notification's, a dispose's. Its event is queued until the outer call's hook knows
 * whether it came before that call's change (record_nested_before) or after. */
static bool held_for_outer(struct type_info *type, enum ref_op op, void *object,
                           uint32_t count, flight_token outer)
{
    if (outer == FLIGHT_NONE)
        return false;
    struct deferred_event event = queued_event(type, op, object, count);
    event.after_mark = outer + 1;
    return deferred_events_hold(&event);
}

/* The calls held_for_outer queued for this call, whose mark is FLIGHT, came before its
 * change when the first started from the count this call started from, BEFORE (inside a
 * dispose, before the last reference goes): their events go in first. Else they came
 * after it (a toggle notification, a signal handler), and shim_leave writes them after. */
static void record_nested_before(flight_token flight, uint32_t before)
{
    const struct deferred_event *held = deferred_events_held_by(flight);
    if (held != NULL && (held->change == OP_ADD ? held->count - 1 : held->count + 1) == before)
        deferred_events_record_held(flight);
}

static uint64_t on_free(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    if (hook_enter_call(hook, regs)) {
        struct type_info *type = type_of(object);
        /* A D is an object's last event: what a dispose did goes in first. */
        deferred_events_record_held_on(object);
        if (type != NULL)
            recorder_event(type->name, &type->class_cache, OP_DESTROY, object, 0, 0, false,
                           FAMILY_GOBJECT);
        freed_during_call = object;
        shim_leave();
    } else {
        struct type_info *type = type_of(object);
        if (type != NULL)
            defer_event(type, OP_DESTROY, object, 0);
        freed_during_call = object;
    }
    return hook_call_original(hook, regs);
}

/* The logged type of OBJECT for a reference hook, or NULL when its class is not logged. */
static inline struct type_info *logged_type_of(void *object, struct hook *hook)
{
    struct type_info *type = type_of(object);
    return type != NULL ? logged_type_at_reference(object, type, hook) : NULL;
}

/* g_object_ref, and g_object_ref_sink / g_object_take_ref, which add a reference only
 * when the object was not floating. Some GLib versions make them call g_object_ref (and
 * g_object_unref) inside, which records the change already: the sink is an event of its
 * own only when nothing was recorded during the call and the count went up. */
static uint64_t reference_call(struct hook *hook, struct saved_regs *regs, bool sinks)
{
    void *object = saved_first_arg(regs);
    struct type_info *type = logged_type_of(object, hook);
    if (type == NULL)
        return hook_call_original(hook, regs);      /* not logged: as cheap as can be */
    uint32_t before = ref_count_of(object);
    uint64_t recorded = recorder_events_on_thread();
    flight_token outer = flights_mark_on((uintptr_t)object);
    /* A sink marks nothing: the g_object_ref and g_object_unref GLib makes inside it are
     * its change, in their order, and are recorded as they come (1,300 of gst-launch's
     * first 4,200 events would otherwise wait in the queue, and cost 8 ms). */
    flight_token flight = sinks ? FLIGHT_NONE : flights_depart(object);
    uint64_t result = hook_call_original(hook, regs);
    if (hook_enter_call(hook, regs)) {
        uint32_t after = ref_count_of(object);
        bool sink_added = after > before && recorder_events_on_thread() == recorded;
        record_nested_before(flight, before);
        if ((!sinks || sink_added) && !held_for_outer(type, OP_ADD, object, after, outer))
            recorder_event(type->name, &type->class_cache, OP_ADD, object, after, 0, false,
                           FAMILY_GOBJECT);
        flights_land(flight);           /* first: shim_leave records what waits for it */
        shim_leave();
    } else if (!sinks) {
        defer_event(type, OP_ADD, object, ref_count_of(object));
    }
    flights_land(flight);
    return result;
}

/* The filter of the reference hooks (hooks.h): lets through the calls reference_call and
 * on_unref would pass on unrecorded, on an object of a type this thread's cache knows is
 * not logged (or no object); anything else, a type not yet in the cache included, goes to
 * the handler. Uses no vector register: nothing here may call a function not marked so. */
ARCH_NO_VECTOR_REGS static void *filter_reference(struct hook *hook,
                                                  const struct saved_regs *regs)
{
    const struct instance_layout *object =
        (const void *)(uintptr_t)saved_arg_no_vector(regs, 0);
    if (object == NULL || object->klass == NULL)
        return hook->original;
    gtype type = object->klass->type;
    const struct type_cache_slot *slot = TYPE_CACHE_SLOT(type);
    if (slot->type != type)
        return NULL;
    return slot->info == NULL || !slot->info->logged ? hook->original : NULL;
}

static uint64_t on_ref(struct hook *hook, struct saved_regs *regs)
{
    return reference_call(hook, regs, false);
}

static uint64_t on_ref_sink(struct hook *hook, struct saved_regs *regs)
{
    return reference_call(hook, regs, true);
}

static uint64_t on_unref(struct hook *hook, struct saved_regs *regs)
{
    void *object = saved_first_arg(regs);
    struct type_info *type = logged_type_of(object, hook);
    if (type == NULL)
        return hook_call_original(hook, regs);      /* not logged: as cheap as can be */
    /* Once the call returns, another thread may free the object and a new one take its
     * address before the change is recorded: the object is pinned (recorder.h). A
     * destruction inside the call waits for the pin, so the D stays the last event. */
    struct recorder_pin pin = {NULL, 0};
    if (hook_enter_call(hook, regs)) {
        recorder_pin(object, &pin);
        shim_leave();
    }
    uint32_t before = ref_count_of(object);
    freed_during_call = NULL;
    flight_token outer = flights_mark_on((uintptr_t)object);
    flight_token flight = flights_depart(object);
    uint64_t result = hook_call_original(hook, regs);
    /* If g_type_free_instance ran, the D event is recorded and the memory is gone. */
    bool freed = freed_during_call == object;
    if (hook_enter_call(hook, regs)) {
        /* Read the count only when we dropped the last reference and the object lived on
         * (dispose took a new one): otherwise another thread may free it meanwhile. */
        uint32_t after = before == 1 && !freed ? ref_count_of(object) : before - 1;
        record_nested_before(flight, before);
        if (freed || held_for_outer(type, OP_RELEASE, object, after, outer))
            ;                           /* recorded already, or to be after the outer call */
        else if (pin.object != NULL)
            recorder_event_pinned(&pin, type->name, &type->class_cache, OP_RELEASE, after,
                                  false, FAMILY_GOBJECT);
        else
            recorder_event(type->name, &type->class_cache, OP_RELEASE, object, after, 0, false,
                           FAMILY_GOBJECT);
        recorder_unpin(&pin);
        flights_land(flight);           /* first: shim_leave records what waits for it */
        shim_leave();
    } else if (!freed) {
        defer_event(type, OP_RELEASE, object, before == 1 ? ref_count_of(object) : before - 1);
    }
    flights_land(flight);
    return result;
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    (void)config;
    static bool filters_registered;
    if (!filters_registered) {
        hook_filter_register(on_ref, filter_reference);
        hook_filter_register(on_ref_sink, filter_reference);
        hook_filter_register(on_unref, filter_reference);
        filters_registered = true;
    }
    const char *name = site->symbol, *module = site->module;
    uintptr_t address = site->address;
    /* The prefixes first (the first byte is a 'g': families.c offers no other): libglib
     * and libgio offer thousands of g_ functions, and the module's path is searched only
     * for the few that may be ours. */
    if (name[1] != '_' ||
        (strncmp(name, "g_type_", 7) != 0 && strncmp(name, "g_object_", 9) != 0) ||
        strstr(module, "libgobject-2.0") == NULL)
        return false;
    static const struct {
        const char *name;
        hook_handler handler;
        bool deferred;          /* runs for every reference: see deferred_hooks.c */
    } functions[] = {
        {"g_type_create_instance", on_create, false},
        {"g_type_free_instance", on_free, true},
        {"g_object_ref", on_ref, true},
        {"g_object_ref_sink", on_ref_sink, true},
        {"g_object_take_ref", on_ref_sink, true},
        {"g_object_unref", on_unref, true},
    };
    if (strcmp(name, "g_type_parent") == 0)
        type_parent_fn = (gtype(*)(gtype))address;
    else if (strcmp(name, "g_type_name") == 0)
        type_name_fn = (const char *(*)(gtype))address;
    else if (strcmp(name, "g_type_fundamental") == 0)
        type_fundamental_fn = (gtype(*)(gtype))address;
    else if (strcmp(name, "g_type_query") == 0)
        type_query_fn = (void (*)(gtype, struct type_query *))address;
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (strcmp(name, functions[i].name) != 0)
            continue;
        struct hook_site lean = *site;
        lean.lean = true;               /* each takes one pointer */
        if (functions[i].deferred)
            deferred_hooks_add(&reference_hooks, &lean, functions[i].handler);
        else
            hook_install(&lean, functions[i].handler, NULL, 0);
        return true;
    }
    return false;
}

static void after_fork_child(void)
{
    pthread_mutex_init(&types_lock, NULL);
    deferred_hooks_after_fork_child(&reference_hooks);
}

static void at_exit(void)
{
    recorder_annotate_survivors(FAMILY_GOBJECT, survivor_note);
}

const struct hook_family gobject_family = {
    .name = "GObject",
    .offer = offer,
    .first_bytes = "g",
    .after_fork_child = after_fork_child,
    .at_exit = at_exit,
};
