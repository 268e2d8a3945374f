/* The recorder decides what an event is (N, A, R or D), which object and serial it
 * belongs to, whether REFLOG_OBJECTS selects it, and writes it with its stack.
 *
 * An object's events are recorded under the lock of its stripe of the object table, so
 * they reach the log in the order the shim saw its count change, while threads working
 * on other objects go on: the stack depot and the log take no lock on their common path. */
#include "recorder.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uthash.h>

#include "arch.h"
#include "depot.h"
#include "flights.h"
#include "hooks.h"
#include "log_writer.h"
#include "objects.h"
#include "report.h"
#include "stack_cache.h"
#include "stack_capture.h"
#include "textbuf.h"
#include "xpcom_writer.h"

static const struct config *config;
static __thread pid_t thread_id;
static __thread uint64_t events_on_thread;
/* The class and size of the last N this thread wrote into the log (class 0: none yet):
 * an N with the same ones leaves them out, and readers take them from that N, the previous
 * N with this thread's TID in the file. Only the thread's own events count here: an N is
 * never held and written by another thread, as a D may be. */
static __thread uint32_t previous_new_class;
static __thread size_t previous_new_size;

uint64_t recorder_events_on_thread(void)
{
    return events_on_thread;
}

void recorder_init(const struct config *cfg)
{
    config = cfg;
    flights_init();
}

bool recorder_class_wanted(const char *class_name)
{
    return config != NULL && name_list_matches(&config->classes, class_name);
}

bool recorder_classes_may_start_with(const char *prefix)
{
    return config != NULL && name_list_may_match_prefix(&config->classes, prefix);
}

/* --- classes logged through the instrumentation API ------------------------------------ */

struct instrumented_class {
    char *name;
    UT_hash_handle hh;
};

static pthread_mutex_t instrumented_lock = PTHREAD_MUTEX_INITIALIZER;
static struct instrumented_class *instrumented;

/* The lock is also asked for by hooked calls of signal handlers that interrupted the
 * shim (cxx_methods.c asks before queueing such a call's event): signals wait while a
 * thread holds it, or the handler would wait for its own thread. Slow paths only. */
static void lock_instrumented(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, old);
    pthread_mutex_lock(&instrumented_lock);
}

static void unlock_instrumented(const sigset_t *old)
{
    pthread_mutex_unlock(&instrumented_lock);
    pthread_sigmask(SIG_SETMASK, old, NULL);
}
static unsigned instrumented_generation;        /* atomic: one more per class noted */

void recorder_note_instrumented(const char *class_name)
{
    /* The API is called with the same few class-name literals again and again. */
    static __thread const char *last_noted;
    if (class_name == last_noted)
        return;
    last_noted = class_name;
    sigset_t old;
    lock_instrumented(&old);
    struct instrumented_class *c;
    HASH_FIND_STR(instrumented, class_name, c);
    if (c == NULL && (c = calloc(1, sizeof *c)) != NULL) {
        if ((c->name = strdup(class_name)) != NULL) {
            HASH_ADD_KEYPTR(hh, instrumented, c->name, strlen(c->name), c);
            __atomic_add_fetch(&instrumented_generation, 1, __ATOMIC_RELEASE);
        } else {
            free(c);
        }
    }
    unlock_instrumented(&old);
}

bool recorder_class_instrumented(const char *class_name, struct instrumented_cache *cache)
{
    uint64_t generation = __atomic_load_n(&instrumented_generation, __ATOMIC_ACQUIRE);
    uint64_t answer = __atomic_load_n(&cache->answer, __ATOMIC_RELAXED);
    if (answer >> 1 == generation)
        return answer & 1;
    sigset_t old;
    lock_instrumented(&old);
    struct instrumented_class *c;
    HASH_FIND_STR(instrumented, class_name, c);
    unlock_instrumented(&old);
    __atomic_store_n(&cache->answer, generation << 1 | (c != NULL), __ATOMIC_RELAXED);
    return c != NULL;
}

/* --- events ------------------------------------------------------------------------------ */

static void add_field_uint(struct textbuf *b, uint64_t v)
{
    textbuf_add_char(b, '\t');
    textbuf_add_uint(b, v);
}

static struct object *start_object(struct object_stripe *stripe, uintptr_t address)
{
    struct object *object = objects_create(stripe, address);
    if (object != NULL)
        object->logged = !config->have_objects ||
                         serial_set_contains(&config->objects, object->serial);
    return object;
}

/* The object OP applies to, given FOUND, the live object at ADDRESS: a creation always
 * starts a new one (the address may have been reused without us seeing the old object
 * go), anything else continues FOUND or, when there is none, one that was alive before
 * the shim saw it. */
static struct object *object_for(struct object_stripe *stripe, uintptr_t address, enum ref_op op,
                                 struct object *found)
{
    return op != OP_CREATE && found != NULL ? found : start_object(stripe, address);
}

/* For counts the shim keeps: the count after OP, and OP made a destruction at 0. */
static uint32_t keep_count(struct object *object, enum ref_op *op)
{
    bool first_seen = !object->introduced && object->count == 0;
    if (*op == OP_CREATE)
        object->count = 1;
    else if (*op == OP_ADD)
        object->count = (first_seen ? 1 : object->count) + 1;
    else
        object->count = first_seen || object->count == 0 ? 0 : object->count - 1;
    if (*op == OP_RELEASE && object->count == 0)
        *op = OP_DESTROY;
    return object->count;
}

/* Where and by whom an event happened: its stack, captured earlier or (IPS NULL) where
 * the event is written, the thread, and the hooked function (Mozilla's frame #01). A
 * destruction held for its object's pins is written later, by another call, with the
 * origin it had. */
struct event_origin {
    const uintptr_t *ips;
    int depth;
    pid_t thread;
    uintptr_t function;
};

static pid_t current_thread(void)
{
    if (thread_id == 0)
        thread_id = (pid_t)syscall(SYS_gettid);
    return thread_id;
}

static struct event_origin origin_here(const uintptr_t *ips, int depth)
{
    return (struct event_origin){ips, depth, current_thread(), hook_current_function()};
}

static void write_xpcom_event(struct object *object, const char *class_name, enum ref_op op,
                              uint32_t count, struct event_origin origin)
{
    uintptr_t captured[CONFIG_MAX_DEPTH];
    const uintptr_t *ips = origin.ips;
    int depth = origin.depth;
    if (ips == NULL) {
        depth = capture_stack(captured, config->depth);
        ips = captured;
    }
    xpcom_write_event(class_name, object->address, object->serial, (char)op, count,
                      origin.function, ips, depth, &object->log_end);
}

/* Appends `t SERIAL TAG` to B: TAG with its control characters made spaces (a field
 * holds no TAB or line end), cut to REFSHIM_TAG_MAX bytes where a character starts. */
static void add_tag_record(struct textbuf *b, uint64_t serial, const char *tag)
{
    size_t len = strnlen(tag, REFSHIM_TAG_MAX + 1);
    if (len > REFSHIM_TAG_MAX) {
        len = REFSHIM_TAG_MAX;
        while (len > 0 && ((unsigned char)tag[len] & 0xc0) == 0x80)
            len--;                      /* not inside a UTF-8 sequence */
    }
    textbuf_add_char(b, REFSHIM_REC_TAG);
    add_field_uint(b, serial);
    textbuf_add_char(b, '\t');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tag[i];
        textbuf_add_char(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    textbuf_add_char(b, '\n');
}

/* Writes EVENT (LEN bytes, an object's first event) and the `t` record of its TAG in one
 * piece, so that nothing comes between them in the log. Apart from the event path: few
 * events carry a tag. */
__attribute__((noinline)) static bool write_tagged_event(const char *event, size_t len,
                                                         uint64_t serial, const char *tag,
                                                         size_t *after, size_t tid_at,
                                                         size_t tid_len)
{
    char storage[192 + REFSHIM_TAG_MAX + 32];
    struct textbuf line = textbuf_on(storage, sizeof storage);
    textbuf_add(&line, event, len);
    add_tag_record(&line, serial, tag);
    return !line.failed && log_write_event(line.data, line.len, after, tid_at, tid_len);
}

/* Whether an event may leave out CLASS and SIZE: an N of the writing thread's own whose
 * class and size are those of the last N the thread wrote. */
static bool repeats_previous_new(enum ref_op op, pid_t thread, uint32_t class_id, size_t size)
{
    return op == OP_CREATE && thread == thread_id && class_id == previous_new_class &&
           size == previous_new_size;
}

/* After an event is in the log: an N of the thread's own is the one the next may repeat. */
static void remember_new(enum ref_op op, pid_t thread, uint32_t class_id, size_t size)
{
    if (op != OP_CREATE || thread != thread_id)
        return;
    previous_new_class = class_id;
    previous_new_size = size;
}

/* Appends `\tADDRESS[\tCLASS[\tSIZE]]`, what an object's first event adds (format 2). */
static void add_introduction(struct textbuf *line, uintptr_t address, uint32_t class_id,
                             size_t size, bool repeats_class)
{
    textbuf_add_char(line, '\t');
    textbuf_add_hex(line, address);
    if (repeats_class)
        return;
    add_field_uint(line, class_id);
    if (size != 0)
        add_field_uint(line, size);
}

/* Writes the event; an object's first event also gives its address, class and size, and
 * is followed by a `t` record when TAG (NULL: none) is not empty. */
__attribute__((always_inline)) static inline void write_event(struct object *object, const char *class_name, struct class_cache *cache,
                        enum ref_op op, uint32_t count, size_t size, const char *tag,
                        struct event_origin origin)
{
    char storage[192];
    struct textbuf line = textbuf_on(storage, sizeof storage);
    size_t after = object->log_end;     /* and after the definitions the records use */
    bool first = !object->introduced;
    uint32_t class_id = first ? depot_class(class_name, cache, &after) : 0;
    object->introduced = true;
    uint32_t stack;
    if (origin.ips != NULL) {
        stack = depot_stack(origin.ips, origin.depth, &after);
    } else {
        uintptr_t ips[CONFIG_MAX_DEPTH];
        int depth = capture_stack(ips, config->depth);
        stack = depot_stack(ips, depth, &after);
    }
    textbuf_add_char(&line, (char)op);
    add_field_uint(&line, object->serial);
    add_field_uint(&line, count);
    add_field_uint(&line, stack);
    /* Left out after a line of this thread's: with its TAB at the end of a line, the
     * digits alone (the field stays, empty) before a first event's ADDRESS. */
    size_t tid_at = line.len;
    textbuf_add_char(&line, '\t');
    if (first)
        tid_at = line.len;
    textbuf_add_uint(&line, (uint64_t)origin.thread);
    size_t tid_len = line.len - tid_at;
    if (origin.thread != thread_id)
        tid_at = tid_len = 0;           /* another thread's event (a held D): always told */
    if (first)
        add_introduction(&line, object->address, class_id, size,
                         repeats_previous_new(op, origin.thread, class_id, size));
    textbuf_add_char(&line, '\n');
    if (line.failed)
        return;
    bool written;
    if (tag != NULL && tag[0] != '\0' && first)
        written = write_tagged_event(line.data, line.len, object->serial, tag, &after, tid_at, tid_len);
    else
        written = log_write_event(line.data, line.len, &after, tid_at, tid_len);
    if (written)
        remember_new(op, origin.thread, class_id, size);
    object->log_end = after;
}

/* Writes the event in the log's format, when OBJECT is logged. */
__attribute__((always_inline)) static inline void
write_record(struct object *object, const char *class_name, struct class_cache *cache,
             enum ref_op op, uint32_t count, size_t size, const char *tag,
             struct event_origin origin)
{
    if (!object->logged || !log_is_open())
        return;
    if (config->format == FORMAT_XPCOM) {
        write_xpcom_event(object, class_name, op, count, origin);
        object->introduced = true;      /* its events are in the log */
    } else {
        write_event(object, class_name, cache, op, count, size, tag, origin);
    }
}

/* --- pins ---------------------------------------------------------------------------------
 *
 * A hooked call that may drop a reference it does not own afterwards (Release, unref, an
 * ao2 -1) records its change after the call, since only then is the count known. By
 * then another thread may have dropped the last reference, and malloc may have given the
 * address to a new object with a serial of its own: looking the address up would give
 * the change to the wrong object. So such a hook pins the object before the call
 * (recorder_pin: the object at the address, made there if the shim did not know it), and
 * records against the pinned object after, whatever the address holds by then.
 *
 * An object's D must stay its last event, as readers require. A destruction recorded
 * while other calls still pin the object is held: its stack, thread and count are kept,
 * the object leaves the table (its address is free for a new object), and the D is
 * written when the last pin lets go, after the pinned events. No wait, no timeout: a pin
 * lives from just before a hooked call to just after it. Pinned events are ordered among
 * themselves by their exact counts as before (lock_in_order), against the pinned object;
 * a held D does not take part, since it comes last anyway. */

struct held_destroy {
    const char *class_name;             /* the hooks' class names live as long as the shim */
    struct class_cache *cache;
    uint32_t count;
    struct event_origin origin;         /* its ips point into the array below */
    uintptr_t ips[];
};

/* Holds OBJECT's destruction, with its stack captured now, until its pins let go. */
static void hold_destroy(struct object *object, const char *class_name,
                         struct class_cache *cache, uint32_t count, struct event_origin origin)
{
    int depth = origin.ips != NULL ? origin.depth : config->depth;
    struct held_destroy *held = malloc(sizeof *held + (size_t)depth * sizeof held->ips[0]);
    if (held == NULL) {
        report_once("out of memory; some events are missing from the log");
        return;
    }
    if (origin.ips != NULL)
        memcpy(held->ips, origin.ips, (size_t)depth * sizeof held->ips[0]);
    else
        depth = capture_stack(held->ips, depth);
    held->class_name = class_name;
    held->cache = cache;
    held->count = count;
    held->origin = origin;
    held->origin.ips = held->ips;
    held->origin.depth = depth;
    object->held = held;
}

static void write_held_destroy(struct object *object)
{
    struct held_destroy *held = object->held;
    object->held = NULL;
    object->last_count = held->count;
    write_record(object, held->class_name, held->cache, OP_DESTROY, held->count, 0, NULL,
                 held->origin);
    free(held);
}

/* Pins on OBJECT other than the one of the call recording (PINNED). */
static uint32_t other_pins(const struct object *object, const struct object *pinned)
{
    return object->pins - (pinned == object && object->pins > 0 ? 1 : 0);
}

struct recorder_pin recorder_pin_object(void *object)
{
    uintptr_t address = (uintptr_t)object;
    struct object_stripe *stripe = objects_lock(address);
    struct object *found = objects_find(stripe, address);
    if (found == NULL)
        found = start_object(stripe, address);
    if (found != NULL)
        found->pins++;
    objects_unlock(stripe);
    return (struct recorder_pin){found, address};
}

void recorder_pin(void *object, struct recorder_pin *pin)
{
    *pin = recorder_pin_object(object);
}

void recorder_unpin(struct recorder_pin *pin)
{
    struct object *object = pin->object;
    if (object == NULL)
        return;
    pin->object = NULL;
    struct object_stripe *stripe = objects_lock(pin->address);
    if (--object->pins == 0) {
        if (object->held != NULL)
            write_held_destroy(object);
        if (object->detached || !object->recorded)
            objects_remove(stripe, object);     /* frees it; or drops a pin's own entry */
    }
    objects_unlock(stripe);
}

/* Two threads may change an object's count at nearly the same moment and reach the
 * recorder in the other order: the count is changed inside the hooked function, before
 * the shim can take any lock, and a function that may run a destructor cannot be run under
 * one. A returned count shows the order, though: each change moves it by one. So an event
 * whose count does not follow the object's last recorded one is early, and waits, outside
 * the lock, for the event still on its way.
 *
 * Which events are on their way the hooks tell: each marks its object before the call
 * (flights.h). While another thread has a mark on the object, its change may be the
 * missing one, and the early event waits for it however long that thread sleeps, up to
 * ORDER_STALL_NS (a hooked function blocked on a lock the waiting thread's caller holds).
 * When none has, the missing change is one the shim cannot see (an AddRef the compiler
 * inlined somewhere), and the event is recorded at once. An object with an event that
 * came unmarked (the instrumentation API: the program changes the count before it calls
 * the shim), or any object once some thread has no deck, is timed instead: an early event
 * waits ORDER_WAIT_NS at most, and after ORDER_TIMEOUTS vain waits on a timed object, or
 * ORDER_GIVE_UP changes not seen in all, timed objects are not waited for any more.
 * ORDER_GIVE_UP changes not seen are said once. Counts read from the object (GObject) are
 * not exact enough for this and are recorded as they come. */
#define ORDER_WAIT_SPINS 64
/* Then it naps between looks. One that only yielded kept its place ahead of the thread
 * it waited for, and each look could cost a time slice: the contended e2e program's
 * 200,000 events took up to 37 s beside six busy loops, and up to 5.5 s with naps. */
#define ORDER_NAP_NS 20000L
#define ORDER_WAIT_NS 10000000L
#define ORDER_STALL_NS 500000000L
#define ORDER_TIMEOUTS 3
#define ORDER_GIVE_UP 8

static unsigned unseen_changes;         /* atomic: over all objects */

static bool timed(const struct object *object)
{
    return object->timed_order || !flights_known();
}

static bool arrives_early(const struct object *object, const struct object *pinned,
                          enum ref_op op, uint32_t count)
{
    if (object == NULL || !object->introduced || op == OP_CREATE)
        return false;
    if (timed(object) && (object->unordered ||
                          __atomic_load_n(&unseen_changes, __ATOMIC_RELAXED) >= ORDER_GIVE_UP))
        return false;
    if (op == OP_DESTROY && other_pins(object, pinned) > 0)
        return false;                   /* held until the pinned events are in */
    uint32_t expected = op == OP_ADD ? object->last_count + 1 : object->last_count - 1;
    return count != expected;
}

/* OBJECT's early event is recorded without the change before it. */
static void note_unseen_change(struct object *object)
{
    object->unordered = ++object->order_timeouts >= ORDER_TIMEOUTS;
    if (__atomic_add_fetch(&unseen_changes, 1, __ATOMIC_RELAXED) == ORDER_GIVE_UP)
        report("some AddRef/Release calls are not seen (inlined where they are "
               "called?): counts in the log jump, and objects' events may be out of "
               "order when threads race");
}

static long elapsed_ns(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000000L + (now.tv_nsec - since->tv_nsec);
}

/* The object an event at ADDRESS continues: PINNED when its call pinned one, else the
 * live object at ADDRESS, or NULL. */
static struct object *current_object(struct object_stripe *stripe, uintptr_t address,
                                     struct object *pinned)
{
    return pinned != NULL ? pinned : objects_find(stripe, address);
}

/* Locks ADDRESS's stripe once an event with COUNT can be recorded in order; *FOUND is the
 * object it continues (current_object). */
static struct object_stripe *lock_in_order(uintptr_t address, enum ref_op op, uint32_t count,
                                           struct object *pinned, struct object **found)
{
    struct timespec start = {0, 0};
    uint32_t before = op == OP_ADD ? count - 1 : count + 1;
    for (int attempt = 0;; attempt++) {
        struct object_stripe *stripe = objects_lock(address);
        struct object *object = *found = current_object(stripe, address, pinned);
        bool in_order = !arrives_early(object, pinned, op, count);
        bool marked = !in_order && !timed(object);
        if (!in_order && marked && !flights_elsewhere(address, before, object->last_count)) {
            note_unseen_change(object);
            in_order = true;
        }
        if (!in_order && attempt == ORDER_WAIT_SPINS)
            clock_gettime(CLOCK_MONOTONIC, &start);
        if (!in_order && attempt > ORDER_WAIT_SPINS &&
            elapsed_ns(&start) > (marked ? ORDER_STALL_NS : ORDER_WAIT_NS)) {
            note_unseen_change(object);
            in_order = true;
        }
        if (in_order) {
            if (attempt > 0)
                flights_wait_on(0, 0);
            return stripe;
        }
        if (attempt == 0)
            flights_wait_on(address, before);   /* before the unlock: others see it */
        objects_unlock(stripe);
        if (attempt < ORDER_WAIT_SPINS)
            arch_cpu_relax();
        else
            nanosleep(&(struct timespec){0, ORDER_NAP_NS}, NULL);
    }
}

enum count_source {
    COUNT_RETURNED,             /* exact: returned by the function, or given to the API */
    COUNT_READ,                 /* read from the object after the call */
    COUNT_KEPT,                 /* kept by the shim */
};

/* Always inlined, like write_event: fewer frames of our own to unwind on every event.
 * PINNED is the object the event's call pinned, or NULL; TAG the allocation's, or NULL. */
__attribute__((always_inline)) static inline void
record(const char *class_name, struct class_cache *cache, enum ref_op op, uintptr_t address,
       uint32_t count, size_t size, enum count_source source, enum object_family family,
       struct event_origin origin, struct object *pinned, const char *tag)
{
    events_on_thread++;
    if (op == OP_CREATE)
        pinned = NULL;                  /* a creation always starts a new object */
    struct object *found;
    struct object_stripe *stripe;
    if (source == COUNT_RETURNED) {
        stripe = lock_in_order(address, op, count, pinned, &found);
    } else {
        stripe = objects_lock(address);
        found = current_object(stripe, address, pinned);
    }
    bool kept = source == COUNT_KEPT;
    /* lock_in_order waits on this object's early events as its events so far came. */
    bool unmarked = source == COUNT_RETURNED && op != OP_CREATE && !flights_mine(address);
    struct object *object = object_for(stripe, address, op, found);
    if (object == NULL) {
        report_once("out of memory; some events are missing from the log");
    } else {
        object->timed_order |= unmarked;
        if (kept)
            count = keep_count(object, &op);
        object->recorded = true;
        object->family = (uint8_t)family;
        if (size != 0)
            object->size = size;
        if (op == OP_DESTROY && object->held == NULL && other_pins(object, pinned) > 0) {
            hold_destroy(object, class_name, cache, count, origin);
        } else {
            object->last_count = count;
            write_record(object, class_name, cache, op, count, size, tag, origin);
        }
        if (op == OP_DESTROY)
            objects_remove(stripe, object);     /* kept while pinned */
    }
    objects_unlock(stripe);
}

static enum ref_op counted_op(enum ref_change change, uint32_t count)
{
    if (change == REF_ADD)
        return count == 1 ? OP_CREATE : OP_ADD;
    return count == 0 ? OP_DESTROY : OP_RELEASE;
}

void recorder_counted(const char *class_name, struct class_cache *cache, enum ref_change change,
                      void *object, uint32_t count)
{
    record(class_name, cache, counted_op(change, count), (uintptr_t)object, count, 0,
           COUNT_RETURNED, FAMILY_PLAIN, origin_here(NULL, 0), NULL, NULL);
}

void recorder_counted_at(const char *class_name, struct class_cache *cache,
                         enum ref_change change, void *object, uint32_t count,
                         const uintptr_t *ips, int depth)
{
    record(class_name, cache, counted_op(change, count), (uintptr_t)object, count, 0,
           COUNT_RETURNED, FAMILY_PLAIN, origin_here(ips, depth), NULL, NULL);
}

void recorder_counted_pinned(const struct recorder_pin *pin, const char *class_name,
                             struct class_cache *cache, enum ref_change change, uint32_t count)
{
    record(class_name, cache, counted_op(change, count), pin->address, count, 0,
           COUNT_RETURNED, FAMILY_PLAIN, origin_here(NULL, 0), pin->object, NULL);
}

void recorder_event(const char *class_name, struct class_cache *cache, enum ref_op op,
                    void *object, uint32_t count, size_t size, bool count_is_exact,
                    enum object_family family)
{
    record(class_name, cache, op, (uintptr_t)object, count, size,
           count_is_exact ? COUNT_RETURNED : COUNT_READ, family, origin_here(NULL, 0), NULL,
           NULL);
}

void recorder_created_tagged(const char *class_name, struct class_cache *cache, void *object,
                             size_t size, enum object_family family, const char *tag)
{
    record(class_name, cache, OP_CREATE, (uintptr_t)object, 1, size, COUNT_RETURNED, family,
           origin_here(NULL, 0), NULL, tag);
}

void recorder_event_at(const char *class_name, struct class_cache *cache, enum ref_op op,
                       void *object, uint32_t count, bool count_is_exact,
                       enum object_family family, const uintptr_t *ips, int depth)
{
    record(class_name, cache, op, (uintptr_t)object, count, 0,
           count_is_exact ? COUNT_RETURNED : COUNT_READ, family, origin_here(ips, depth), NULL,
           NULL);
}

void recorder_event_pinned(const struct recorder_pin *pin, const char *class_name,
                           struct class_cache *cache, enum ref_op op, uint32_t count,
                           bool count_is_exact, enum object_family family)
{
    record(class_name, cache, op, pin->address, count, 0,
           count_is_exact ? COUNT_RETURNED : COUNT_READ, family, origin_here(NULL, 0),
           pin->object, NULL);
}

uint64_t recorder_counted_then_leave(const char *class_name, struct class_cache *cache,
                                     enum ref_change change, void *object, uint64_t result,
                                     flight_token flight)
{
    uint32_t count = (uint32_t)result;
    record(class_name, cache, counted_op(change, count), (uintptr_t)object, count, 0,
           COUNT_RETURNED, FAMILY_PLAIN, origin_here(NULL, 0), NULL, NULL);
    flights_land(flight);
    shim_leave();
    return result;
}

uint64_t recorder_pinned_release_then_leave(struct recorder_pin pin, const char *class_name,
                                            struct class_cache *cache, uint64_t result,
                                            flight_token flight)
{
    uint32_t count = (uint32_t)result;
    record(class_name, cache, counted_op(REF_RELEASE, count), pin.address, count, 0,
           COUNT_RETURNED, FAMILY_PLAIN, origin_here(NULL, 0), pin.object, NULL);
    flights_land(flight);
    recorder_unpin(&pin);
    shim_leave();
    return result;
}

void recorder_kept(const char *class_name, struct class_cache *cache, enum ref_op op, void *object)
{
    record(class_name, cache, op, (uintptr_t)object, 0, 0, COUNT_KEPT, FAMILY_PLAIN,
           origin_here(NULL, 0), NULL, NULL);
}

void recorder_kept_at(const char *class_name, struct class_cache *cache, enum ref_op op,
                      void *object, const uintptr_t *ips, int depth)
{
    record(class_name, cache, op, (uintptr_t)object, 0, 0, COUNT_KEPT, FAMILY_PLAIN,
           origin_here(ips, depth), NULL, NULL);
}

int recorder_capture_stack(uintptr_t *ips, int max)
{
    return capture_stack(ips, max < config->depth ? max : config->depth);
}

/* --- exit, unload, fork ---------------------------------------------------------------- */

struct survivor_query {
    enum object_family family;
    const char *(*note_for)(void *object, const char **class_name);
};

static void note_survivor(struct object *object, void *arg)
{
    const struct survivor_query *query = arg;
    bool xpcom = config->format == FORMAT_XPCOM;
    if (!object->introduced || object->family != query->family)
        return;
    const char *class_name = NULL;
    const char *note = query->note_for((void *)object->address, &class_name);
    if (note == NULL)
        return;
    if (xpcom) {
        xpcom_write_note(class_name, object->address, object->serial, note);
        return;
    }
    char storage[96];
    struct textbuf line = textbuf_on(storage, sizeof storage);
    textbuf_add_char(&line, REFSHIM_REC_NOTE);
    add_field_uint(&line, object->serial);
    textbuf_add_char(&line, '\t');
    textbuf_add_str(&line, note);
    textbuf_add_char(&line, '\n');
    if (!line.failed)
        log_write(line.data, line.len);
}

void recorder_annotate_survivors(enum object_family family,
                                 const char *(*note_for)(void *object, const char **class_name))
{
    struct survivor_query query = {family, note_for};
    if (log_is_open())
        objects_each(note_survivor, &query);
}

void recorder_forget_code(uintptr_t start, uintptr_t end)
{
    depot_forget_frames(start, end);
    stack_cache_forget_all();
}

void recorder_before_fork(void)
{
    depot_lock();
    objects_lock_all();
}

void recorder_after_fork_parent(void)
{
    objects_unlock_all();
    depot_unlock();
}

static void forget_introduction(struct object *object, void *arg)
{
    (void)arg;
    object->introduced = false;
}

void recorder_after_fork_child(void)
{
    objects_unlock_all();
    depot_reset_in_child();
    thread_id = 0;
    previous_new_class = 0;             /* the child's log has no N yet */
    pthread_mutex_init(&instrumented_lock, NULL);
    objects_each(forget_introduction, NULL);
    flights_after_fork_child();
    log_reopen_in_child(config);
}
