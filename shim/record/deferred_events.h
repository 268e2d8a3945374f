/* Events of hooked calls made by a signal handler that interrupted the shim's own work on
 * the same thread: they cannot be recorded then (the interrupted code may hold the locks
 * recording takes), so they wait in a small per-thread queue, with their stacks, until
 * the interrupted work ends. So do those of calls made inside a hooked call on the same
 * object (a signal handler's, a toggle notification's, a dispose's), until the outer
 * call's hook knows whether they came before or after its change. */
#ifndef REFSHIM_DEFERRED_EVENTS_H
#define REFSHIM_DEFERRED_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "depot.h"
#include "recorder.h"

/* What a handler would have recorded: with recorder_event when AS_EVENT (CHANGE is a
 * ref_op; COUNT, COUNT_IS_EXACT and FAMILY as recorder_event takes them: GObject and
 * mini-object hooks), else with recorder_counted when COUNTED (CHANGE is a ref_change,
 * COUNT the returned count), else with recorder_kept (CHANGE is a ref_op). */
struct deferred_event {
    const char *class_name;
    struct class_cache *cache;
    bool counted;
    int change;
    void *object;
    uint32_t count;
    bool as_event;
    bool count_is_exact;
    enum object_family family;
    /* 1 + the place of this thread's mark (flights.h) that must come off first, or 0: the
     * mark of the call a signal handler interrupted on the same object, whose change came
     * first but is recorded after the call returns. */
    uint32_t after_mark;
};

/* Called by a hook's handler when shim_enter() failed. When the call comes from a signal
 * handler that interrupted the shim, queues EVENT with the call's stack (or counts it as
 * lost when the queue is full) and returns true; when it is the shim's own call, returns
 * false and the call is not an event. */
bool deferred_events_offer(const struct deferred_event *event);
/* Called inside shim_enter() by a hook's handler whose thread has a mark on the same
 * object, set in EVENT's after_mark: queues EVENT with the call's stack until that mark
 * comes off, and returns true; false when the queue is full. */
bool deferred_events_hold(const struct deferred_event *event);
/* True when this thread has queued events that can be recorded now: the first is not
 * waiting for a mark to come off (after_mark). */
bool deferred_events_waiting(void);
/* Records this thread's queued events; inside shim_enter(). */
void deferred_events_record(void);
/* The first queued event when it waits for this thread's mark at PLACE, or NULL (and
 * for FLIGHT_NONE): the marked call's hook tells from its count whether the calls made
 * inside it came before its change. */
const struct deferred_event *deferred_events_held_by(flight_token place);
/* Records now the queued events that wait for the mark at PLACE (FLIGHT_NONE: none);
 * inside shim_enter(). */
void deferred_events_record_held(flight_token place);
/* Records now the queued events of OBJECT that wait for any mark, before its D. */
void deferred_events_record_held_on(const void *object);

#endif
