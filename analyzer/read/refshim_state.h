/* refshim_state.h - what the two halves of the refshim log reader share.
 *
 * refshim_format.c reads the log line by line and handles every record, including the
 * errors; refshim_block.c reads the common records (events, stack and frame
 * definitions) straight out of the reader's buffer for speed, and leaves every line it
 * does not handle exactly the same way to the line reader. Both check a record the
 * same way and then change the state through the functions below, so that the two
 * cannot drift apart in what a record does. */
#ifndef REFSHIM_REFSHIM_STATE_H
#define REFSHIM_REFSHIM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "id_map.h"
#include "log_format.h"
#include "object_tracker.h"

struct module_def {
    uint64_t id;
    char *path;
    char *build_id;           /* hex, NULL when the log does not say */
    UT_hash_handle hh;
};

struct frame_def {
    uint64_t id;
    struct log_frame frame; /* function and source owned here, module borrowed */
    struct module_def *module;
    /* What debug information adds, looked up the first time an event uses the frame:
     * one frame per inlined level, innermost first (NULL: the frame as the log has it). */
    bool looked_up;
    struct log_frame *levels;
    size_t level_count;
    UT_hash_handle hh;
};

struct stack_def {
    uint64_t id;
    struct stack_def *parent; /* NULL for the outermost frame */
    struct frame_def *frame;
    size_t depth;             /* number of frames from here outwards */
    UT_hash_handle hh;
};

struct class_def {
    uint64_t id;
    char *name;
    UT_hash_handle hh;
};

struct live_object {
    uint64_t serial;
    char *address;
    uint64_t address_value;
    const char *class_name;   /* the class's, borrowed: one load less per event */
    uint64_t size;            /* bytes, 0 if the log does not say */
};

/* The CLASS and SIZE of the last N of a thread (format 2). */
struct previous_new {
    uint64_t class_id;
    uint64_t size;              /* 0: none */
};

struct refshim_state {
    struct module_def *modules;
    struct frame_def *frames;
    struct stack_def *stacks;
    struct class_def *classes;
    struct id_map objects;          /* live_object by serial */
    struct id_map stack_index;      /* stack_def by id: the stacks table again, for the
                                     * lookups of the frames of an event */
    /* Bit ID is set when stack ID is defined, for the IDs below STACK_BITS_MAX: the
     * check of every event. Stack IDs count from 1, so the bits of a whole log fit in
     * the first-level cache, where the table above is a cache miss per event. */
    uint64_t *stack_bits;
    size_t stack_bit_words;
    struct log_frame *frame_buffer; /* a resolved stack, reused between events */
    size_t frame_buffer_size;
    /* The stack of the event being delivered, by ID: looked up only if it is spelled. */
    uint64_t event_stack_id;
    bool spelled;                   /* frame_buffer holds stack SPELLED_STACK_ID */
    uint64_t spelled_stack_id;
    size_t spelled_count;
    struct object_tracker *tracker;
    unsigned long last_line;    /* of the last record read: where objects left at the end
                                 * are told about */
    bool header_seen;
    unsigned version;               /* of the log's header: REFSHIM_LOG_VERSION or _V1 */
    struct id_map previous_new;     /* format 2: previous_new by TID, for N lines that
                                     * leave out CLASS and SIZE */
    char repeated_class[24], repeated_size[24];     /* their text, filled in */
    bool have_last_tid;
    uint64_t last_tid;              /* of the last event line: an empty TID repeats it */
    /* The event handed to the tracker, kept from one event to the next: the fields
     * that are the same for every event are set once, and an event costs the stores
     * of the fields it changes rather than the clearing of the whole structure, which
     * was the largest single cost of reading an event. */
    struct log_event event;
    /* The block reader stopped before a line (the line reader's), after line
     * BLOCK_STOP_LINE: see refshim_parse_block. */
    bool block_stopped;
    unsigned long block_stop_line;
    /* An object's first event waits for the next line, which may be its `t` record:
     * the tag is the event's. */
    bool have_first_event;
    struct log_event first_event;
    struct change first_change;
    uint64_t first_stack_id;
};

enum { STACK_BITS_MAX = 1 << 26 }; /* a bitmap of 8 MiB at most */

/* One event line, checked: the object is live (or finished, for the line reader only)
 * and the stack defined. */
struct refshim_event {
    char op;                    /* REFSHIM_OP_* */
    bool first;                 /* the line introduces the object */
    uint64_t serial;
    int64_t count;
    uint64_t tid;               /* the empty TID already replaced */
    uint64_t stack_id;              /* 0 or a defined stack */
    struct live_object *object; /* NULL: an event after the object's D */
};

static inline bool refshim_stack_defined(const struct refshim_state *state, uint64_t id)
{
    if (id < STACK_BITS_MAX)
        return id / 64 < state->stack_bit_words &&
               (state->stack_bits[id / 64] >> (id % 64) & 1) != 0;
    return id_map_find(&state->stack_index, id) != NULL;
}

/* Lookups in the definition tables; NULL if ID is not defined. */
struct module_def *refshim_find_module(struct refshim_state *state, uint64_t id);
struct frame_def *refshim_find_frame(struct refshim_state *state, uint64_t id);
struct class_def *refshim_find_class(struct refshim_state *state, uint64_t id);

/* Define what the `f`, `s` records and a first event define, once checked. FUNCTION
 * and SOURCE are as written (not terminated): an empty FUNCTION is `???`, a SOURCE
 * `-` or empty is none. */
void refshim_add_frame(struct refshim_state *state, uint64_t id, struct module_def *module,
                       uint64_t offset, const char *function, size_t function_length,
                       const char *source, size_t source_length);
void refshim_add_stack(struct refshim_state *state, uint64_t id, struct stack_def *parent,
                       struct frame_def *frame);
struct live_object *refshim_add_object(struct refshim_state *state, uint64_t serial,
                                       const char *address, size_t address_length,
                                       uint64_t address_value, struct class_def *class_def,
                                       uint64_t size);

/* Forgets OBJECT, destroyed or noted at exit. */
void refshim_free_object(struct refshim_state *state, struct live_object *object);

/* Delivers READ, read from line LINE_NUMBER, or holds it back for its tag if it is a
 * first event. Inline: it is the work of every event of both readers. */
/* What every event read leaves for the lines after it: its thread (an empty TID is the
 * same) and its stack. */
static inline void refshim_note_event(struct refshim_state *state, const struct refshim_event *read)
{
    state->last_tid = read->tid;
    state->have_last_tid = true;
    state->event_stack_id = read->stack_id;
}

static inline void refshim_deliver_event(struct refshim_state *state,
                                         const struct refshim_event *read,
                                         unsigned long line_number, struct log_sink *sink)
{
    refshim_note_event(state, read);
    const struct live_object *object = read->object;
    char op = read->op;
    /* Every field the tracker or an earlier event may have changed is set again. */
    struct log_event *event = &state->event;
    event->op = (enum log_op)op;
    event->serial = read->serial;
    event->address = object ? object->address : "?";
    event->address_value = object ? object->address_value : 0;
    event->class_name = object ? object->class_name : "?";
    event->count = read->count;
    event->tid = read->tid;
    event->stack_id = read->stack_id;
    event->line = line_number;
    event->delta = op == REFSHIM_OP_NEW || op == REFSHIM_OP_ADDREF ? 1 : -1;
    event->size = object ? object->size : 0;
    event->tag = NULL;
    event->first_seen = false;
    event->anomaly = NULL;
    struct change change = {
        .kind = op == REFSHIM_OP_NEW       ? CHANGE_CREATE
                : op == REFSHIM_OP_DESTROY ? CHANGE_DESTROY
                                           : CHANGE_COUNT,
        .log_serial = read->serial,
        .count_known = true,
    };
    if (read->first && change.kind != CHANGE_DESTROY) {
        state->have_first_event = true;
        state->first_event = *event;
        state->first_change = change;
        state->first_stack_id = read->stack_id;
        return;
    }
    object_tracker_apply(state->tracker, &change, event, sink);
    if (read->object && event->op == LOG_OP_DESTROY)
        refshim_free_object(state, read->object);
}

/* Delivers the first event held back for its tag, with TAG (NULL: none). Every record
 * but `t`, comments and empty lines does this before anything else. */
void refshim_deliver_held_event(struct refshim_state *state, const char *tag,
                                struct log_sink *sink);

static inline void refshim_release_held_event(struct refshim_state *state,
                                              struct log_sink *sink)
{
    if (state->have_first_event)
        refshim_deliver_held_event(state, NULL, sink);
}

/* Reading on two cores (refshim_block.c); see scan_lines and parse_scanned in
 * log_format.h. */
void refshim_scan_lines(const char *data, size_t length, struct scanned_lines *scan);
/* refshim_scan_lines with the vector scanner of the CPU (VECTORS) or the byte by byte
 * one: the unit tests check that both make the same tokens. */
void refshim_scan_lines_with(const char *data, size_t length, struct scanned_lines *scan,
                             bool vectors);
/* For the unit tests: whether two scans made the same tokens, and how many of a scan's
 * tokens are plain events (read from the token, not the text). */
bool refshim_tokens_equal(const struct scanned_lines *a, const struct scanned_lines *b);
size_t refshim_plain_events(const struct scanned_lines *scan);
size_t refshim_parse_scanned(void *state, char *data, size_t length,
                             struct scanned_lines *scan, unsigned long *line_number,
                             struct log_sink *sink, bool *need_more);
/* The block reader (refshim_block.c); see parse_block in log_format.h. */
size_t refshim_parse_block(void *state, const char *data, size_t length,
                           unsigned long *line_number, struct log_sink *sink, bool *need_more);

#endif
