/* Turning reference-count changes into log records. Every function here must be called
 * from a hook's handler or the instrumentation API, inside shim_enter():
 * the stack is captured from there. */
#ifndef REFSHIM_RECORDER_H
#define REFSHIM_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "depot.h"
#include "flights.h"
#include "refshim_log.h"

enum ref_change {
    REF_ADD,            /* AddRef / ref / retain */
    REF_RELEASE,        /* Release / unref / release */
};

/* The operations are the log's own (refshim_log.h). */
enum ref_op {
    OP_CREATE = REFSHIM_OP_NEW,
    OP_ADD = REFSHIM_OP_ADDREF,
    OP_RELEASE = REFSHIM_OP_RELEASE,
    OP_DESTROY = REFSHIM_OP_DESTROY,
};

void recorder_init(const struct config *config);
/* True when REFLOG_CLASSES lets CLASS_NAME be logged. */
bool recorder_class_wanted(const char *class_name);
/* True when REFLOG_CLASSES may let a class whose name starts with PREFIX be logged. */
bool recorder_classes_may_start_with(const char *prefix);

/* The instrumentation API logged an event of CLASS_NAME: from now on its hooked AddRef
 * and Release methods stay silent, so that no change is logged twice. */
void recorder_note_instrumented(const char *class_name);
/* True when CLASS_NAME is logged through the instrumentation API. CACHE (per caller, zero
 * at first) keeps the answer until another class is noted, so that the question costs
 * no lock on every call. */
struct instrumented_cache {
    uint64_t answer;    /* atomic: generation << 1 | instrumented; threads share it */
};
bool recorder_class_instrumented(const char *class_name, struct instrumented_cache *cache);

/* In the functions below, CACHE (may be NULL) remembers CLASS_NAME's number in the log for
 * the caller. */

/* A function that returns the new count (C++ AddRef/Release) left COUNT references on
 * OBJECT: an AddRef that leaves 1 creates the object, a Release that leaves 0 destroys it. */
void recorder_counted(const char *class_name, struct class_cache *cache, enum ref_change change,
                      void *object, uint32_t count);
/* Where an object's events come from, so that code that knows more about its kind of
 * object can look at the live ones at exit. */
enum object_family {
    FAMILY_PLAIN,               /* C++ methods, named functions, the API */
    FAMILY_GOBJECT,             /* a GObject: gobject_survivor_note may read it */
    FAMILY_MINI_OBJECT,         /* a GstMiniObject: gst_mini_survivor_note may read it */
    FAMILY_AO2,                 /* an Asterisk ao2 object: ao2_survivor_note may read it */
};

/* OP happened to OBJECT, which now has COUNT references: exact when the caller was told
 * (the instrumentation API), not when it was read from the object after the fact
 * (GObject). SIZE is the object's size in bytes when OP creates it, 0 if unknown. */
void recorder_event(const char *class_name, struct class_cache *cache, enum ref_op op,
                    void *object, uint32_t count, size_t size, bool count_is_exact,
                    enum object_family family);
/* recorder_event for a creation (exact count 1) whose allocation carries TAG, a text
 * (Asterisk's ao2 tag): a `t` record follows the object's first event when TAG is not
 * NULL or empty. */
void recorder_created_tagged(const char *class_name, struct class_cache *cache, void *object,
                             size_t size, enum object_family family, const char *tag);
/* OP happened to OBJECT and the shim keeps the count: a new object has 1 reference, an
 * object first seen by an AddRef or Release is taken to have had 1. */
void recorder_kept(const char *class_name, struct class_cache *cache, enum ref_op op, void *object);

/* The stack of the hooked call being handled, for an event recorded later with one of the
 * functions below: up to MAX (and REFLOG_DEPTH) frames in IPS, innermost first; returns
 * how many. */
int recorder_capture_stack(uintptr_t *ips, int max);
/* recorder_kept and recorder_counted for an event whose stack was captured earlier. */
void recorder_kept_at(const char *class_name, struct class_cache *cache, enum ref_op op,
                      void *object, const uintptr_t *ips, int depth);
void recorder_counted_at(const char *class_name, struct class_cache *cache,
                         enum ref_change change, void *object, uint32_t count,
                         const uintptr_t *ips, int depth);
/* recorder_event (without a size: no creation is deferred) for the same. */
void recorder_event_at(const char *class_name, struct class_cache *cache, enum ref_op op,
                       void *object, uint32_t count, bool count_is_exact,
                       enum object_family family, const uintptr_t *ips, int depth);

/* An object pinned by a hooked call that may drop a reference it will not own after the
 * call (Release, unref, an ao2 -1): the call's change, recorded after it, goes to this
 * object even if another thread destroyed it meanwhile and a new object took its address
 * (recorder.c, "pins"). Pin before the call, record with the *_pinned functions after it,
 * then unpin, whether anything was recorded or not. OBJECT NULL: not pinned (the shim ran
 * out of memory), events go by address. */
struct object;
struct recorder_pin {
    struct object *object;
    uintptr_t address;
};
void recorder_pin(void *object, struct recorder_pin *pin);
/* recorder_pin, returning the pin: a caller that takes no pin's address may end with a
 * tail call (recorder_pinned_release_then_leave). */
struct recorder_pin recorder_pin_object(void *object);
void recorder_unpin(struct recorder_pin *pin);
/* recorder_counted and recorder_event (no creation) for the pinned object. */
void recorder_counted_pinned(const struct recorder_pin *pin, const char *class_name,
                             struct class_cache *cache, enum ref_change change, uint32_t count);
void recorder_event_pinned(const struct recorder_pin *pin, const char *class_name,
                           struct class_cache *cache, enum ref_op op, uint32_t count,
                           bool count_is_exact, enum object_family family);

/* The last steps of a hooked C++ AddRef or Release, for its handler to end with as tail
 * calls, so that the handler's frame is gone when the stack is captured: one frame fewer
 * to unwind on every event. Each records as recorder_counted (the second as
 * recorder_counted_pinned, then recorder_unpin), leaves the shim (shim_leave) and
 * returns RESULT, the hooked call's, whose low 32 bits are the count; the handler's
 * mark on the object, FLIGHT (flights.h), comes off once the event is in. PIN is passed
 * by value: the address of a local of the handler's would keep its frame. */
uint64_t recorder_counted_then_leave(const char *class_name, struct class_cache *cache,
                                     enum ref_change change, void *object, uint64_t result,
                                     flight_token flight);
uint64_t recorder_pinned_release_then_leave(struct recorder_pin pin, const char *class_name,
                                            struct class_cache *cache, uint64_t result,
                                            flight_token flight);

/* At exit: writes an x record (xpcom: a Note record) for each logged object of FAMILY
 * still alive for which NOTE_FOR returns a note (a word, such as "may-be-leaked"); it
 * also gives the object's class name. */
void recorder_annotate_survivors(enum object_family family,
                                 const char *(*note_for)(void *object, const char **class_name));

/* How many events this thread has recorded: lets a hook tell whether the call it wraps
 * recorded anything itself through nested hooked calls. */
uint64_t recorder_events_on_thread(void);

/* A module was unloaded: forget what is known about addresses in [START, END), since
 * another module may be loaded there. */
void recorder_forget_code(uintptr_t start, uintptr_t end);

/* fork(2) handling: the lock must not be held across fork, and the child starts a log of
 * its own with everything defined anew. */
void recorder_before_fork(void);
void recorder_after_fork_parent(void);
void recorder_after_fork_child(void);

#endif
