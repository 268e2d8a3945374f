/* object_tracker.h - follows objects through a log's count changes, for every format.
 *
 * A format says what a line does to which object (create, change, destroy); the tracker
 * knows which objects are alive and their counts, so it turns that into a normalized
 * event: the object's serial number, the op (N/A/R/D, or X for a change that belongs to
 * no live object) and what cannot be right about it (a Release of an object never
 * created, a change after destruction, a count that jumps because an event is missing).
 * It keeps the live objects and, to recognize a change after destruction, one bit per
 * finished serial or the destroyed addresses not yet reused. */
#ifndef REFSHIM_OBJECT_TRACKER_H
#define REFSHIM_OBJECT_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "log_format.h"

enum change_kind {
    CHANGE_CREATE,       /* AddRef to 1, N, Create, Ctor, Asterisk constructor */
    CHANGE_COUNT,        /* AddRef, Release; destroys the object if the count reaches 0 */
    CHANGE_DESTROY,      /* D, Destroy, Dtor, Asterisk destructor */
    CHANGE_INVALID,      /* Asterisk `**invalid**`: the object's memory is not an object */
    CHANGE_KEPT          /* alive to the end on purpose: not a leak (refshim `x` note) */
};

/* What a format knows about one line besides the event fields it fills itself. */
struct change {
    enum change_kind kind;
    uint64_t log_serial;  /* the log's serial number; 0 if it has none: then the address
                           * identifies the object */
    bool count_known;     /* event->count holds the count after the change */
    bool logs_count_before; /* ...worked out from the count before it, which the log gives
                             * (Asterisk's STATE): messages then speak of that one */
    bool alloc_only;      /* an alloc-log line (Create/Ctor/Destroy/Dtor): no count */
};

struct object_tracker;

struct object_tracker *object_tracker_new(void);
void object_tracker_free(struct object_tracker *tracker);
/* Completes EVENT (frames, tid, line, delta, address, class... filled by the format;
 * serial, op, count, first_seen and anomaly filled here) and hands it to the sink. */
/* True if the object with the log's serial SERIAL was destroyed earlier in the log. */
bool object_tracker_serial_finished(const struct object_tracker *tracker, uint64_t serial);
/* At the end of a log with serials: an object still alive whose address a later object
 * took while it lived lost its destruction; it is ended with a warning on LAST_LINE, so
 * that two live objects never share one address. */
void object_tracker_finish(struct object_tracker *tracker, unsigned long last_line,
                           struct log_sink *sink);
void object_tracker_apply(struct object_tracker *tracker, const struct change *change,
                          struct log_event *event, struct log_sink *sink);

#endif
