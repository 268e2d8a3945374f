/* stack_store.c - copies of stacks keyed by stack id (see stack_store.h). */
#include "stack_store.h"

#include <stdlib.h>
#include <string.h>

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

static void free_entry(struct stack_store *store, struct stored_entry *entry)
{
    HASH_DEL(store->by_id, entry);
    free(entry); /* the frames and their strings are in the same block */
}

/* Bytes FRAME's strings take with their NULs. */
static size_t frame_string_bytes(const struct log_frame *frame)
{
    return strlen(frame->function ? frame->function : "???") + 1 +
           (frame->module ? strlen(frame->module) + 1 : 0) +
           (frame->source ? strlen(frame->source) + 1 : 0);
}

static const char *copy_text(char **into, const char *text)
{
    if (!text)
        return NULL;
    size_t length = strlen(text) + 1;
    char *copy = memcpy(*into, text, length);
    *into += length;
    return copy;
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
    /* One block per stack: the entry, its frames, their strings. Stores of live objects'
     * stacks take and let go of stacks at the rate of allocations, and one malloc and one
     * free each cost less than three per frame. */
    const struct log_frame *frames;
    size_t frame_count = log_event_frames(event, &frames);
    size_t string_bytes = 0;
    for (size_t i = 0; i < frame_count; i++)
        string_bytes += frame_string_bytes(&frames[i]);
    entry = xmalloc(sizeof *entry + frame_count * sizeof *entry->stack.frames + string_bytes);
    memset(entry, 0, sizeof *entry);
    entry->stack.id = id;
    entry->stack.frame_count = frame_count;
    entry->stack.frames = (struct log_frame *)(void *)(entry + 1);
    char *strings = (char *)(entry->stack.frames + frame_count);
    for (size_t i = 0; i < frame_count; i++) {
        const struct log_frame *frame = &frames[i];
        entry->stack.frames[i] = (struct log_frame){
            .function = copy_text(&strings, frame->function ? frame->function : "???"),
            .module = copy_text(&strings, frame->module),
            .offset = frame->offset,
            .source = copy_text(&strings, frame->source),
        };
    }
    entry->holders = 1;
    HASH_ADD(hh, store->by_id, stack.id, sizeof entry->stack.id, entry);
    return &entry->stack;
}
