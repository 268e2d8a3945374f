/* stack_store.c - copies of stacks keyed by stack id (see stack_store.h). */
#include "stack_store.h"

#include <stdlib.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"

struct stored_entry {
    struct stored_stack stack;  /* first: a stack is its entry */
    uint64_t holders;
    UT_hash_handle hh;
};

struct stack_store {
    struct stored_entry *by_id;
};

struct stack_store *stack_store_new(void)
{
    return xcalloc(1, sizeof(struct stack_store));
}

static char *copy_or_null(const char *text)
{
    return text ? xstrdup(text) : NULL;
}

static void free_entry(struct stack_store *store, struct stored_entry *entry)
{
    HASH_DEL(store->by_id, entry);
    for (size_t i = 0; i < entry->stack.frame_count; i++) {
        free((char *)entry->stack.frames[i].function);
        free((char *)entry->stack.frames[i].module);
        free((char *)entry->stack.frames[i].source);
    }
    free(entry->stack.frames);
    free(entry);
}

void stack_store_free(struct stack_store *store)
{
    if (!store)
        return;
    struct stored_entry *entry, *next;
    HASH_ITER(hh, store->by_id, entry, next)
        free_entry(store, entry);
    free(store);
}

void stack_store_release(struct stack_store *store, const struct stored_stack *stack)
{
    struct stored_entry *entry = (struct stored_entry *)(void *)stack;
    if (--entry->holders == 0)
        free_entry(store, entry);
}

const struct stored_stack *stack_store_keep(struct stack_store *store,
                                            const struct log_event *event)
{
    struct stored_entry *entry;
    uint64_t id = log_event_stack_id(event);
    HASH_FIND(hh, store->by_id, &id, sizeof id, entry);
    if (entry) {
        entry->holders++;
        return &entry->stack;
    }
    entry = xcalloc(1, sizeof *entry);
    entry->stack.id = id;
    const struct log_frame *frames;
    size_t frame_count = log_event_frames(event, &frames);
    entry->stack.frame_count = frame_count;
    entry->stack.frames = xcalloc(frame_count, sizeof *entry->stack.frames);
    for (size_t i = 0; i < frame_count; i++) {
        const struct log_frame *frame = &frames[i];
        entry->stack.frames[i].function = xstrdup(frame->function ? frame->function : "???");
        entry->stack.frames[i].module = copy_or_null(frame->module);
        entry->stack.frames[i].offset = frame->offset;
        entry->stack.frames[i].source = copy_or_null(frame->source);
    }
    entry->holders = 1;
    HASH_ADD(hh, store->by_id, stack.id, sizeof entry->stack.id, entry);
    return &entry->stack;
}
