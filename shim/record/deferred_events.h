/* Events of hooked calls made by a signal handler that interrupted the shim's own work on
 * the same thread: they cannot be recorded then (the interrupted code may hold the locks
 * recording takes), so they wait in a small per-thread queue, with their stacks, until
 * the interrupted work ends. */
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
};

/* Called by a hook's handler when shim_enter() failed. When the call comes from a signal
 * handler that interrupted the shim, queues EVENT with the call's stack (or counts it as
 * lost when the queue is full) and returns true; when it is the shim's own call, returns
 * false and the call is not an event. */
bool deferred_events_offer(const struct deferred_event *event);
/* True when this thread has queued events. */
bool deferred_events_waiting(void);
/* Records this thread's queued events; inside shim_enter(). */
void deferred_events_record(void);

#endif
