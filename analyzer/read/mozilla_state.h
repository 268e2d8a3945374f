/* mozilla_state.h - what the two halves of the Mozilla reader share.
 *
 * mozilla_format.c reads a log line by line and handles every case, including the
 * errors; mozilla_block.c reads whole records straight out of the reader's buffer for
 * speed and leaves whatever it does not handle exactly the same way to the line
 * reader. Both keep their state here.
 *
 * A record's stack is kept as its frame lines exactly as written (after a dropped frame
 * #01), in the reader's buffer or in stack_text: most events' stacks are never looked
 * at, so they are cut into frames only when a consumer asks (log_event_frames). */
#ifndef REFSHIM_MOZILLA_STATE_H
#define REFSHIM_MOZILLA_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_format.h"
#include "object_tracker.h"

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

/* The stack of the event being delivered, and its frames once a consumer asked. */
struct spelled_stack {
    const char *lines;        /* frame lines, each ending in '\n'; not owned */
    size_t length;
    bool spelled;             /* frames below are those of LINES */
    bool named;               /* id below is that of LINES */
    uint64_t id;
    char *text;               /* a copy of LINES, cut into the frames' strings */
    size_t text_capacity;
    struct log_frame *frames;
    size_t frame_count, frame_capacity;
};

struct mozilla_state {
    struct pending_record record;
    char *stack_text;         /* the line reader's pending frame lines, as written */
    size_t stack_length, stack_capacity;
    struct spelled_stack current;
    struct object_tracker *tracker;
};

/* Parses a record line (NUL-terminated, no line end) into RECORD; LINE is changed. */
bool mozilla_parse_record_line(char *line, struct pending_record *record,
                               struct log_sink *sink);
/* Hands the record in state->record to the object tracker, with its stack: frame lines
 * LINES (LENGTH bytes, each line ending in '\n', as written after `#01`; LENGTH 0:
 * none), which must stay in place until the event is delivered. */
void mozilla_deliver(struct mozilla_state *state, const char *lines, size_t length,
                     struct log_sink *sink);
/* Reading on two cores (mozilla_block.c): scan_lines and parse_scanned of log_format.h. */
void mozilla_scan_lines(const char *data, size_t length, struct scanned_lines *scan);
size_t mozilla_parse_scanned(void *state, char *data, size_t length,
                             struct scanned_lines *scan, unsigned long *line_number,
                             struct log_sink *sink, bool *need_more);
/* The format's parse_block (log_format.h). */
size_t mozilla_parse_block(void *state, const char *data, size_t length,
                           unsigned long *line_number, struct log_sink *sink, bool *need_more);

#endif
