/* object_tracker.h - follows objects through a log's count changes, for every format.
 *
 * A format says what a line does to which object (create, change, destroy); the tracker
 * knows which objects are alive and their counts, so it turns that into a normalized
 * event: the object's serial number, the op (N/A/R/D, or X for a change that belongs to
 * no live object) and what cannot be right about it (a Release of an object never
 * created, a change after destruction, a count that jumps because an event is missing).
 * It keeps the live objects and, to recognize a change after destruction, one bit per
 * finished serial or the destroyed addresses not yet reused.
 *
 * Its record of a live object is the analyzers' only one: 32 bytes (serial, address as
 * a number, count, class as a number, first thread and flags) in one array, found
 * through open-addressing indexes of eight-byte slots; no allocation per object. The
 * address's spelling is kept aside only when the log's differs from 0x%x. The reports
 * that list the objects alive at the end claim the tracker a reading makes (below)
 * instead of keeping copies of their own. */
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
    /* Found by address: the record + 1 object_tracker_find_address told, checked before
     * it is used; 0: none, looked up. */
    uint32_t record_hint;
    /* Not NULL: the pool id + 1 of event->class_name, kept here by the tracker for the
     * next change with the same class text (0: not yet known); saves hashing the name. */
    uint32_t *class_id_cache;
};

struct object_tracker;

struct object_tracker *object_tracker_new(void);
/* The reader's end of its tracker: freed, unless a claim (below) holds it: then only
 * what finds objects is freed; the live objects stay for the claimant. */
void object_tracker_free(struct object_tracker *tracker);

/* A report that needs the live objects claims the tracker of the next reading: the
 * next object_tracker_new stores itself in CLAIM->tracker, and the reader's
 * object_tracker_free leaves it to the claimants, the last of whom frees it with
 * object_tracker_end_claim after the reading. Up to TRACKER_CLAIMS reports may claim one
 * reading (the fuzz harness feeds the leak table and the history at once). USER_SLOTS:
 * keep one pointer per live object for the claimant (object_tracker_event_slot). */
enum { TRACKER_CLAIMS = 2 };
struct tracker_claim {
    struct object_tracker *tracker;
    bool user_slots;
    unsigned slot;          /* the tracker's: which of a record's user slots is this one's */
};
void object_tracker_claim_next(struct tracker_claim *claim);
void object_tracker_release(struct object_tracker *tracker);
/* After the reading: lets go of CLAIM's tracker (freed once no claimant holds it), or
 * withdraws CLAIM if none took it (a log of an unknown format). */
void object_tracker_end_claim(struct tracker_claim *claim);
/* While an event is delivered: CLAIM's user slot of its object (NULL at its creation), or
 * NULL for an event of no live object or a claim without user slots. */
void **object_tracker_event_slot(const struct tracker_claim *claim);
/* After the reading: CLAIM's user slot of live object HANDLE (object_tracker_live_objects). */
void *object_tracker_user_value(const struct tracker_claim *claim, uint32_t handle);

/* One live object as the reports see it; ADDRESS is spelled as the log spelled it,
 * in ADDRESS_BUFFER or kept by the tracker. */
struct live_object_view {
    uint64_t serial;
    const char *address;
    char address_buffer[24];
    const char *class_name;
    int64_t count;
};
size_t object_tracker_live_count(const struct object_tracker *tracker);
/* The live objects in serial (allocation) order, as handles for object_tracker_view;
 * the array (COUNT handles) is the caller's to free. */
uint32_t *object_tracker_live_objects(const struct object_tracker *tracker, size_t *count);
void object_tracker_view(const struct object_tracker *tracker, uint32_t handle,
                         struct live_object_view *view);
/* Completes EVENT (frames, tid, line, delta, address, class... filled by the format;
 * serial, op, count, first_seen and anomaly filled here) and hands it to the sink. */
/* True if the object with the log's serial SERIAL was destroyed earlier in the log. */
bool object_tracker_serial_finished(const struct object_tracker *tracker, uint64_t serial);
/* At the end of a log with serials: an object still alive whose address a later object
 * took while it lived lost its destruction; it is ended with a warning on LAST_LINE, so
 * that two live objects never share one address. */
void object_tracker_finish(struct object_tracker *tracker, unsigned long last_line,
                           struct log_sink *sink);
/* Starts fetching what an event of the object with KEY (its log serial if BY_SERIAL,
 * else its address) will look up, a few events ahead of it: in the first STAGE, its
 * index slot; in the second, a few events later, its record. Readers that know the
 * keys ahead (tokens of the reading thread) call it; it changes nothing. PREFETCH_LIVE_SLOT
 * is the first stage for a change that needs no more than a live object (a count change):
 * the destroyed objects' table is left alone. */
enum tracker_prefetch { PREFETCH_SLOT, PREFETCH_RECORD, PREFETCH_LIVE_SLOT };
void object_tracker_prefetch(const struct object_tracker *tracker, bool by_serial, uint64_t key,
                             enum tracker_prefetch stage);
void object_tracker_apply(struct object_tracker *tracker, const struct change *change,
                          struct log_event *event, struct log_sink *sink);
/* For a reading of lives (log_reader.h's LOG_EVENTS_LIVES), a shortcut of
 * object_tracker_apply for the commonest line of a log: a count change by DELTA to COUNT
 * (known) of the live object with KEY (its log serial if BY_SERIAL, else its address),
 * by thread TID. Applies it and returns true if it is quiet (nothing wrong, the object
 * stays alive) and SINK does not want it; else changes nothing and returns false, and
 * the change goes through object_tracker_apply as any other. */
bool object_tracker_quiet_count(struct object_tracker *tracker, const struct log_sink *sink,
                                bool by_serial, uint64_t key, int64_t delta, int64_t count,
                                uint64_t tid);
/* One change of a run of quiet count changes (object_tracker_quiet_run): the object with
 * the log's serial SERIAL changed by DELTA to COUNT. */
struct quiet_change {
    uint32_t serial;
    int32_t count;
    int32_t delta;
};
/* object_tracker_quiet_count (BY_SERIAL) of CHANGES[0..COUNT-1] in order, all by thread
 * TID, in one call: stops at the first that is not quiet, which it leaves unapplied, and
 * returns how many it applied. A big log's runs of AddRefs and Releases, without a call
 * and the sink's questions for each line. */
size_t object_tracker_quiet_run(struct object_tracker *tracker, const struct log_sink *sink,
                                const struct quiet_change *changes, size_t count, uint64_t tid);
/* The live object found by ADDRESS (no log serial): its record + 1 (a hint for struct
 * change's record_hint), and its count in *COUNT; 0 if none is alive there. */
uint32_t object_tracker_find_address(const struct object_tracker *tracker, uint64_t address,
                                     int64_t *count);
/* For a log that tells the count before each change (Asterisk's STATE): the quiet count
 * change of the live object found by ADDRESS, applied (true) only if its count is
 * COUNT_BEFORE; else nothing changes. One call for a line that needs no more. */
bool object_tracker_quiet_count_from(struct object_tracker *tracker,
                                     const struct log_sink *sink, uint64_t address,
                                     int64_t count_before, int64_t delta, uint64_t tid);
/* object_tracker_quiet_count of an object found by ADDRESS, through HINT first. */
bool object_tracker_quiet_count_hinted(struct object_tracker *tracker,
                                       const struct log_sink *sink, uint32_t hint,
                                       uint64_t address, int64_t delta, int64_t count,
                                       uint64_t tid);

/* For a format that finds objects by address (Asterisk's), the two commonest changes a
 * reading of lives delivers, applied and delivered exactly as object_tracker_apply would
 * (event fields as it wants them), with one lookup and fewer tests. Each returns false,
 * having changed nothing, when the change is not that one:
 * - the creation (CHANGE_CREATE, count known: EVENT's count, above 0) of an object at an
 *   address where none is alive; CLASS_ID_CACHE as struct change's;
 * - the destruction (CHANGE_DESTROY, count not known) of the live object at EVENT's
 *   address, whose count EVENT's delta takes to 0 or below. */
bool object_tracker_birth_at_address(struct object_tracker *tracker, struct log_event *event,
                                     uint32_t *class_id_cache, struct log_sink *sink);
bool object_tracker_death_at_address(struct object_tracker *tracker, struct log_event *event,
                                     struct log_sink *sink);

#endif
