/* stack_store.h - keeps copies of the stacks a report prints after the log is read.
 *
 * Events lend their frames only for the duration of the callback; reports that print
 * allocation stacks at the end copy each distinct stack once, found by its stack id,
 * so memory grows with the distinct stacks, not with the events. */
#ifndef REFSHIM_STACK_STORE_H
#define REFSHIM_STACK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "log_reader.h"

struct stored_stack {
    uint64_t id;
    size_t frame_count;
    struct log_frame *frames; /* innermost first, strings owned by the store */
};

struct stack_store;

struct stack_store *stack_store_new(void);
void stack_store_free(struct stack_store *store);
/* The copy of EVENT's stack, made the first time its stack id is seen; each call holds
 * it once more. */
const struct stored_stack *stack_store_keep(struct stack_store *store,
                                            const struct log_event *event);
/* Lets go of STACK once; the copy goes when nothing holds it, so that a store whose
 * holders let go keeps only the stacks still held (those of the live objects), not every
 * stack the log had. */
void stack_store_release(struct stack_store *store, const struct stored_stack *stack);

#endif
