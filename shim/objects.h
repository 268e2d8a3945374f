/* The objects the shim knows to be alive: address -> serial number. */
#ifndef REFSHIM_OBJECTS_H
#define REFSHIM_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

struct object {
    uintptr_t address;
    uint64_t serial;
    bool logged;        /* selected by REFLOG_OBJECTS */
    bool introduced;    /* its o record is in the log */
    uint32_t count;     /* for functions whose count the shim keeps (REFLOG_NEW...) */
};

/* Returns the live object at ADDRESS, or NULL. */
struct object *objects_find(uintptr_t address);
/* Starts a new object at ADDRESS with the next serial number, replacing any object that
 * was there. Returns NULL when out of memory. */
struct object *objects_create(uintptr_t address);
void objects_remove(struct object *object);
/* Calls VISIT for every live object. */
void objects_each(void (*visit)(struct object *object, void *arg), void *arg);
/* After fork: the child's log is new, so every object must be introduced again. */
void objects_forget_introductions(void);

#endif
