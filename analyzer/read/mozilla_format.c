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
 * Gigabyte logs repeat a modest number of stacks, so a stack's lines are only digested
 * (fast_hash.h) and looked up among the stacks already seen; the frames are parsed
 * once per distinct stack, the first time it appears. This file handles every line;
 * mozilla_block.c reads the common records faster and leaves the rest to it. */
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

/* Known stacks are allocated side by side, many to a chunk: every record reads its
 * stack's fields, and a few thousand of them packed together stay in the cache, where
 * separate allocations among the frames' strings would not. */
enum { STACKS_PER_CHUNK = 256 };

struct stack_chunk {
    struct stack_chunk *next;
    size_t used;
    struct known_stack stacks[STACKS_PER_CHUNK];
};

static struct known_stack *new_stack(struct mozilla_state *state)
{
    struct stack_chunk *chunk = state->stack_chunks;
    if (!chunk || chunk->used == STACKS_PER_CHUNK) {
        chunk = xcalloc(1, sizeof *chunk);
        chunk->next = state->stack_chunks;
        state->stack_chunks = chunk;
    }
    return &chunk->stacks[chunk->used++];
}

static void free_known_stacks(struct mozilla_state *state)
{
    while (state->stack_chunks) {
        struct stack_chunk *chunk = state->stack_chunks;
        for (size_t i = 0; i < chunk->used; i++) {
            free(chunk->stacks[i].strings);
            free(chunk->stacks[i].frames);
        }
        state->stack_chunks = chunk->next;
        free(chunk);
    }
    digest_map_free(&state->stacks);
    digest_map_free(&state->raw_stacks);
    state->known_stack_bytes = 0;
}

/* The known stacks are a cache: a log whose stacks never repeat would otherwise keep them
 * all. When they take more than this, they are all forgotten and parsed again when they
 * come back; their ids come from their text, so a stack keeps its id. */
enum { KNOWN_STACK_BYTES = 8 << 20 };

struct known_stack *mozilla_find_stack(struct mozilla_state *state)
{
    struct fast_digest digest = fast_digest(state->stack_text, state->stack_length);
    struct digest_slot *slot = digest_map_find(&state->stacks, digest);
    if (slot)
        return slot->value;
    if (state->known_stack_bytes > KNOWN_STACK_BYTES)
        free_known_stacks(state);
    struct known_stack *stack = new_stack(state);
    /* 0 means no stack; two stacks of one log share 64 digest bits with a probability
     * near n^2 / 2^65: none in practice. */
    stack->id = (digest.low ^ digest.high) ? (digest.low ^ digest.high) : 1;
    stack->strings = xstrndup(state->stack_text, state->stack_length);
    size_t count = 0;
    for (size_t i = 0; i < state->stack_length; i++)
        count += stack->strings[i] == '\n';
    stack->frames = xcalloc(count, sizeof *stack->frames);
    char *line = stack->strings;
    for (size_t i = 0; i < count; i++) {
        char *end = strchr(line, '\n');
        *end = '\0';
        parse_frame(line, &stack->frames[i]);
        line = end + 1;
    }
    stack->frame_count = count;
    digest_map_add(&state->stacks, digest, stack, 0);
    /* The text, the frames, and a slot in each map. */
    state->known_stack_bytes += state->stack_length + 1 + count * sizeof *stack->frames +
                                sizeof *stack + 2 * 2 * sizeof(struct digest_slot);
    return stack;
}

void mozilla_deliver(struct mozilla_state *state, const struct known_stack *stack,
                     struct log_sink *sink)
{
    struct pending_record *record = &state->record;
    record->present = false;
    struct log_event event = {
        .address = record->address,
        .address_value = record->address_value,
        .class_name = record->class_name,
        .count = record->count,
        .tid = record->tid,
        .frames = stack ? stack->frames : NULL,
        .frame_count = stack ? stack->frame_count : 0,
        .stack_id = stack ? stack->id : 0,
        .line = record->line,
        .delta = record->op == 'A' || record->op == 'C' ? 1 : -1,
        .size = record->size,
    };
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
    object_tracker_apply(state->tracker, &change, &event, sink);
}

static void emit_record(struct mozilla_state *state, struct log_sink *sink)
{
    if (!state->record.present)
        return;
    const struct known_stack *stack = state->stack_length ? mozilla_find_stack(state) : NULL;
    state->stack_length = 0;
    mozilla_deliver(state, stack, sink);
}

bool mozilla_add_frame_line(struct mozilla_state *state, const char *line, size_t length,
                            struct log_sink *sink)
{
    const char *hash, *colon;
    if (length > 8 && line[4] == '#' && line[7] == ':') {
        hash = line + 4; /* the usual `    #NN: ` */
        colon = line + 7;
    } else {
        hash = memchr(line, '#', length);
        colon = hash ? memchr(hash, ':', length - (size_t)(hash - line)) : NULL;
    }
    if (!colon || colon[1] != ' ')
        return log_sink_fail(sink, "stack frame line without `#NN: `");
    if (!state->record.present)
        return log_sink_fail(sink, "stack frame outside a record");
    if (!state->record.first_frame_seen) {
        state->record.first_frame_seen = true;
        if (colon - hash == 3 && hash[1] == '0' && hash[2] == '1')
            return true; /* the class's own AddRef/Release */
    }
    const char *text = colon + 2;
    size_t text_length = length - (size_t)(text - line);
    size_t needed = state->stack_length + text_length + 1;
    if (needed > state->stack_capacity) {
        state->stack_capacity = needed * 2;
        state->stack_text = xrealloc(state->stack_text, state->stack_capacity);
    }
    memcpy(state->stack_text + state->stack_length, text, text_length);
    state->stack_length += text_length;
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
        return mozilla_add_frame_line(state, line, length, sink);
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
    free_known_stacks(state);
    free(state->stack_text);
    object_tracker_free(state->tracker);
    free(state);
}

const struct log_format mozilla_log_format = {
    .name = "mozilla",
    .recognizes = recognizes,
    .create = create,
    .parse_line = parse_line,
    .parse_block = mozilla_parse_block,
    .finish = finish,
    .destroy = destroy,
};
