/* object_events.c - one object's events, kept for printing (see object_events.h). */
#include "object_events.h"

#include <stdlib.h>

#include "alloc.h"
#include "string_pool.h"

struct object_events *object_events_new(void)
{
    struct object_events *history = xcalloc(1, sizeof *history);
    history->stacks = stack_store_new();
    history->tags = string_pool_new();
    return history;
}

void object_events_free(struct object_events *history)
{
    if (!history)
        return;
    free(history->address);
    free(history->class_name);
    free(history->events);
    stack_store_free(history->stacks);
    string_pool_free(history->tags);
    free(history);
}

void object_events_reset(struct object_events *history)
{
    history->count = 0;
}

void object_events_add(struct object_events *history, const struct log_event *event)
{
    if (history->count == 0 || history->serial != event->serial) {
        history->serial = event->serial;
        free(history->address);
        free(history->class_name);
        history->address = xstrdup(event->address ? event->address : "");
        history->class_name = xstrdup(event->class_name ? event->class_name : "?");
    }
    if (history->count == history->capacity) {
        history->capacity = history->capacity ? history->capacity * 2 : 16;
        history->events = xrealloc(history->events, history->capacity * sizeof *history->events);
    }
    history->events[history->count++] = (struct object_event){
        event->line, event->op, event->delta, event->count, event->tid,
        string_pool_intern(history->tags, event->tag), stack_store_keep(history->stacks, event),
    };
}
