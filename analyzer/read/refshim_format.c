/* refshim_format.c - parser for the shim's own log format (doc/log-format.md).
 *
 * The format writes each module, frame, stack node and class once and refers to it by
 * number afterwards, so the parser keeps those tables for the whole log; they grow with
 * the number of distinct stacks, not with the number of events. Objects are kept only
 * while alive: a `D` event removes them. What the events do to the objects, and what
 * cannot be right about them, is the object tracker's business. The common records are
 * also read straight from the reader's buffer, by refshim_block.c, which shares the
 * state and the changes to it (refshim_state.h) and leaves everything else here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "debug_symbols.h"
#include "frame_text.h"
#include "holder_records.h"
#include "log_format.h"
#include "parse_number.h"
#include "refshim_log.h"
#include "refshim_state.h"

#define MAX_FIELDS 8

/* A record split at its TABs. */
struct record {
    char *field[MAX_FIELDS];
    size_t count;
    const char *kind;
};

static bool recognizes(const char *first_line)
{
    size_t n = strlen(REFSHIM_LOG_MAGIC);
    return strncmp(first_line, REFSHIM_LOG_MAGIC, n) == 0 &&
           (first_line[n] == ' ' || first_line[n] == '\0');
}

static size_t spell_event_frames(const struct log_event *event, const struct log_frame **frames);

static void *create(void)
{
    struct refshim_state *state = xcalloc(1, sizeof *state);
    state->tracker = object_tracker_new();
    state->event.spell_frames = spell_event_frames;
    state->event.spell_context = state;
    return state;
}

static void split_record(char *line, struct record *record)
{
    /* A byte loop: fields are a few bytes long, too short for strchr to pay. */
    record->count = 1;
    record->field[0] = line;
    for (char *at = line; *at; at++) {
        if (*at != '\t')
            continue;
        *at = '\0';
        if (record->count < MAX_FIELDS)
            record->field[record->count] = at + 1;
        record->count++;
    }
    record->kind = record->field[0];
}

static bool expect_fields(const struct record *record, size_t expected, struct log_sink *sink)
{
    if (record->count == expected)
        return true;
    return log_sink_fail(sink, "'%s' record has %zu fields, expected %zu", record->kind, record->count,
                expected);
}

/* Parses field INDEX as a number; WHAT names it in the message. */
static bool number_field(const struct record *record, size_t index, const char *what,
                         uint64_t *value, struct log_sink *sink)
{
    if (parse_u64(record->field[index], value))
        return true;
    return log_sink_fail(sink, "bad %s '%.40s' in '%s' record", what, record->field[index], record->kind);
}

/* Parses the ID of a definition: a number, not 0 (0 means "none"), not yet defined. */
static bool new_id_field(const struct record *record, bool already_defined_check(void *, uint64_t),
                         void *table_owner, uint64_t *id, struct log_sink *sink)
{
    if (!number_field(record, 1, "ID", id, sink))
        return false;
    if (*id == 0)
        return log_sink_fail(sink, "ID 0 is reserved in '%s' record", record->kind);
    if (already_defined_check(table_owner, *id))
        return log_sink_fail(sink, "'%s' %" PRIu64 " is defined twice", record->kind, *id);
    return true;
}

#define DEFINED_CHECK(table_name, type)                                         \
    static bool table_name##_defined(void *owner, uint64_t id)                  \
    {                                                                           \
        struct refshim_state *state = owner;                                    \
        type *found;                                                            \
        HASH_FIND(hh, state->table_name, &id, sizeof id, found);                \
        return found != NULL;                                                   \
    }

DEFINED_CHECK(modules, struct module_def)
DEFINED_CHECK(frames, struct frame_def)
DEFINED_CHECK(stacks, struct stack_def)
DEFINED_CHECK(classes, struct class_def)

struct module_def *refshim_find_module(struct refshim_state *state, uint64_t id)
{
    struct module_def *module;
    HASH_FIND(hh, state->modules, &id, sizeof id, module);
    return module;
}

struct frame_def *refshim_find_frame(struct refshim_state *state, uint64_t id)
{
    struct frame_def *frame;
    HASH_FIND(hh, state->frames, &id, sizeof id, frame);
    return frame;
}

struct class_def *refshim_find_class(struct refshim_state *state, uint64_t id)
{
    struct class_def *class_def;
    HASH_FIND(hh, state->classes, &id, sizeof id, class_def);
    return class_def;
}

void refshim_add_frame(struct refshim_state *state, uint64_t id, struct module_def *module,
                       uint64_t offset, const char *function, size_t function_length,
                       const char *source, size_t source_length)
{
    struct frame_def *frame = xcalloc(1, sizeof *frame);
    frame->id = id;
    frame->frame.function = function_length ? xstrndup(function, function_length)
                                            : xstrdup("???");
    frame->frame.module = module ? module->path : NULL;
    frame->module = module;
    frame->frame.offset = offset;
    bool no_source = source_length == 0 || (source_length == 1 && source[0] == '-');
    frame->frame.source = no_source ? NULL : xstrndup(source, source_length);
    HASH_ADD(hh, state->frames, id, sizeof frame->id, frame);
}

void refshim_add_stack(struct refshim_state *state, uint64_t id, struct stack_def *parent,
                       struct frame_def *frame)
{
    struct stack_def *stack = xcalloc(1, sizeof *stack);
    stack->id = id;
    stack->parent = parent;
    stack->frame = frame;
    stack->depth = parent ? parent->depth + 1 : 1;
    HASH_ADD(hh, state->stacks, id, sizeof stack->id, stack);
    id_map_add(&state->stack_index, id, stack);
    if (id < STACK_BITS_MAX) {
        size_t word = (size_t)id / 64;
        if (word >= state->stack_bit_words) {
            size_t words = state->stack_bit_words ? state->stack_bit_words : 64;
            while (words <= word)
                words *= 2;
            state->stack_bits = xrealloc(state->stack_bits, words * sizeof *state->stack_bits);
            memset(state->stack_bits + state->stack_bit_words, 0,
                   (words - state->stack_bit_words) * sizeof *state->stack_bits);
            state->stack_bit_words = words;
        }
        state->stack_bits[word] |= UINT64_C(1) << (id % 64);
    }
}

struct live_object *refshim_add_object(struct refshim_state *state, uint64_t serial,
                                       const char *address, size_t address_length,
                                       uint64_t address_value, struct class_def *class_def,
                                       uint64_t size)
{
    struct live_object *object = xcalloc(1, sizeof *object);
    object->serial = serial;
    object->address = xstrndup(address, address_length);
    object->address_value = address_value;
    object->class_name = class_def->name;
    object->size = size;
    id_map_add(&state->objects, serial, object);
    return object;
}

static bool parse_module(struct refshim_state *state, struct record *record,
                         struct log_sink *sink)
{
    uint64_t id;
    if (record->count != 4 && !expect_fields(record, 3, sink))
        return false;
    if (!new_id_field(record, modules_defined, state, &id, sink))
        return false;
    const char *build_id = record->count == 4 ? record->field[3] : NULL;
    if (build_id && (strlen(build_id) % 2 != 0 || strlen(build_id) < 2 ||
                     strspn(build_id, "0123456789abcdef") != strlen(build_id)))
        return log_sink_fail(sink, "bad BUILD-ID '%.40s' in 'm' record", build_id);
    struct module_def *module = xcalloc(1, sizeof *module);
    module->id = id;
    module->path = xstrdup(record->field[2]);
    module->build_id = build_id ? xstrdup(build_id) : NULL;
    HASH_ADD(hh, state->modules, id, sizeof module->id, module);
    return true;
}

static bool parse_frame(struct refshim_state *state, struct record *record,
                        struct log_sink *sink)
{
    uint64_t id, module_id, offset;
    if (!expect_fields(record, 6, sink) || !new_id_field(record, frames_defined, state, &id, sink) ||
        !number_field(record, 2, "MODULE", &module_id, sink))
        return false;
    if (!parse_u64(record->field[3], &offset) && !parse_hex_u64(record->field[3], &offset))
        return log_sink_fail(sink, "bad OFFSET '%.40s' in 'f' record", record->field[3]);
    struct module_def *module = NULL;
    if (module_id != 0) {
        module = refshim_find_module(state, module_id);
        if (!module)
            return log_sink_fail(sink, "module %" PRIu64 " is not defined", module_id);
    }
    const char *function = record->field[4], *source = record->field[5];
    refshim_add_frame(state, id, module, offset, function, strlen(function), source,
                      strlen(source));
    return true;
}

static bool parse_stack(struct refshim_state *state, struct record *record,
                        struct log_sink *sink)
{
    uint64_t id, parent_id, frame_id;
    if (!expect_fields(record, 4, sink) || !new_id_field(record, stacks_defined, state, &id, sink) ||
        !number_field(record, 2, "PARENT", &parent_id, sink) ||
        !number_field(record, 3, "FRAME", &frame_id, sink))
        return false;
    struct stack_def *parent = NULL;
    if (parent_id != 0) {
        HASH_FIND(hh, state->stacks, &parent_id, sizeof parent_id, parent);
        if (!parent)
            return log_sink_fail(sink, "stack %" PRIu64 " is not defined", parent_id);
    }
    struct frame_def *frame = refshim_find_frame(state, frame_id);
    if (!frame)
        return log_sink_fail(sink, "frame %" PRIu64 " is not defined", frame_id);
    refshim_add_stack(state, id, parent, frame);
    return true;
}

static bool parse_class(struct refshim_state *state, struct record *record,
                        struct log_sink *sink)
{
    uint64_t id;
    if (!expect_fields(record, 3, sink) || !new_id_field(record, classes_defined, state, &id, sink))
        return false;
    struct class_def *class_def = xcalloc(1, sizeof *class_def);
    class_def->id = id;
    class_def->name = xstrdup(record->field[2]);
    HASH_ADD(hh, state->classes, id, sizeof class_def->id, class_def);
    return true;
}

/* Makes object SERIAL live at the address in field ADDRESS_FIELD of RECORD, of the class
 * in the field after it, with the size in the field after that when RECORD has it. */
static bool introduce_object(struct refshim_state *state, struct record *record, uint64_t serial,
                             size_t address_field, struct log_sink *sink)
{
    uint64_t address_value, class_id, size = 0;
    const char *address = record->field[address_field];
    if (record->count > address_field + 2 &&
        !number_field(record, address_field + 2, "SIZE", &size, sink))
        return false;
    if (!parse_hex_u64(address, &address_value))
        return log_sink_fail(sink, "bad ADDRESS '%.40s' in '%s' record", address, record->kind);
    if (!number_field(record, address_field + 1, "CLASS", &class_id, sink))
        return false;
    if (serial == 0)
        return log_sink_fail(sink, "SERIAL 0 is reserved in 'o' record");
    struct live_object *object = id_map_find(&state->objects, serial);
    if (object)
        return log_sink_fail(sink, "object %" PRIu64 " is introduced twice", serial);
    struct class_def *class_def = refshim_find_class(state, class_id);
    if (!class_def)
        return log_sink_fail(sink, "class %" PRIu64 " is not defined", class_id);
    refshim_add_object(state, serial, address, strlen(address), address_value, class_def, size);
    return true;
}

/* `o SERIAL ADDRESS CLASS [SIZE]`, which shims before the object's first event carried
 * these fields wrote on a line of its own. */
static bool parse_object(struct refshim_state *state, struct record *record,
                         struct log_sink *sink)
{
    uint64_t serial;
    if (record->count != 5 && !expect_fields(record, 4, sink))
        return false;
    if (!number_field(record, 1, "SERIAL", &serial, sink))
        return false;
    return introduce_object(state, record, serial, 2, sink);
}

static void free_live_object(void *value)
{
    struct live_object *object = value;
    free(object->address);
    free(object);
}

void refshim_free_object(struct refshim_state *state, struct live_object *object)
{
    id_map_remove(&state->objects, object->serial);
    free_live_object(object);
}

/* The number of frames FRAME stands for once debug information is asked. */
static size_t frame_levels(struct frame_def *frame)
{
    if (!frame->looked_up) {
        frame->looked_up = true;
        /* Start-up code, named already, is never shown: the lookup would only cost, and
         * for the C library's frames with its debug file installed it is libdw inflating
         * the whole of that file's DWARF (30 to 40 ms). */
        if (frame_text_is_startup_name(frame->frame.function))
            return 1;
        frame->level_count = debug_symbols_resolve(
            &frame->frame, frame->module ? frame->module->build_id : NULL, &frame->levels);
    }
    return frame->level_count ? frame->level_count : 1;
}

/* Fills the frame buffer with STACK's frames, innermost first, inlined levels included;
 * returns their number. */
static size_t resolve_stack(struct refshim_state *state, const struct stack_def *stack)
{
    size_t depth = 0;
    for (const struct stack_def *s = stack; s; s = s->parent)
        depth += frame_levels(s->frame);
    if (depth > state->frame_buffer_size) {
        state->frame_buffer = xrealloc(state->frame_buffer, depth * sizeof *state->frame_buffer);
        state->frame_buffer_size = depth;
    }
    size_t i = 0;
    for (; stack; stack = stack->parent) {
        const struct frame_def *frame = stack->frame;
        if (frame->level_count == 0)
            state->frame_buffer[i++] = frame->frame;
        for (size_t level = 0; level < frame->level_count; level++)
            state->frame_buffer[i++] = frame->levels[level];
    }
    return depth;
}

/* log_event_frames for refshim events: the stack tree walked only when a consumer asks,
 * and once per event however often it asks. */
static size_t spell_event_frames(const struct log_event *event, const struct log_frame **frames)
{
    struct refshim_state *state = event->spell_context;
    if (!state->spelled || state->spelled_stack_id != state->event_stack_id) {
        state->spelled = true;
        state->spelled_stack_id = state->event_stack_id;
        state->spelled_count = resolve_stack(
            state, id_map_find(&state->stack_index, state->event_stack_id));
    }
    *frames = state->frame_buffer;
    return state->spelled_count;
}

/* The thread of a format-2 event whose TID field is TEXT: an empty one is the previous
 * event line's. False when no thread is known. */
static bool v2_event_thread(const struct refshim_state *state, const char *text, uint64_t *tid)
{
    if (text[0] == '\0') {
        *tid = state->last_tid;
        return state->have_last_tid;
    }
    return parse_u64(text, tid);
}

/* Fills in the CLASS and SIZE that a format-2 N leaves out, its thread's previous N's, or
 * remembers them for the thread's next N. RECORD is in format 1's order already. */
static bool v2_repeat_class(struct refshim_state *state, struct record *record,
                            struct log_sink *sink)
{
    uint64_t tid;
    if (record->kind[0] != REFSHIM_OP_NEW || !v2_event_thread(state, record->field[3], &tid) ||
        tid == 0)
        return record->count > REFSHIM_FIRST_EVENT_MIN_FIELDS ||
               log_sink_fail(sink, "'%s' record leaves out CLASS, which only an N after an N "
                             "of its thread may", record->kind);
    struct previous_new *previous = id_map_find(&state->previous_new, tid);
    if (record->count > REFSHIM_FIRST_EVENT_MIN_FIELDS) {
        uint64_t class_id, size = 0;
        if (!parse_u64(record->field[6], &class_id) ||
            (record->count > 7 && !parse_u64(record->field[7], &size)))
            return true;                /* parse_event tells what is wrong */
        if (!previous) {
            previous = xcalloc(1, sizeof *previous);
            id_map_add(&state->previous_new, tid, previous);
        }
        *previous = (struct previous_new){class_id, size};
        return true;
    }
    if (!previous)
        return log_sink_fail(sink, "'N' record leaves out CLASS, and thread %" PRIu64
                             " has no N before it", tid);
    snprintf(state->repeated_class, sizeof state->repeated_class, "%" PRIu64, previous->class_id);
    snprintf(state->repeated_size, sizeof state->repeated_size, "%" PRIu64, previous->size);
    record->field[6] = state->repeated_class;
    record->field[7] = state->repeated_size;
    record->count = previous->size ? 8 : 7;
    return true;
}

/* Puts a format-2 event's fields in format 1's order (OP SERIAL COUNT TID STACK
 * [ADDRESS CLASS [SIZE]]), which parse_event reads: the TID after STACK moves before it
 * (empty when left out), and an N's left-out CLASS and SIZE are filled in. */
static bool v2_event_as_v1(struct refshim_state *state, struct record *record,
                           struct log_sink *sink)
{
    size_t n = record->count;
    bool first = n >= REFSHIM_FIRST_EVENT_MIN_FIELDS && n <= REFSHIM_FIRST_EVENT_MAX_FIELDS;
    if (!first && n != REFSHIM_EVENT_FIELDS && n != REFSHIM_EVENT_FIELDS + 1)
        return log_sink_fail(sink, "'%s' record has %zu fields, expected 4 or 5 (6 to 8 on an "
                             "object's first event)", record->kind, n);
    char *stack = record->field[3];
    record->field[3] = n > REFSHIM_EVENT_FIELDS ? record->field[4] : stack + strlen(stack);
    record->field[4] = stack;
    if (!first) {
        record->count = 5;
        return true;
    }
    return v2_repeat_class(state, record, sink);
}

static bool parse_event(struct refshim_state *state, struct record *record,
                        unsigned long line_number, struct log_sink *sink)
{
    if (state->version != REFSHIM_LOG_VERSION_V1 && !v2_event_as_v1(state, record, sink))
        return false;
    struct refshim_event event = {.op = record->kind[0]};
    /* An object's first event introduces it: OP SERIAL COUNT TID STACK ADDRESS CLASS
     * [SIZE]. */
    event.first = record->count == 7 || record->count == 8;
    if ((!event.first && !expect_fields(record, 5, sink)) ||
        !number_field(record, 1, "SERIAL", &event.serial, sink))
        return false;
    if (!parse_i64(record->field[2], &event.count))
        return log_sink_fail(sink, "bad COUNT '%.40s' in '%s' record", record->field[2], record->kind);
    if (record->field[3][0] == '\0') {
        /* Left out by the shim: the same thread as the event line before. */
        if (!state->have_last_tid)
            return log_sink_fail(sink, "empty TID in the first event of the log");
        event.tid = state->last_tid;
    } else if (!number_field(record, 3, "TID", &event.tid, sink)) {
        return false;
    }
    if (!number_field(record, 4, "STACK", &event.stack_id, sink))
        return false;
    if (event.stack_id != 0) {
        if (!refshim_stack_defined(state, event.stack_id))
            return log_sink_fail(sink, "stack %" PRIu64 " is not defined", event.stack_id);
    }
    if (event.first && !introduce_object(state, record, event.serial, 5, sink))
        return false;
    event.object = id_map_find(&state->objects, event.serial);
    /* After D the object is gone from the table: the tracker reports the change. */
    if (!event.object && !object_tracker_serial_finished(state->tracker, event.serial))
        return log_sink_fail(sink, "event for object %" PRIu64 ", which no earlier line introduced",
                             event.serial);
    refshim_deliver_event(state, &event, line_number, sink);
    return true;
}

void refshim_deliver_held_event(struct refshim_state *state, const char *tag,
                                struct log_sink *sink)
{
    if (!state->have_first_event)
        return;
    state->have_first_event = false;
    state->event_stack_id = state->first_stack_id;
    state->first_event.tag = tag;
    object_tracker_apply(state->tracker, &state->first_change, &state->first_event, sink);
}

/* `t SERIAL TAG`: the allocation's tag, right after the object's first event. */
static bool parse_tag(struct refshim_state *state, struct record *record,
                      struct log_sink *sink)
{
    uint64_t serial;
    if (!expect_fields(record, 3, sink) || !number_field(record, 1, "SERIAL", &serial, sink))
        return false;
    if (!record->field[2][0])
        return log_sink_fail(sink, "empty TAG in 't' record");
    if (!id_map_find(&state->objects, serial) &&
        !object_tracker_serial_finished(state->tracker, serial))
        return log_sink_fail(sink, "'t' record for object %" PRIu64
                             ", which no earlier line introduced", serial);
    if (!state->have_first_event || state->first_event.serial != serial)
        return log_sink_fail(sink, "'t' record for object %" PRIu64
                             " does not follow its first event", serial);
    refshim_deliver_held_event(state, record->field[2], sink);
    return true;
}

/* `x SERIAL NOTE`: a note at exit about a live object. Notes not known are ignored,
 * so that newer shims can add some. */
static bool parse_note(struct refshim_state *state, struct record *record,
                       unsigned long line_number, struct log_sink *sink)
{
    uint64_t serial;
    if (!expect_fields(record, 3, sink) || !number_field(record, 1, "SERIAL", &serial, sink))
        return false;
    if (strcmp(record->field[2], REFSHIM_NOTE_MAY_BE_LEAKED) != 0)
        return true;
    struct live_object *object = id_map_find(&state->objects, serial);
    if (!object)
        return true;
    struct log_event event = {
        .serial = serial,
        .address = object->address,
        .address_value = object->address_value,
        .class_name = object->class_name,
        .line = line_number,
    };
    struct change change = {.kind = CHANGE_KEPT, .log_serial = serial};
    object_tracker_apply(state->tracker, &change, &event, sink);
    refshim_free_object(state, object);
    return true;
}

/* `k MARK LAST_SERIAL` and `h MARK SERIAL REASON`: the holder scan's records. */
static bool parse_mark(struct record *record, unsigned long line_number, struct log_sink *sink)
{
    struct mark_record mark = {.line = line_number};
    if (!expect_fields(record, 3, sink) || !number_field(record, 1, "MARK", &mark.mark, sink) ||
        !number_field(record, 2, "LAST_SERIAL", &mark.last_serial, sink))
        return false;
    holder_records_deliver_mark(&mark);
    return true;
}

static bool parse_holder(struct record *record, unsigned long line_number, struct log_sink *sink)
{
    struct holder_record holder = {.line = line_number, .reason = record->field[3]};
    if (!expect_fields(record, 4, sink) || !number_field(record, 1, "MARK", &holder.mark, sink) ||
        !number_field(record, 2, "SERIAL", &holder.serial, sink))
        return false;
    if (!holder.reason[0])
        return log_sink_fail(sink, "empty REASON in 'h' record");
    holder_records_deliver_holder(&holder);
    return true;
}

static bool check_header(struct refshim_state *state, const char *line, struct log_sink *sink)
{
    const char *version = line + 9;
    while (*version == ' ')
        version++;
    if (strcmp(version, REFSHIM_LOG_VERSION_TEXT(REFSHIM_LOG_VERSION_V1)) == 0 ||
        strcmp(version, REFSHIM_LOG_VERSION_TEXT(REFSHIM_LOG_VERSION)) == 0) {
        state->version = (unsigned)(version[0] - '0');
        return true;
    }
    return log_sink_fail(sink, "refshim log format version '%.20s' is not supported (this reader "
                         "knows " REFSHIM_LOG_VERSION_TEXT(REFSHIM_LOG_VERSION_V1) " and "
                         REFSHIM_LOG_VERSION_TEXT(REFSHIM_LOG_VERSION) ")", version);
}

static bool parse_line(void *opaque, char *line, size_t length, unsigned long line_number,
                       struct log_sink *sink)
{
    struct refshim_state *state = opaque;
    state->last_line = line_number;
    if (!state->header_seen) {
        state->header_seen = true;
        return check_header(state, line, sink);
    }
    if (length == 0 || line[0] == '#')
        return true; /* comments we do not know, and empty lines, carry nothing */
    struct record record;
    split_record(line, &record);
    const char *kind = record.kind;
    if (kind[0] == REFSHIM_REC_TAG && kind[1] == '\0') {
        if (parse_tag(state, &record, sink))
            return true;
        refshim_release_held_event(state, sink);     /* the events before an error are in */
        return false;
    }
    refshim_release_held_event(state, sink);
    if (kind[0] && kind[1] == '\0') {
        switch (kind[0]) {
        case REFSHIM_REC_MODULE: return parse_module(state, &record, sink);
        case REFSHIM_REC_FRAME: return parse_frame(state, &record, sink);
        case REFSHIM_REC_STACK: return parse_stack(state, &record, sink);
        case REFSHIM_REC_CLASS: return parse_class(state, &record, sink);
        case REFSHIM_REC_OBJECT: return parse_object(state, &record, sink);
        case REFSHIM_REC_NOTE: return parse_note(state, &record, line_number, sink);
        case REFSHIM_REC_MARK: return parse_mark(&record, line_number, sink);
        case REFSHIM_REC_HOLDER: return parse_holder(&record, line_number, sink);
        case REFSHIM_OP_NEW: case REFSHIM_OP_ADDREF: case REFSHIM_OP_RELEASE:
        case REFSHIM_OP_DESTROY:
            return parse_event(state, &record, line_number, sink);
        default: break;
        }
    }
    return log_sink_fail(sink, "unknown record kind '%.20s'", kind);
}

static bool finish(void *opaque, struct log_sink *sink)
{
    struct refshim_state *state = opaque;
    /* Nothing is pending but a last first event, which no `t` record followed, and the
     * objects whose end the log missed (object_tracker_finish). */
    refshim_release_held_event(state, sink);
    object_tracker_finish(state->tracker, state->last_line, sink);
    return true;
}

static void destroy(void *opaque)
{
    struct refshim_state *state = opaque;
    struct module_def *module, *next_module;
    HASH_ITER(hh, state->modules, module, next_module) {
        HASH_DEL(state->modules, module);
        free(module->path);
        free(module->build_id);
        free(module);
    }
    struct frame_def *frame, *next_frame;
    HASH_ITER(hh, state->frames, frame, next_frame) {
        HASH_DEL(state->frames, frame);
        free((char *)frame->frame.function);
        free((char *)frame->frame.source);
        debug_symbols_free_levels(frame->levels, frame->level_count);
        free(frame);
    }
    struct stack_def *stack, *next_stack;
    HASH_ITER(hh, state->stacks, stack, next_stack) {
        HASH_DEL(state->stacks, stack);
        free(stack);
    }
    struct class_def *class_def, *next_class;
    HASH_ITER(hh, state->classes, class_def, next_class) {
        HASH_DEL(state->classes, class_def);
        free(class_def->name);
        free(class_def);
    }
    id_map_free_with(&state->objects, free_live_object);
    id_map_free_with(&state->previous_new, free);
    id_map_free(&state->stack_index);
    free(state->stack_bits);
    free(state->frame_buffer);
    object_tracker_free(state->tracker);
    free(state);
}

const struct log_format refshim_log_format = {
    .name = "refshim",
    .recognizes = recognizes,
    .create = create,
    .parse_line = parse_line,
    .parse_block = refshim_parse_block,
    .scan_lines = refshim_scan_lines,
    .parse_scanned = refshim_parse_scanned,
    .finish = finish,
    .destroy = destroy,
};
