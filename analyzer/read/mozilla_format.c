/* mozilla_format.c - parser for Mozilla's XPCOM refcount and alloc logs.
 *
 * A record is a line `<Class> ADDRESS SERIAL OP [COUNT] [thread 0x...]`, OP being
 * AddRef, Release, Create, Destroy, `Ctor (SIZE)`, `Dtor (SIZE)` or `Note NOTE` (refshim's
 * note at exit, `Note may-be-leaked`), followed by its stack, one `    #NN: frame` line
 * per frame, and an empty line. The record is held
 * until its stack is complete. Frame 01 is the class's own AddRef/Release (or its
 * constructor), which the reader drops the way the refshim shim never logs its own
 * frames, so the innermost frame is the caller in every format.
 *
 * Most stacks of a big log are never looked at (refleaks lists objects, refbalance
 * follows one), so a record keeps its frame lines as written and they are cut into
 * frames only when a consumer asks; its stack id is a digest of those lines. This file
 * handles every line; mozilla_block.c reads the common records faster and leaves the
 * rest to it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fast_hash.h"
#include "log_format.h"
#include "mozilla_state.h"
#include "object_tracker.h"
#include "parse_number.h"
#include "refshim_log.h"

static bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Cuts the next blank-separated word off *CURSOR; NULL when none is left. */
static char *next_word(char **cursor)
{
    char *word = *cursor;
    while (*word == ' ')
        word++;
    if (!*word)
        return NULL;
    char *end = word;
    while (*end && *end != ' ')
        end++;
    if (*end)
        *end++ = '\0';
    *cursor = end;
    return word;
}

/* The `>` that closes the class name: the first `> ` followed by an address. */
static char *class_end(char *line)
{
    for (char *close = strstr(line, "> "); close; close = strstr(close + 1, "> "))
        if (is_hex_digit(close[2]))
            return close;
    return NULL;
}

bool mozilla_parse_record_line(char *line, struct pending_record *record, struct log_sink *sink)
{
    char *close = class_end(line);
    if (!close)
        return log_sink_fail(sink, "record line without `<Class> ADDRESS`");
    size_t class_length = (size_t)(close - line - 1);
    if (class_length == 0 || class_length >= MOZILLA_MAX_CLASS)
        return log_sink_fail(sink, "class name is empty or too long");
    memcpy(record->class_name, line + 1, class_length);
    record->class_name[class_length] = '\0';
    char *cursor = close + 2;
    char *address = next_word(&cursor), *serial = next_word(&cursor), *op = next_word(&cursor);
    if (!address || !serial || !op)
        return log_sink_fail(sink, "record line needs `<Class> ADDRESS SERIAL OP`");
    if (strlen(address) >= MOZILLA_MAX_ADDRESS || !parse_hex_u64(address, &record->address_value))
        return log_sink_fail(sink, "bad address '%.40s'", address);
    strcpy(record->address, address);
    if (!parse_u64(serial, &record->serial))
        return log_sink_fail(sink, "bad serial number '%.40s'", serial);
    record->size = 0;
    record->count = 0;
    bool counted = false;
    if (strcmp(op, "AddRef") == 0 || strcmp(op, "Release") == 0) {
        record->op = op[0];
        counted = true;
    } else if (strcmp(op, "Create") == 0 || strcmp(op, "Ctor") == 0) {
        record->op = 'C';
    } else if (strcmp(op, "Destroy") == 0 || strcmp(op, "Dtor") == 0) {
        record->op = 'D';
    } else if (strcmp(op, "Note") == 0) {
        /* `Note may-be-leaked`: the refshim shim's note at exit that a live object lives to
         * the end on purpose, like refshim's `x` record. Other notes are ignored. */
        char *note = next_word(&cursor);
        if (!note || next_word(&cursor))
            return log_sink_fail(sink, "Note needs one word after it");
        record->op = strcmp(note, REFSHIM_NOTE_MAY_BE_LEAKED) == 0 ? 'K' : 'I';
        record->tid = 0;
        return true;
    } else {
        return log_sink_fail(sink, "unknown operation '%.40s' (expected AddRef, Release, Create, "
                    "Destroy, Ctor or Dtor)", op);
    }
    char *word = next_word(&cursor);
    if (counted) {
        if (!word || !parse_i64(word, &record->count))
            return log_sink_fail(sink, "%s without a valid count", op);
        word = next_word(&cursor);
    } else if (op[1] == 't' && word && word[0] == '(') {
        /* `Ctor (24)` */
        size_t length = strlen(word);
        if (length < 3 || word[length - 1] != ')')
            return log_sink_fail(sink, "bad size '%.40s'", word);
        word[length - 1] = '\0';
        if (!parse_u64(word + 1, &record->size))
            return log_sink_fail(sink, "bad size '%.40s'", word + 1);
        word = next_word(&cursor);
    }
    record->tid = 0;
    if (word) {
        char *thread = next_word(&cursor);
        size_t length = thread ? strlen(thread) : 0;
        if (strcmp(word, "[thread") != 0 || length < 2 || thread[length - 1] != ']')
            return log_sink_fail(sink, "unexpected '%.40s' after the operation", word);
        thread[length - 1] = '\0';
        if (!parse_hex_u64(thread, &record->tid))
            return log_sink_fail(sink, "bad thread '%.40s'", thread);
        if (next_word(&cursor))
            return log_sink_fail(sink, "unexpected text after the thread");
    }
    return true;
}

/* Older logs write `func+0x11 [lib.so +0xOFF]`: the function is `func`, the call site
 * is still told apart by the module offset. */
static void cut_offset_in_function(char *function)
{
    size_t length = strlen(function);
    while (length > 0 && function[length - 1] == ' ')
        function[--length] = '\0';
    char *plus = strrchr(function, '+');
    if (!plus || plus == function || plus[1] != '0' || plus[2] != 'x' || !plus[3])
        return;
    for (const char *digit = plus + 3; *digit; digit++)
        if (!is_hex_digit(*digit))
            return;
    *plus = '\0';
}

/* Splits one frame (the text after `#NN: `) into FRAME; TEXT is changed. */
static void parse_frame(char *text, struct log_frame *frame)
{
    size_t length = strlen(text);
    frame->module = NULL;
    frame->offset = 0;
    frame->source = NULL;
    if (length > 0 && text[length - 1] == ']') {
        /* func[/lib.so +0xOFF] */
        char *open = strrchr(text, '[');
        char *plus = open ? strstr(open, " +0x") : NULL;
        uint64_t offset;
        if (plus) {
            text[length - 1] = '\0';
            if (parse_hex_u64(plus + 2, &offset)) {
                *plus = '\0';
                *open = '\0';
                frame->module = open + 1;
                frame->offset = offset;
                cut_offset_in_function(text);
            } else {
                text[length - 1] = ']';
            }
        }
    } else if (length > 0 && text[length - 1] == ')') {
        /* func (file:line) or ??? (???:???) */
        char *open = NULL;
        for (char *at = strstr(text, " ("); at; at = strstr(at + 1, " ("))
            open = at;
        char *colon = open ? strrchr(open, ':') : NULL;
        if (colon) {
            text[length - 1] = '\0';
            *open = '\0';
            frame->source = strcmp(open + 2, "???:???") == 0 ? NULL : open + 2;
        }
    }
    frame->function = text[0] ? text : "???";
}

/* Where the text of a frame line (LENGTH bytes, no line end) starts, after `#NN: `;
 * NULL if the line has no `#NN: `. *HASH is set to its `#`. */
static const char *frame_text_start(const char *line, size_t length, const char **hash)
{
    const char *colon;
    if (length > 8 && line[4] == '#' && line[7] == ':') {
        *hash = line + 4; /* the usual `    #NN: ` */
        colon = line + 7;
    } else {
        *hash = memchr(line, '#', length);
        colon = *hash ? memchr(*hash, ':', length - (size_t)(*hash - line)) : NULL;
    }
    if (!colon || (size_t)(colon + 1 - line) >= length || colon[1] != ' ')
        return NULL;
    return colon + 2;
}

static void *grow_array(void *array, size_t *capacity, size_t needed, size_t item_size)
{
    if (needed <= *capacity)
        return array;
    *capacity = needed * 2;
    return xrealloc(array, *capacity * item_size);
}

/* log_event_frames for Mozilla events: the frame lines cut into frames the first time a
 * consumer asks, into buffers that are reused from event to event. */
static size_t spell_stack(const struct log_event *event, const struct log_frame **frames)
{
    struct spelled_stack *stack = &((struct mozilla_state *)event->spell_context)->current;
    if (!stack->spelled) {
        stack->text = grow_array(stack->text, &stack->text_capacity, stack->length, 1);
        memcpy(stack->text, stack->lines, stack->length);
        size_t count = 0;
        for (size_t i = 0; i < stack->length; i++)
            count += stack->text[i] == '\n';
        stack->frames = grow_array(stack->frames, &stack->frame_capacity, count,
                                   sizeof *stack->frames);
        char *line = stack->text;
        for (size_t i = 0; i < count; i++) {
            char *end = memchr(line, '\n', stack->length - (size_t)(line - stack->text));
            *end = '\0';
            const char *hash;
            const char *text = frame_text_start(line, (size_t)(end - line), &hash);
            /* Both readers keep only lines with a `#NN: `; the whole line otherwise. */
            parse_frame(text ? line + (text - line) : line, &stack->frames[i]);
            line = end + 1;
        }
        stack->frame_count = count;
        stack->spelled = true;
    }
    *frames = stack->frames;
    return stack->frame_count;
}

/* log_event_stack_id for Mozilla events: equal frame lines make equal stacks, so a
 * digest of the lines names the stack. It is worked out only when a consumer asks:
 * digesting every record's lines would cost as much as reading them. Two stacks of one
 * log share these 64 bits with a probability near n^2 / 2^65: none in practice. */
static uint64_t name_stack(const struct log_event *event)
{
    struct spelled_stack *stack = &((struct mozilla_state *)event->spell_context)->current;
    if (!stack->named) {
        struct fast_digest digest = fast_digest(stack->lines, stack->length);
        stack->id = (digest.low ^ digest.high) ? (digest.low ^ digest.high) : 1;
        stack->named = true;
    }
    return stack->id;
}

void mozilla_deliver(struct mozilla_state *state, const char *lines, size_t length,
                     struct log_sink *sink)
{
    struct pending_record *record = &state->record;
    record->present = false;
    struct change change = {.log_serial = record->serial};
    switch (record->op) {
    case 'A':
        change.kind = record->count == 1 ? CHANGE_CREATE : CHANGE_COUNT;
        change.count_known = true;
        break;
    case 'R':
        change.kind = CHANGE_COUNT;
        change.count_known = true;
        break;
    case 'C':
        change.kind = CHANGE_CREATE;
        change.alloc_only = true;
        break;
    case 'K':
        change.kind = CHANGE_KEPT;
        break;
    case 'I':
        return;
    default:
        change.kind = CHANGE_DESTROY;
        change.alloc_only = true;
        break;
    }
    state->current.lines = lines;
    state->current.length = length;
    state->current.spelled = false;
    state->current.named = false;
    /* From a blank one, not an initializer, which zeroes with `rep stos` (slow to start:
     * a tenth of the time of Asterisk's reader, which had the same). */
    static const struct log_event blank_event;
    struct log_event event = blank_event;
    event.address = record->address;
    event.address_value = record->address_value;
    event.class_name = record->class_name;
    event.count = record->count;
    event.tid = record->tid;
    event.spell_frames = length ? spell_stack : NULL;
    event.spell_context = state;
    event.spell_stack_id = length ? name_stack : NULL;
    event.line = record->line;
    event.delta = record->op == 'A' || record->op == 'C' ? 1 : -1;
    event.size = record->size;
    object_tracker_apply(state->tracker, &change, &event, sink);
}

static void emit_record(struct mozilla_state *state, struct log_sink *sink)
{
    if (!state->record.present)
        return;
    mozilla_deliver(state, state->stack_text, state->stack_length, sink);
    state->stack_length = 0;
}

/* Adds a frame line (`    #NN: text`, LENGTH bytes, no line end) to the pending record's
 * stack_text as it is written, or drops it if it is the record's first and frame #01. */
static bool add_frame_line(struct mozilla_state *state, const char *line, size_t length,
                           struct log_sink *sink)
{
    const char *hash;
    const char *text = frame_text_start(line, length, &hash);
    if (!text)
        return log_sink_fail(sink, "stack frame line without `#NN: `");
    if (!state->record.present)
        return log_sink_fail(sink, "stack frame outside a record");
    if (!state->record.first_frame_seen) {
        state->record.first_frame_seen = true;
        if (text - hash == 5 && hash[1] == '0' && hash[2] == '1')
            return true; /* the class's own AddRef/Release */
    }
    state->stack_text = grow_array(state->stack_text, &state->stack_capacity,
                                   state->stack_length + length + 1, 1);
    memcpy(state->stack_text + state->stack_length, line, length);
    state->stack_length += length;
    state->stack_text[state->stack_length++] = '\n';
    return true;
}

static bool recognizes(const char *first_line)
{
    if (first_line[0] != '<')
        return false;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", first_line);
    struct pending_record record;
    char error[16];
    struct log_sink sink = {.error = error, .error_size = sizeof error};
    return mozilla_parse_record_line(copy, &record, &sink);
}

static void *create(void)
{
    struct mozilla_state *state = xcalloc(1, sizeof *state);
    state->tracker = object_tracker_new();
    return state;
}

static bool parse_line(void *opaque, char *line, size_t length, unsigned long line_number,
                       struct log_sink *sink)
{
    struct mozilla_state *state = opaque;
    if (line[0] == ' ' || line[0] == '\t')
        return add_frame_line(state, line, length, sink);
    if (length == 0) {
        emit_record(state, sink);
        return true;
    }
    if (line[0] != '<')
        return log_sink_fail(sink, "not a Mozilla refcount record (`<Class> ADDRESS SERIAL OP ...`) "
                    "nor a stack frame");
    emit_record(state, sink); /* a record without the empty line before this one */
    struct pending_record *record = &state->record;
    if (!mozilla_parse_record_line(line, record, sink))
        return false;
    record->present = true;
    record->first_frame_seen = false;
    record->line = line_number;
    return true;
}

static bool finish(void *opaque, struct log_sink *sink)
{
    struct mozilla_state *state = opaque;
    /* After a cut, the last record's stack may be incomplete: leave it out. */
    if (!sink->input_cut)
        emit_record(state, sink);
    return true;
}

static void destroy(void *opaque)
{
    struct mozilla_state *state = opaque;
    free(state->stack_text);
    free(state->current.text);
    free(state->current.frames);
    object_tracker_free(state->tracker);
    free(state);
}

const struct log_format mozilla_log_format = {
    .name = "mozilla",
    .recognizes = recognizes,
    .create = create,
    .parse_line = parse_line,
    .parse_block = mozilla_parse_block,
    .scan_lines = mozilla_scan_lines,
    .parse_scanned = mozilla_parse_scanned,
    .finish = finish,
    .destroy = destroy,
};
