/* The objects the shim knows to be alive: address -> serial number. */
#ifndef REFSHIM_OBJECTS_H
#define REFSHIM_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct object {
    uintptr_t address;
    uint64_t serial;
    bool logged;        /* selected by REFLOG_OBJECTS */
    bool introduced;    /* its o record is in the log */
    uint8_t family;     /* enum object_family of the recorder */
    bool unordered;     /* has changes the shim cannot see: its events are not reordered */
    uint8_t order_timeouts; /* waits for an earlier event that did not come */
    bool timed_order;   /* an event came unmarked (flights.h): early ones wait a set time */
    uint32_t count;     /* for functions whose count the shim keeps (REFLOG_NEW...) */
    uint32_t last_count;/* the count of its last recorded event */
    size_t log_end;     /* where its last event ends in the log */
    size_t size;        /* bytes, when its creation said (GObject, the API); else 0 */
    bool recorded;      /* has had an event (else a pin made it and may drop it) */
    bool detached;      /* out of the table (destroyed or replaced), kept for its pins */
    uint32_t pins;      /* hooked calls under way that will record events of it */
    struct held_destroy *held;  /* its destruction, waiting for the last pin (recorder) */
};

/* The table is split in stripes by address, each with its own lock, so that threads
 * working on different objects do not wait for each other. An object's events are
 * recorded under its stripe's lock, which keeps them in order. */
struct object_stripe;

struct object_stripe *objects_lock(uintptr_t address);
void objects_unlock(struct object_stripe *stripe);

/* Under the stripe's lock: the live object at ADDRESS, or NULL. */
struct object *objects_find(struct object_stripe *stripe, uintptr_t address);
/* Under the stripe's lock: starts a new object at ADDRESS with the next serial number,
 * replacing any object that was there. NULL when out of memory. */
struct object *objects_create(struct object_stripe *stripe, uintptr_t address);
/* Under the stripe's lock: takes OBJECT out of the table, so that its address finds no
 * object, or a newer one. Its memory is freed once no pin holds it: a call that pinned it
 * may still record an event of it (recorder_pin), and frees it by calling this again. */
void objects_remove(struct object_stripe *stripe, struct object *object);

/* Calls VISIT for every live object, each stripe locked in turn. */
void objects_each(void (*visit)(struct object *object, void *arg), void *arg);
/* fork(2): no stripe may be locked across it. */
void objects_lock_all(void);
void objects_unlock_all(void);

#endif
