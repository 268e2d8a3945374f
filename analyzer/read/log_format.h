/* log_format.h - the interface each supported log format implements.
 *
 * log_reader.c owns the file: it splits it into lines (dropping NUL bytes and `\r`),
 * notices a cut last line, and picks the format whose `recognizes` accepts the first
 * non-empty line, which is also the first line the format is given. A format only
 * turns lines into events, through the object tracker (object_tracker.h) that all
 * formats share. Formats whose records span several lines (Mozilla's XPCOM refcount
 * log: a record line followed by its stack) keep the pending record in their state and
 * emit it from the next record or from `finish`.
 *
 * A format may also read straight from the reader's buffer (`parse_block`), many lines
 * per call, which is how gigabyte logs are read at the speed of the disk cache; it
 * reads only what it can read exactly as `parse_line` would and leaves the rest, errors
 * included, to `parse_line`. */
#ifndef REFSHIM_LOG_FORMAT_H
#define REFSHIM_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "log_reader.h"

/* Where a format delivers events and reports errors. */
struct log_sink {
    log_event_fn on_event;
    void *user;
    char *error;        /* a format writes "what is wrong" here (no file or line) */
    size_t error_size;
    bool input_cut;     /* set before `finish` if the last line was cut: a pending
                         * record may then be incomplete and is dropped */
    /* What the handler is given (log_reader.h's struct log_wanted): with lives_only, no
     * quiet count change (object_tracker_quiet_count) but those of the object followed,
     * if any: its serial or its address is FOLLOW_KEY. */
    bool lives_only;
    enum log_follow follow;
    uint64_t follow_key;
};

/* Writes "what is wrong" to SINK's error and returns false, for `return log_sink_fail(...)`. */
bool log_sink_fail(struct log_sink *sink, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Lines a format read ahead on the reading thread (chunk_reader.h), stream offsets
 * START to END, whole lines: one token per line, of the format's own layout, each
 * starting with a struct scanned_line_head. The reader keeps NEXT and NEXT_OFFSET on the
 * line it is at, whoever read the lines before. */
struct scanned_line_head {
    uint32_t length;            /* bytes of the line, its '\n' included */
};

struct scanned_lines {
    uint64_t start, end;
    void *tokens;               /* malloc'd by scan_lines; NULL: nothing scanned */
    size_t count, token_size;
    size_t next;                /* the token of the line at NEXT_OFFSET */
    uint64_t next_offset;
    const void *scanned_by;     /* the struct log_format whose scan_lines made them */
    /* Set before scan_lines: the reading is one of lives (log_reader.h), so a token may
     * leave out what only a delivered line needs, for the parser to work out if it is. */
    bool lives_only;
};

static inline const struct scanned_line_head *scanned_token(const struct scanned_lines *scan,
                                                            size_t index)
{
    return (const struct scanned_line_head *)(const void *)((const char *)scan->tokens +
                                                            index * scan->token_size);
}

/* The tokens a scan_lines makes, grown as it goes; handed to SCAN at the end. */
struct token_array {
    void *items;
    size_t count, capacity, size;
};

/* Starts ARRAY with room for CAPACITY tokens of SIZE bytes; false if memory ran out (the
 * lines are then read from their text, as without the reading thread). */
static inline bool token_array_start(struct token_array *array, size_t capacity, size_t size)
{
    *array = (struct token_array){malloc(capacity * size), 0, capacity, size};
    return array->items != NULL;
}

/* Room for the next token (counted once the caller adds 1 to COUNT), doubling the array
 * when full; NULL if memory ran out: the scan stops there, the tokens so far kept. */
static inline void *token_array_room(struct token_array *array)
{
    if (array->count == array->capacity) {
        void *grown = realloc(array->items, 2 * array->capacity * array->size);
        if (!grown)
            return NULL;
        array->items = grown;
        array->capacity *= 2;
    }
    return (char *)array->items + array->count * array->size;
}

static inline void token_array_hand_over(struct token_array *array, struct scanned_lines *scan)
{
    scan->tokens = array->items;
    scan->count = array->count;
    scan->token_size = array->size;
}

struct log_format {
    const char *name;
    /* True if FIRST_LINE (without its line end) starts a log of this format. */
    bool (*recognizes)(const char *first_line);
    void *(*create)(void);
    /* Handles one complete line (NUL-terminated, LENGTH bytes, no line end; LINE_NUMBER
     * counts from 1 and includes the first line). Returns false after writing
     * sink->error if the line is wrong. */
    bool (*parse_line)(void *state, char *line, size_t length, unsigned long line_number,
                       struct log_sink *sink);
    /* Optional. Reads complete lines from the start of DATA (LENGTH bytes, NULs
     * already dropped, not terminated) with the same events and state as `parse_line`
     * would give for them, and returns how many bytes it read (whole lines), adding the
     * lines to *LINE_NUMBER. It stops at the first line it does not handle, never
     * reporting an error: the reader gives that line to `parse_line`. It sets
     * *NEED_MORE when it stopped only because a record goes on past LENGTH. */
    size_t (*parse_block)(void *state, const char *data, size_t length,
                          unsigned long *line_number, struct log_sink *sink, bool *need_more);
    /* Optional, with parse_scanned: reading on two cores. Reads the LENGTH bytes of whole
     * lines at DATA into tokens (what can be known of a line without any earlier line),
     * on the reading thread, so it touches no state; fills SCAN's tokens, count and
     * token_size, or leaves tokens NULL. It may move SCAN's start (and next_offset)
     * forward past lines it leaves to the other readers, and sets its end after the
     * last line it made a token of. */
    void (*scan_lines)(const char *data, size_t length, struct scanned_lines *scan);
    /* Like parse_block, for DATA that starts at SCAN's next line: reads lines from the
     * tokens, advancing SCAN's next and next_offset past the lines it read. It may
     * write into the lines it reads (the reader's own buffer), never into others. */
    size_t (*parse_scanned)(void *state, char *data, size_t length,
                            struct scanned_lines *scan, unsigned long *line_number,
                            struct log_sink *sink, bool *need_more);
    /* Called at the end of the input; may emit a pending record. */
    bool (*finish)(void *state, struct log_sink *sink);
    void (*destroy)(void *state);
};

extern const struct log_format refshim_log_format;
extern const struct log_format mozilla_log_format;
extern const struct log_format asterisk_log_format;

#endif
