/* mozilla_state.h - what the two halves of the Mozilla reader share.
 *
 * mozilla_format.c reads a log line by line and handles every case, including the
 * errors; mozilla_block.c reads whole records straight out of the reader's buffer for
 * speed and leaves whatever it does not handle exactly the same way to the line
 * reader. Both keep their state here. */
#ifndef REFSHIM_MOZILLA_STATE_H
#define REFSHIM_MOZILLA_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest_map.h"
#include "log_format.h"
#include "object_tracker.h"

/* A distinct stack, parsed the first time it is seen (and again if the cache of known
 * stacks forgot it). */
struct known_stack {
    uint64_t id;
    struct log_frame *frames;
    size_t frame_count;
    char *strings;            /* the frames' strings, cut out of a copy of the text */
};

enum { MOZILLA_MAX_CLASS = 512, MOZILLA_MAX_ADDRESS = 64 };

struct pending_record {
    bool present;
    unsigned long line;
    char class_name[MOZILLA_MAX_CLASS];
    char address[MOZILLA_MAX_ADDRESS];
    uint64_t address_value;
    uint64_t serial;
    char op;                  /* 'A'ddRef, 'R'elease, 'C'reate/Ctor, 'D'estroy/Dtor,
                               * 'K'ept (Note may-be-leaked), 'I'gnored (other notes) */
    int64_t count;
    uint64_t size;
    uint64_t tid;
    bool first_frame_seen;
};

struct mozilla_state {
    struct pending_record record;
    char *stack_text;         /* frame lines of the pending record, after `#NN: ` */
    size_t stack_length, stack_capacity;
    struct digest_map stacks;     /* digest of stack_text -> struct known_stack */
    /* Digest of a record's frame lines exactly as they are in the file -> the
     * known_stack they make (NULL for none), with their line count as the number: a
     * stack seen before costs a digest and one lookup, no parsing. */
    struct digest_map raw_stacks;
    struct stack_chunk *stack_chunks; /* where the known stacks are allocated */
    size_t known_stack_bytes;         /* what they take, roughly */
    struct object_tracker *tracker;
};

/* Parses a record line (NUL-terminated, no line end) into RECORD; LINE is changed. */
bool mozilla_parse_record_line(char *line, struct pending_record *record,
                               struct log_sink *sink);
/* Adds a frame line (`    #NN: text`, LENGTH bytes, no line end, need not be
 * terminated) to the pending record's stack_text, or drops it if it is frame #01. */
bool mozilla_add_frame_line(struct mozilla_state *state, const char *line, size_t length,
                            struct log_sink *sink);
/* The known stack whose text is stack_text (not empty), added if new. */
struct known_stack *mozilla_find_stack(struct mozilla_state *state);
/* Hands the record in state->record, with STACK (or none), to the object tracker. */
void mozilla_deliver(struct mozilla_state *state, const struct known_stack *stack,
                     struct log_sink *sink);
/* The format's parse_block (log_format.h). */
size_t mozilla_parse_block(void *state, const char *data, size_t length,
                           unsigned long *line_number, struct log_sink *sink, bool *need_more);

#endif
