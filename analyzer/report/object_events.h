/* object_events.h - the event history of the one object refbalance shows, for the
 * "events" of its JSON and the history table of its HTML page.
 *
 * Stacks are kept once per distinct stack and tags once per distinct text, so an object
 * with a million events costs about 48 bytes per event. */
#ifndef REFSHIM_OBJECT_EVENTS_H
#define REFSHIM_OBJECT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "log_reader.h"
#include "stack_store.h"

struct object_event {
    unsigned long line;
    enum log_op op;
    int64_t delta;
    int64_t count;
    uint64_t tid;
    const char *tag;                   /* Asterisk's reason, else NULL */
    const struct stored_stack *stack;
};

struct object_events {
    uint64_t serial;
    char *address;        /* as the log wrote it */
    char *class_name;
    struct object_event *events;
    size_t count, capacity;
    struct stack_store *stacks;
    struct string_pool *tags;
};

struct object_events *object_events_new(void);
void object_events_free(struct object_events *history);
/* Forgets the events kept: another object was chosen. */
void object_events_reset(struct object_events *history);
void object_events_add(struct object_events *history, const struct log_event *event);

#endif
