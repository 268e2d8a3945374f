/* The queue of events made by signal handlers while the shim was busy on their thread
 * (deferred_events.h). A signal handler runs to its end before the code it interrupted
 * goes on, so a thread's queue has one consumer, the thread's own shim_leave, which no
 * producer ever runs during: a producer reserves a slot, fills it and is done before
 * the consumer looks. What does not fit is counted and reported once at exit. */
#include "deferred_events.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <string.h>
#include <sys/mman.h>

#include "arch.h"
#include "config.h"
#include "flights.h"
#include "report.h"
#include "stack_capture.h"
#include "unwind_signals.h"

/* A first event symbolizes its frames, which may keep the shim busy for milliseconds:
 * a 10 kHz timer lands a few dozen times in that. The queue is mapped on a thread's
 * first need (mmap may be called in a signal handler), not kept by every thread. */
#define QUEUE_SIZE 1024        /* 10 ms of a 10 kHz handler making 6 calls, with room */
#define QUEUED_DEPTH 256        /* REFLOG_DEPTH's most: the pages of slots used are touched */
#define WALKED_DEPTH 64         /* a signal handler's walk, on what may be a small stack */

struct queued_event {
    struct deferred_event event;
    bool recorded;      /* before the events ahead of it, which wait for a mark */
    int depth;
    uintptr_t ips[QUEUED_DEPTH];
};

static __thread struct queued_event *queue;
static __thread unsigned queue_head, queue_tail;        /* tail: signal-fenced */
static unsigned long lost_events;                        /* atomic: over all threads */

static bool in_shim_text(uintptr_t ip)
{
    return ip >= shim_text_start && ip < shim_text_end;
}


/* Walks the stack with libunwind's step by step unwinder, which may run in a signal
 * handler. Returns true when a signal frame comes before any frame of the shim's own
 * below the handler's: the call was made by a signal handler that interrupted the
 * shim. Fills IPS with the frames that are not the shim's. */
static bool made_by_signal_handler(uintptr_t *ips, int max, int *depth)
{
    unw_context_t context;
    unw_cursor_t cursor;
    *depth = 0;
    if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0)
        return false;
    bool left_shim = false, signal_seen = false;
    do {
        unw_word_t ip = 0;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0)
            break;
        if (in_shim_text(ip)) {
            if (left_shim && !signal_seen)
                return false;
            continue;
        }
        left_shim = true;
        if (unw_is_signal_frame(&cursor) > 0 || arch_is_sigreturn_trampoline(ip))
            signal_seen = true;
        else if (*depth < max)
            ips[(*depth)++] = ip;
    } while (unw_step(&cursor) > 0);
    return signal_seen;
}

/* A slot at the tail for an event, or NULL when there is none. No reader comes between
 * this and publish: the reader is this thread's shim_leave, and the caller is inside the
 * shim or in a signal handler that interrupted it. */
static struct queued_event *reserve(void)
{
    if (queue == NULL) {
        void *mem = mmap(NULL, QUEUE_SIZE * sizeof *queue, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem != MAP_FAILED)
            queue = mem;
    }
    unsigned tail = __atomic_load_n(&queue_tail, __ATOMIC_RELAXED);
    if (queue == NULL || tail - queue_head >= QUEUE_SIZE)
        return NULL;
    tail = __atomic_fetch_add(&queue_tail, 1, __ATOMIC_RELAXED);
    return &queue[tail % QUEUE_SIZE];
}

/* Fills SLOT, whose DEPTH frames are in, with EVENT. */
static void publish(struct queued_event *slot, const struct deferred_event *event, int depth)
{
    slot->event = *event;
    slot->recorded = false;
    slot->depth = depth;
    __atomic_signal_fence(__ATOMIC_RELEASE);
    flights_deferred(+1);       /* before the handler's mark comes off */
}

bool deferred_events_offer(const struct deferred_event *event)
{
    uintptr_t ips[WALKED_DEPTH];
    int depth;
    /* One mask change for the walk, not libunwind's two a frame: where a system call
     * costs a microsecond (a kernel with page-table isolation), a 5 kHz handler making
     * six calls spent all of its thread's time in them, and the queue overflowed. */
    unsigned hold = unwind_signals_hold();
    bool deferred = made_by_signal_handler(ips, WALKED_DEPTH, &depth);
    unwind_signals_release(hold);
    if (!deferred)
        return false;
    struct queued_event *slot = reserve();
    if (slot == NULL) {
        __atomic_add_fetch(&lost_events, 1, __ATOMIC_RELAXED);
        return true;
    }
    memcpy(slot->ips, ips, (size_t)depth * sizeof ips[0]);
    publish(slot, event, depth);
    return true;
}

bool deferred_events_hold(const struct deferred_event *event)
{
    struct queued_event *slot = reserve();
    if (slot == NULL)
        return false;
    publish(slot, event, recorder_capture_stack(slot->ips, QUEUED_DEPTH));
    return true;
}

/* The queue is read from its head to the tail seen here. Events that wait for a mark
 * (after_mark) stay where they are while the events behind them are recorded, and are
 * recorded in their turn when it comes off: nested calls on an object being disposed
 * wait behind those on the container whose dispose let it go. */
static unsigned seen_tail(void)
{
    unsigned tail = __atomic_load_n(&queue_tail, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_ACQUIRE);
    return tail;
}

static struct queued_event *slot_at(unsigned i)
{
    return &queue[i % QUEUE_SIZE];
}

static bool can_record(const struct queued_event *slot)
{
    return !slot->recorded &&
           (slot->event.after_mark == 0 || flights_landed(slot->event.after_mark - 1));
}

bool deferred_events_waiting(void)
{
    for (unsigned i = queue_head, tail = seen_tail(); i != tail; i++)
        if (can_record(slot_at(i)))
            return true;
    return false;
}

static void record_slot(struct queued_event *slot)
{
    const struct deferred_event *e = &slot->event;
    /* Still in flight until it is in the log: marked, as its hook marked it. */
    flight_token flight = flights_depart(e->object);
    flights_deferred(-1);
    if (e->as_event)
        recorder_event_at(e->class_name, e->cache, (enum ref_op)e->change, e->object,
                          e->count, e->count_is_exact, e->family, slot->ips, slot->depth);
    else if (e->counted)
        recorder_counted_at(e->class_name, e->cache, (enum ref_change)e->change, e->object,
                            e->count, slot->ips, slot->depth);
    else
        recorder_kept_at(e->class_name, e->cache, (enum ref_op)e->change, e->object,
                         slot->ips, slot->depth);
    flights_land(flight);
    slot->recorded = true;
}

/* Drops the recorded events at the head. */
static void advance_head(void)
{
    for (unsigned tail = seen_tail(); queue_head != tail && slot_at(queue_head)->recorded;)
        queue_head++;
}

void deferred_events_record(void)
{
    for (unsigned i = queue_head, tail = seen_tail(); i != tail; i++)
        if (can_record(slot_at(i)))
            record_slot(slot_at(i));
    advance_head();
}

/* Whether SLOT waits for a mark: the one at PLACE (FLIGHT_NONE: any), for OBJECT (NULL:
 * any object). */
static bool held_for(const struct queued_event *slot, flight_token place, const void *object)
{
    const struct deferred_event *e = &slot->event;
    return !slot->recorded && e->after_mark != 0 &&
           (place == FLIGHT_NONE || e->after_mark == place + 1) &&
           (object == NULL || e->object == object);
}

/* Records now, in their order, the queued events held_for PLACE and OBJECT. */
static void record_held(flight_token place, const void *object)
{
    for (unsigned i = queue_head, tail = seen_tail(); i != tail; i++)
        if (held_for(slot_at(i), place, object))
            record_slot(slot_at(i));
    advance_head();
}

const struct deferred_event *deferred_events_held_by(flight_token place)
{
    if (place == FLIGHT_NONE)
        return NULL;
    for (unsigned i = queue_head, tail = seen_tail(); i != tail; i++)
        if (held_for(slot_at(i), place, NULL))
            return &slot_at(i)->event;
    return NULL;
}

void deferred_events_record_held(flight_token place)
{
    if (place != FLIGHT_NONE)
        record_held(place, NULL);
}

void deferred_events_record_held_on(const void *object)
{
    record_held(FLIGHT_NONE, object);
}

__attribute__((destructor)) static void report_lost_events(void)
{
    unsigned long lost = __atomic_load_n(&lost_events, __ATOMIC_RELAXED);
    if (lost > 0)
        report("%lu AddRef/Release calls made by signal handlers while the shim was busy "
               "were not recorded (more than %d waited at once): the log misses them",
               lost, QUEUE_SIZE);
}
