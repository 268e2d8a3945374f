/* Turning reference-count changes into log records. */
#ifndef REFSHIM_RECORDER_H
#define REFSHIM_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

enum ref_change {
    REF_ADD,            /* AddRef / ref / retain */
    REF_RELEASE,        /* Release / unref / release */
};

void recorder_init(const struct config *config);
/* Records that a CHANGE on OBJECT of class CLASS_NAME left COUNT references. An AddRef
 * that leaves 1 creates the object, a Release that leaves 0 destroys it. Must be called
 * from within refshim_on_call (the stack is captured from there). */
void recorder_change(const char *class_name, enum ref_change change, void *object,
                     uint32_t count);

/* fork(2) handling: the lock must not be held across fork, and the child starts a log of
 * its own with everything defined anew. */
void recorder_before_fork(void);
void recorder_after_fork_parent(void);
void recorder_after_fork_child(void);

#endif
