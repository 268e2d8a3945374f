/* refshim_block.c - reads the common records of a refshim log straight from the
 * reader's buffer.
 *
 * Nearly every line of a big log is an event of a live object, `A\t913\t3\t2662` (format
 * 2; format 1's `A\t913\t3\t\t2662` had the TID before the stack), and
 * most of the rest define stacks and frames. Such lines are read here with a hand-made
 * scanner: no cutting into lines, no terminating, no copy, no call per field. What is
 * not one of these records in exactly the form the shim writes (other records, numbers
 * in hex or too long to be read without an overflow check, an event of an object that
 * is not live, an undefined stack, a malformed line) is left to refshim_format.c's line
 * reader, which reads it the same way or reports what is wrong. So this file never
 * reports an error, and whatever it accepts the line reader accepts with the same
 * result: both check a record the same way and change the state through the functions
 * of refshim_state.h.
 *
 * Bounds: the scan stops at the last line end of the data, and every scan of a field
 * stops at a byte that is not part of the field, '\n' included, so no scan passes that
 * line end, and none needs a length check per byte. */
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "alloc.h"
#include "parse_number.h"
#include "refshim_log.h"
#include "refshim_state.h"

/* Each byte's value as a hex digit plus one, 0 if it is not a hex digit. */
static const unsigned char hex_digit_plus_one[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
    ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Reads 1 to MAX_DIGITS decimal digits at P; returns the byte after them, NULL if
 * there are none or more. 19 digits cannot overflow 64 bits; longer numbers, even ones
 * that fit, are the line reader's. A 0x number stops at its 'x', which no field ends
 * with: the line reader takes it. A byte loop: the fields are 1 to 5 digits, and
 * reading 8 bytes at once to take the digits without a branch on their number
 * (SWAR) measured slower, its chain of multiplies being on the way to the lookups. The
 * reading thread's scanner reads a whole event line with vectors instead
 * (scan_event_in_vector), off the parser's way. */
static inline const char *read_digits(const char *p, int max_digits, uint64_t *value)
{
    uint64_t parsed;
    const char *end = digit_run(p, &parsed);
    if (end == p || end - p > max_digits)
        return NULL;
    *value = parsed;
    return end;
}

static inline const char *read_decimal(const char *p, uint64_t *value)
{
    return read_digits(p, 19, value);
}

/* An optional '-' and 1 to 18 digits: the magnitude always fits an int64_t. */
static inline const char *read_count(const char *p, int64_t *value)
{
    bool negative = *p == '-';
    uint64_t magnitude;
    p = read_digits(negative ? p + 1 : p, 18, &magnitude);
    if (p)
        *value = negative ? -(int64_t)magnitude : (int64_t)magnitude;
    return p;
}

/* Reads 1 to 16 hex digits after an optional (or, with PREFIX_REQUIRED, a required)
 * 0x or 0X: at most 16 digits cannot overflow. */
static const char *read_hex(const char *p, bool prefix_required, uint64_t *value)
{
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    else if (prefix_required)
        return NULL;
    const char *digits = p;
    uint64_t parsed = 0;
    unsigned digit;
    while ((digit = hex_digit_plus_one[(unsigned char)*p]) != 0) {
        parsed = parsed * 16 + (digit - 1);
        p++;
    }
    if (p == digits || p - digits > 16)
        return NULL;
    *value = parsed;
    return p;
}

/* The start of the next line if P is at a line end (`\r` before `\n` is dropped by the
 * reader), else NULL. */
static inline const char *line_end(const char *p)
{
    if (p[0] == '\n')
        return p + 1;
    if (p[0] == '\r' && p[1] == '\n')
        return p + 2;
    return NULL;
}

/* Reads `TAB NUMBER` at P into *VALUE; returns the byte after the number or NULL. */
static inline const char *read_field(const char *p, uint64_t *value)
{
    return *p == '\t' ? read_decimal(p + 1, value) : NULL;
}

/* One call of the block reader. */
struct block {
    struct refshim_state *state;
    struct log_sink *sink;
};

/* What a first event's ADDRESS CLASS [SIZE] say, checked but not yet applied. */
struct introduction {
    const char *address;
    size_t address_length;
    uint64_t address_value;
    struct class_def *class_def;
    uint64_t size;
};

/* Reads `ADDRESS TAB CLASS [TAB SIZE]` and the line end at P; returns the next line. */
static const char *read_introduction(const struct block *block, const char *p,
                                     struct introduction *introduction)
{
    uint64_t class_id;
    introduction->address = p;
    p = read_hex(p, false, &introduction->address_value);
    if (!p)
        return NULL;
    introduction->address_length = (size_t)(p - introduction->address);
    p = read_field(p, &class_id);
    if (!p)
        return NULL;
    introduction->size = 0;
    if (*p == '\t' && !(p = read_field(p, &introduction->size)))
        return NULL;
    const char *next = line_end(p);
    if (!next)
        return NULL;
    introduction->class_def = refshim_find_class(block->state, class_id);
    return introduction->class_def ? next : NULL;
}

/* In a reading of lives, applies EVENT (checked, of a live object) if it is a quiet
 * change (object_tracker_quiet_count), which is delivered to nobody; false if it is not.
 * The tracker has an object only while the reader has it too (it forgets it at the same
 * D or `x`, or earlier): a quiet change needs neither the reader's object nor an event. */
static inline bool apply_quietly(const struct block *block, const struct refshim_event *event)
{
    struct refshim_state *state = block->state;
    if (!block->sink->lives_only ||
        (event->op != REFSHIM_OP_ADDREF && event->op != REFSHIM_OP_RELEASE))
        return false;
    refshim_release_held_event(state, block->sink);
    if (!object_tracker_quiet_count(state->tracker, block->sink, true, event->serial,
                                    event->op == REFSHIM_OP_ADDREF ? 1 : -1, event->count,
                                    event->tid))
        return false;
    refshim_note_event(state, event);
    return true;
}

/* Delivers EVENT, a change of a live object (an object not live, after its D, is the
 * line reader's: false). */
static bool deliver_live_event(const struct block *block, struct refshim_event *event,
                               unsigned long line_number)
{
    struct refshim_state *state = block->state;
    event->object = id_map_find(&state->objects, event->serial);
    if (!event->object)
        return false;
    refshim_release_held_event(block->state, block->sink);
    refshim_deliver_event(block->state, event, line_number, block->sink);
    return true;
}

/* Makes EVENT's object live, as INTRODUCTION says, and delivers its first event. */
static void deliver_first_event(const struct block *block, struct refshim_event *event,
                                const struct introduction *introduction,
                                unsigned long line_number)
{
    event->first = true;
    refshim_release_held_event(block->state, block->sink);
    event->object = refshim_add_object(block->state, event->serial, introduction->address,
                                       introduction->address_length,
                                       introduction->address_value, introduction->class_def,
                                       introduction->size);
    refshim_deliver_event(block->state, event, line_number, block->sink);
}

/* Format 1: `OP SERIAL COUNT TID STACK [ADDRESS CLASS [SIZE]]`, OP being at P[0]. */
static const char *read_event(const struct block *block, const char *p,
                              unsigned long line_number)
{
    struct refshim_state *state = block->state;
    struct refshim_event event = {.op = p[0]};
    if (p[1] != '\t' || !(p = read_decimal(p + 2, &event.serial)) || *p != '\t' ||
        !(p = read_count(p + 1, &event.count)) || *p != '\t')
        return NULL;
    p++;
    if (*p == '\t') {
        /* Left out by the shim: the same thread as the event line before. */
        if (!state->have_last_tid)
            return NULL;
        event.tid = state->last_tid;
    } else if (!(p = read_decimal(p, &event.tid)) || *p != '\t') {
        return NULL;
    }
    if (!(p = read_decimal(p + 1, &event.stack_id)))
        return NULL;
    if (event.stack_id != 0 && !refshim_stack_defined(state, event.stack_id))
        return NULL;
    const char *next = line_end(p);
    if (next)
        return apply_quietly(block, &event) || deliver_live_event(block, &event, line_number)
                   ? next
                   : NULL;
    struct introduction introduction;
    if (*p != '\t' || !(next = read_introduction(block, p + 1, &introduction)) ||
        event.serial == 0 || id_map_find(&state->objects, event.serial))
        return NULL;
    deliver_first_event(block, &event, &introduction, line_number);
    return next;
}

/* Reads a format-2 first event's `ADDRESS [TAB CLASS [TAB SIZE]]` and the line end at
 * P, for an event of thread TID; CLASS and SIZE left out are those of the thread's last
 * N, and an N that gives them is that N from now on. Returns the next line. */
static const char *read_introduction_v2(const struct block *block, const char *p, char op,
                                        uint64_t tid, struct introduction *introduction)
{
    struct refshim_state *state = block->state;
    introduction->address = p;
    if (!(p = read_hex(p, false, &introduction->address_value)))
        return NULL;
    introduction->address_length = (size_t)(p - introduction->address);
    bool remembers = op == REFSHIM_OP_NEW && tid != 0;
    struct previous_new *previous = remembers ? id_map_find(&state->previous_new, tid) : NULL;
    const char *next = line_end(p);
    uint64_t class_id;
    if (next) {
        if (!previous)
            return NULL;        /* the line reader tells what is wrong */
        class_id = previous->class_id;
        introduction->size = previous->size;
    } else {
        introduction->size = 0;
        if (!(p = read_field(p, &class_id)) ||
            (*p == '\t' && !(p = read_field(p, &introduction->size))) || !(next = line_end(p)))
            return NULL;
    }
    introduction->class_def = refshim_find_class(state, class_id);
    if (!introduction->class_def)
        return NULL;
    if (remembers && !previous) {
        previous = xcalloc(1, sizeof *previous);
        id_map_add(&state->previous_new, tid, previous);
    }
    if (remembers)
        *previous = (struct previous_new){class_id, introduction->size};
    return next;
}

/* Format 2: `OP SERIAL COUNT STACK [TID]`, an object's first event
 * `OP SERIAL COUNT STACK TID ADDRESS [CLASS [SIZE]]`, OP being at P[0]; an empty or left
 * out TID is the previous event line's. */
static const char *read_event_v2(const struct block *block, const char *p,
                                 unsigned long line_number)
{
    struct refshim_state *state = block->state;
    struct refshim_event event = {.op = p[0]};
    if (p[1] != '\t' || !(p = read_decimal(p + 2, &event.serial)) || *p != '\t' ||
        !(p = read_count(p + 1, &event.count)) || *p != '\t' ||
        !(p = read_decimal(p + 1, &event.stack_id)))
        return NULL;
    if (event.stack_id != 0 && !refshim_stack_defined(state, event.stack_id))
        return NULL;
    bool tid_given = false;
    const char *next = line_end(p);
    if (!next) {
        if (*p != '\t')
            return NULL;
        p++;
        if (*p >= '0' && *p <= '9') {
            if (!(p = read_decimal(p, &event.tid)))
                return NULL;
            tid_given = true;
        }
        next = line_end(p);
    }
    if (!tid_given) {
        if (!state->have_last_tid)
            return NULL;
        event.tid = state->last_tid;
    }
    if (next)
        return apply_quietly(block, &event) || deliver_live_event(block, &event, line_number)
                   ? next
                   : NULL;
    struct introduction introduction;
    if (*p != '\t' || event.serial == 0 || id_map_find(&state->objects, event.serial) ||
        !(next = read_introduction_v2(block, p + 1, event.op, event.tid, &introduction)))
        return NULL;
    deliver_first_event(block, &event, &introduction, line_number);
    return next;
}

/* `s ID PARENT FRAME`. */
static const char *read_stack(const struct block *block, const char *p)
{
    struct refshim_state *state = block->state;
    uint64_t id, parent_id, frame_id;
    const char *next;
    if (!(p = read_field(p + 1, &id)) || !(p = read_field(p, &parent_id)) ||
        !(p = read_field(p, &frame_id)) || !(next = line_end(p)))
        return NULL;
    if (id == 0 || refshim_stack_defined(state, id))
        return NULL;
    struct stack_def *parent = NULL;
    if (parent_id != 0 && !(parent = id_map_find(&state->stack_index, parent_id)))
        return NULL;
    struct frame_def *frame = refshim_find_frame(state, frame_id);
    if (!frame)
        return NULL;
    refshim_release_held_event(state, block->sink);
    refshim_add_stack(state, id, parent, frame);
    return next;
}

/* The text at P up to the next TAB or line end; returns where it stops. */
static const char *skip_text(const char *p)
{
    while (*p != '\t' && *p != '\n')
        p++;
    return p;
}

/* `f ID MODULE OFFSET FUNCTION SOURCE`, with OFFSET in hex as the shim writes it. */
static const char *read_frame(const struct block *block, const char *p)
{
    struct refshim_state *state = block->state;
    uint64_t id, module_id, offset;
    if (!(p = read_field(p + 1, &id)) || !(p = read_field(p, &module_id)) ||
        *p != '\t' ||
        !(p = read_hex(p + 1, true, &offset)) || *p != '\t')
        return NULL;
    const char *function = p + 1;
    p = skip_text(function);
    if (*p != '\t')
        return NULL;
    size_t function_length = (size_t)(p - function);
    const char *source = p + 1;
    p = skip_text(source);
    if (*p != '\n')
        return NULL;
    size_t source_length = (size_t)(p - source);
    if (source_length > 0 && source[source_length - 1] == '\r')
        source_length--;
    if (id == 0 || refshim_find_frame(state, id))
        return NULL;
    struct module_def *module = NULL;
    if (module_id != 0 && !(module = refshim_find_module(state, module_id)))
        return NULL;
    refshim_release_held_event(state, block->sink);
    refshim_add_frame(state, id, module, offset, function, function_length, source,
                      source_length);
    return p + 1;
}

/* Reads the line at P (which a line end at or after it ends) if it is one this file
 * handles; returns the start of the next line, or NULL to leave it to the line reader. */
static const char *read_line(const struct block *block, const char *p,
                             unsigned long line_number)
{
    switch (p[0]) {
    case REFSHIM_OP_ADDREF:
    case REFSHIM_OP_RELEASE:
    case REFSHIM_OP_NEW:
    case REFSHIM_OP_DESTROY:
        return block->state->version == REFSHIM_LOG_VERSION_V1 ? read_event(block, p, line_number)
                                                                : read_event_v2(block, p, line_number);
    case REFSHIM_REC_STACK:
        return p[1] == '\t' ? read_stack(block, p) : NULL;
    case REFSHIM_REC_FRAME:
        return p[1] == '\t' ? read_frame(block, p) : NULL;
    case '#':
        /* Comments carry nothing, and leave a held first event waiting for its tag. */
        return (const char *)rawmemchr(p, '\n') + 1;
    default:
        /* An empty line, like a comment; anything else is the line reader's. */
        return line_end(p);
    }
}

size_t refshim_parse_block(void *opaque, const char *data, size_t length,
                           unsigned long *line_number, struct log_sink *sink, bool *need_more)
{
    struct refshim_state *state = opaque;
    if (!state->header_seen || length == 0)
        return 0;
    /* The line this reader left to the reader took no number: it was torn by a killed
     * thread. The reader then takes the log to end with a torn line until it reads a
     * line itself, so the next line is left to it: read here, it would make the torn
     * line inside the log look like the cut at its end. */
    if (state->block_stopped && *line_number == state->block_stop_line)
        return 0;
    const char *last_newline = memrchr(data, '\n', length);
    if (!last_newline) {
        *need_more = true;
        return 0;
    }
    const char *limit = last_newline + 1, *p = data, *next;
    const struct block block = {state, sink};
    unsigned long line = *line_number;
    while (p < limit && (next = read_line(&block, p, line + 1)) != NULL) {
        p = next;
        line++;
    }
    /* Stopped only by a line that goes on past the data: read it whole after more. */
    *need_more = p == limit && limit < data + length;
    state->block_stopped = p < limit;
    state->block_stop_line = line;
    if (line != *line_number) {
        state->last_line = line;
        *line_number = line;
    }
    return (size_t)(p - data);
}

/* --- reading on two cores ---------------------------------------------------------------
 *
 * The reading thread (chunk_reader.c) reads the numbers of every line that looks like a
 * plain event, `OP SERIAL COUNT X [Y]` ending in '\n', into a token: the work of a line
 * that depends on no earlier line. The parser then only checks and delivers them, the
 * same checks as read_event and read_event_v2 make on the text; every other line is read
 * from its text by read_line, as the block reader would. */

/* 24 bytes: the parser reads every token the other core wrote, and each cache line it
 * takes over costs. Numbers of more than 9 digits leave the line to be read from its
 * text, as do an empty serial, count or stack. */
struct event_token {
    struct scanned_line_head head;
    char op;                    /* 0: not a plain event; read from the text */
    uint8_t fields;             /* after OP: 3 or 4 */
    uint8_t empty;              /* bit N: field N is there with nothing in it */
    uint32_t value[4];          /* fields 1 to 4; field 2, the count, as int32_t */
};

/* Reads at most 9 digits at P (none: an empty field) into *VALUE; returns the byte after
 * them, or NULL after 10 or more, which cannot be read without an overflow check. */
static inline const char *scan_digits(const char *p, uint32_t *value)
{
    uint64_t parsed;
    const char *end = digit_run(p, &parsed);
    *value = (uint32_t)parsed;
    return end - p <= 9 ? end : NULL;
}

/* Fills TOKEN from the event line at P, `OP SERIAL [-]COUNT X [Y]`, reading its fields
 * up to its line end, which it returns; NULL, with TOKEN->op 0, if the line is not a
 * plain event: then its end is still to be found. Every scan of a field stops at the
 * line's '\n' at the latest. Written out field by field: it runs for nearly every line
 * of a big log, on the reading thread, which must keep up with the parser. */
static const char *scan_event(const char *p, struct event_token *token)
{
    token->op = 0;
    if (p[1] != '\t')
        return NULL;
    const char *digits = p + 2, *at;
    uint32_t count;
    if (!(at = scan_digits(digits, &token->value[0])) || at == digits || *at != '\t')
        return NULL;
    bool negative = at[1] == '-';
    digits = at + 1 + negative;
    if (!(at = scan_digits(digits, &count)) || at == digits || *at != '\t')
        return NULL;
    token->value[1] = negative ? (uint32_t)-(int32_t)count : count;
    /* X and Y may be empty: a TID left out (a STACK left out is wrong, which the line
     * reader tells). */
    digits = at + 1;
    if (!(at = scan_digits(digits, &token->value[2])))
        return NULL;
    unsigned empty = at == digits ? 4 : 0;
    token->fields = 3;
    if (*at == '\t') {
        digits = at + 1;
        if (!(at = scan_digits(digits, &token->value[3])))
            return NULL;
        empty |= at == digits ? 8 : 0;
        token->fields = 4;
    }
    if (*at != '\n')
        return NULL;            /* another byte, or a fifth field: not a plain event */
    token->empty = (uint8_t)empty;
    token->op = p[0];
    return at;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define REFSHIM_SCAN_AVX2 1

/* Bytes the vector scanner reads from the start of a line. */
enum { VECTOR_READ = 16 };

/* Where the fields of an event line of 15 bytes or less lie, the same for every line
 * with the same tabs and line end: the shuffles that move each field's digits to its own
 * 8 bytes, right-aligned after zeros (byte J of a field's 8 takes the line's byte
 * END - 8 + J, or 0, top bit set, before its START), and what the token says of them. */
struct line_shape {
    __m128i first_two, last_two;    /* fields 1 and 2, 3 and 4 */
    unsigned key;                   /* the line's tabs and its '\n', a bit each; 0: none */
    uint8_t fields, empty, end;
};

/* Shapes met in a scan, by key: the lines of a log take a few dozen shapes, each worked
 * out once (line_shape_of) rather than for every line. 64 slots were too few for lines
 * of numbers of many lengths (a shape pushed out by another is worked out again). */
enum { SHAPE_SLOTS = 256 };

static inline unsigned shape_slot(unsigned key)
{
    return (key * 0x9E3779B1u) >> 24;
}

__attribute__((target("avx2"))) static inline unsigned byte_mask(__m128i bytes, char byte)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte)));
}

/* The shuffle that moves two fields into the halves of a vector: END8 and START are each
 * field's END - 8 and START, the first's in the low bytes. */
__attribute__((target("avx2"))) static inline __m128i two_field_shuffle(unsigned end8_low,
                                                                        unsigned start_low,
                                                                        unsigned end8_high,
                                                                        unsigned start_high)
{
    const __m128i offsets = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    __m128i from = _mm_add_epi8(_mm_unpacklo_epi64(_mm_set1_epi8((char)end8_low),
                                                   _mm_set1_epi8((char)end8_high)),
                                offsets);
    __m128i start = _mm_unpacklo_epi64(_mm_set1_epi8((char)start_low),
                                       _mm_set1_epi8((char)start_high));
    /* a shuffle byte with its top bit set gives 0 */
    return _mm_or_si128(from, _mm_cmplt_epi8(from, start));
}

/* Works out the shape of the event line `OP TAB SERIAL TAB [-]COUNT TAB X [TAB Y]` whose
 * tabs are TABS and whose '\n' is at END, NEGATIVE if its count has a '-'; false if it is
 * not one, or has a field of over 8 digits (scan_event's). */
__attribute__((target("avx2"))) static bool line_shape_of(unsigned tabs, unsigned end,
                                                          unsigned negative,
                                                          struct line_shape *shape)
{
    unsigned rest = tabs & ~2u;
    if (!(tabs & 2) || !rest)
        return false;
    unsigned second = (unsigned)__builtin_ctz(rest);
    rest &= rest - 1;
    if (!rest)
        return false;
    unsigned third = (unsigned)__builtin_ctz(rest);
    rest &= rest - 1;
    unsigned fourth = rest ? (unsigned)__builtin_ctz(rest) : end;
    unsigned count_start = second + 1 + negative, y_start = rest ? fourth + 1 : end;
    if ((rest & (rest - 1)) || second - 3 > 7 || third - count_start - 1 > 7 ||
        fourth - third > 9 || end - y_start > 8)
        return false;
    shape->first_two = two_field_shuffle(second - 8, 2, third - 8, count_start);
    shape->last_two = two_field_shuffle(fourth - 8, third + 1, end - 8, y_start);
    shape->fields = rest ? 4 : 3;
    shape->empty = (uint8_t)((fourth == third + 1 ? 4 : 0) | (rest && y_start == end ? 8 : 0));
    shape->end = (uint8_t)end;
    return true;
}

/* Fills TOKEN's numbers from DIGITS, the line's bytes less '0', as SHAPE places them: the
 * four fields' digits, each moved to its own 8 bytes, summed all at once. */
__attribute__((target("avx2"))) static inline void
read_fields(__m128i digits, const struct line_shape *shape, bool negative,
            struct event_token *token)
{
    const __m128i tens = _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
    const __m128i hundreds = _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1);
    /* pairs, then fours: each half of a vector holds its field's first four digits'
     * number, then its last four's */
    __m128i first_two = _mm_madd_epi16(
        _mm_maddubs_epi16(_mm_shuffle_epi8(digits, shape->first_two), tens), hundreds);
    __m128i last_two = _mm_madd_epi16(
        _mm_maddubs_epi16(_mm_shuffle_epi8(digits, shape->last_two), tens), hundreds);
    __m128i highs = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(first_two),
                                                    _mm_castsi128_ps(last_two),
                                                    _MM_SHUFFLE(2, 0, 2, 0)));
    __m128i lows = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(first_two),
                                                   _mm_castsi128_ps(last_two),
                                                   _MM_SHUFFLE(3, 1, 3, 1)));
    /* both below 10000, so 16 bits each: one multiply and add makes a field's number */
    __m128i values = _mm_madd_epi16(_mm_or_si128(highs, _mm_slli_epi32(lows, 16)),
                                    _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
    if (negative) {
        /* the count only: -x is (x ^ -1) - -1 */
        const __m128i count = _mm_setr_epi32(0, -1, 0, 0);
        values = _mm_sub_epi32(_mm_xor_si128(values, count), count);
    }
    _mm_storeu_si128((__m128i *)(void *)token->value, values);
    token->fields = shape->fields;
    token->empty = shape->empty;
}

/* scan_event, with the same tokens, for the event line at P whose '\n' is at NEWLINE,
 * with VECTOR_READ bytes readable at P, on CPUs with AVX2 (checked at run time): its tabs
 * are found with one compare, its bytes checked to be digits or tabs with one mask, and
 * its fields read by the shape of the line (SHAPES: those met so far), with no branch per
 * digit as in scan_event, which the CPU mispredicts where the lengths of the numbers
 * change. A line of 16 bytes or more, with a field of over 8 digits or with other bytes
 * than the count's '-' is scan_event's. False if the line is not a plain event. */
__attribute__((target("avx2"))) static inline bool
scan_event_in_vector(const char *p, const char *newline, struct event_token *token,
                     struct line_shape *shapes)
{
    unsigned end = (unsigned)(newline - p);
    if (end >= VECTOR_READ)
        return scan_event(p, token) != NULL;
    const __m128i line = _mm_loadu_si128((const __m128i *)(const void *)p);
    const __m128i digits = _mm_sub_epi8(line, _mm_set1_epi8('0'));
    const __m128i tab = _mm_cmpeq_epi8(line, _mm_set1_epi8('\t'));
    unsigned line_end = 1u << end, inside = line_end - 1;
    unsigned tabs = (unsigned)_mm_movemask_epi8(tab) & inside;
    /* digits and tabs; the OP byte was checked */
    unsigned usual = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                         tab, _mm_cmpeq_epi8(_mm_min_epu8(digits, _mm_set1_epi8(9)), digits))) |
                     1u;
    unsigned key = tabs | line_end, others = inside & ~usual;
    struct line_shape *shape = &shapes[shape_slot(key)];
    if (__builtin_expect(others == 0 && shape->key == key, 1)) {
        read_fields(digits, shape, false, token);
        token->op = p[0];
        return true;
    }
    /* a '-' is the count's only right after the second tab */
    unsigned second = (unsigned)__builtin_ctz((tabs & ~2u) | 1u << 16);
    unsigned negative = others == 1u << (second + 1) && p[second + 1] == '-';
    struct line_shape found;
    if ((others && !negative) || !line_shape_of(tabs, end, negative, &found))
        return scan_event(p, token) != NULL;
    if (!negative) {
        found.key = key;
        *shape = found;
    }
    read_fields(digits, &found, negative, token);
    token->op = p[0];
    return true;
}

/* The '\n' bytes of the 64 at AT, a bit each. */
__attribute__((target("avx2"))) static inline uint64_t newlines_of_64(const char *at)
{
    const __m256i newline = _mm256_set1_epi8('\n');
    uint32_t low = (uint32_t)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)at), newline));
    uint32_t high = (uint32_t)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(at + 32)), newline));
    return low | (uint64_t)high << 32;
}
#endif

/* Bytes that start an event line. */
static const bool starts_event[256] = {
    [REFSHIM_OP_ADDREF] = true, [REFSHIM_OP_RELEASE] = true, [REFSHIM_OP_NEW] = true,
    [REFSHIM_OP_DESTROY] = true,
};

/* Makes the tokens of the lines from P up to END, the end of the last whole line;
 * returns where it stopped (END, unless memory ran out). */
static const char *scan_tokens(const char *p, const char *end, struct token_array *tokens)
{
    while (p < end) {
        struct event_token *token = token_array_room(tokens);
        if (!token)
            break;
        const char *newline;
        if (!starts_event[(unsigned char)p[0]] || !(newline = scan_event(p, token))) {
            token->op = 0;
            newline = rawmemchr(p, '\n');
            if (newline - p >= UINT32_MAX)
                break;
        }
        token->head.length = (uint32_t)(newline - p + 1);
        tokens->count++;
        p = newline + 1;
    }
    return p;
}

#ifdef REFSHIM_SCAN_AVX2
/* Room in TOKENS for COUNT more tokens, made by doubling it; false if memory ran out. */
static bool reserve_tokens(struct token_array *tokens, size_t count)
{
    while (tokens->capacity - tokens->count < count) {
        void *grown = realloc(tokens->items, 2 * tokens->capacity * tokens->size);
        if (!grown)
            return false;
        tokens->items = grown;
        tokens->capacity *= 2;
    }
    return true;
}

/* scan_tokens on CPUs with AVX2: the line ends of 64 bytes are found at once, and a line's
 * end is the next of them, known before its fields are read: read one by one, where
 * each line starts would wait for the reading of the line before. The lines that end
 * in the last 80 bytes or less are scan_tokens'. */
__attribute__((target("avx2"))) static const char *
scan_tokens_avx2(const char *p, const char *end, struct token_array *tokens)
{
    struct line_shape shapes[SHAPE_SLOTS];
    for (size_t i = 0; i < SHAPE_SLOTS; i++)
        shapes[i].key = 0;
    /* P never passes BASE at the start of a block: each block's line ends are after P.
     * A line starts before BASE + 64, so its VECTOR_READ bytes are before END. */
    for (const char *base = p; end - base >= 64 + VECTOR_READ; base += 64) {
        /* room for the block's lines, so none is asked for line by line */
        if (!reserve_tokens(tokens, 64))
            return p;
        /* counted once a block: counted line by line in memory, each count would wait
         * for the store of the one before */
        struct event_token *first = (struct event_token *)tokens->items + tokens->count,
                           *token = first;
        bool too_long = false;
        for (uint64_t newlines = newlines_of_64(base); newlines; newlines &= newlines - 1) {
            const char *newline = base + __builtin_ctzll(newlines);
            if ((too_long = newline - p >= UINT32_MAX))
                break;
            if (!starts_event[(unsigned char)p[0]] ||
                !scan_event_in_vector(p, newline, token, shapes))
                token->op = 0;
            token->head.length = (uint32_t)(newline - p + 1);
            token++;
            p = newline + 1;
        }
        tokens->count += (size_t)(token - first);
        if (too_long)
            return p;
    }
    return scan_tokens(p, end, tokens);
}
#endif

void refshim_scan_lines_with(const char *data, size_t length, struct scanned_lines *scan,
                             bool vectors)
{
    /* Room for lines of 12 bytes, about the shortest event's; grown when shorter. */
    struct token_array tokens;
    if (!token_array_start(&tokens, length / 12 + 16, sizeof(struct event_token)))
        return;
    /* Only whole lines are scanned: then a line's '\n' stops every scan of its fields,
     * and an event line's end is found by reading its fields, with no search. */
    const char *last_newline = length ? memrchr(data, '\n', length) : NULL;
    const char *end = last_newline ? last_newline + 1 : data, *p;
#ifdef REFSHIM_SCAN_AVX2
    if (vectors && __builtin_cpu_supports("avx2"))
        p = scan_tokens_avx2(data, end, &tokens);
    else
#endif
        p = scan_tokens(data, end, &tokens);
    (void)vectors;
    token_array_hand_over(&tokens, scan);
    scan->end = scan->start + (uint64_t)(p - data);
}

void refshim_scan_lines(const char *data, size_t length, struct scanned_lines *scan)
{
    refshim_scan_lines_with(data, length, scan, true);
}

/* The event of TOKEN, checked as read_event (format 1) or read_event_v2 check a line of
 * this shape; false to read the line from its text instead. */
static inline __attribute__((always_inline)) bool
deliver_token(const struct block *block, const struct event_token *token, unsigned long line_number)
{
    struct refshim_state *state = block->state;
    /* Field by field, not an initializer, which zeroes with `rep stos` (slow to start). */
    struct refshim_event event;
    event.op = token->op;
    event.first = false;
    event.serial = token->value[0];
    event.count = (int32_t)token->value[1];
    event.object = NULL;
    bool tid_given;
    if (state->version == REFSHIM_LOG_VERSION_V1) {
        /* OP SERIAL COUNT TID STACK, TID maybe empty */
        if (token->fields != 4 || (token->empty & 8))
            return false;
        event.stack_id = token->value[3];
        event.tid = token->value[2];
        tid_given = !(token->empty & 4);
    } else {
        /* OP SERIAL COUNT STACK [TID] */
        if (token->empty & 4)
            return false;       /* an empty STACK: the line reader says what is wrong */
        event.stack_id = token->value[2];
        event.tid = token->value[3];
        tid_given = token->fields == 4 && !(token->empty & 8);
    }
    if (!tid_given) {
        if (!state->have_last_tid)
            return false;
        event.tid = state->last_tid;
    }
    if (event.stack_id != 0 && !refshim_stack_defined(state, event.stack_id))
        return false;
    return apply_quietly(block, &event) || deliver_live_event(block, &event, line_number);
}

/* How many changes apply_quiet_run hands the tracker at once: enough to make the call
 * rare, few enough for the array to stay in the first-level cache. */
enum { QUIET_BATCH = 64 };

/* Applies the run of the commonest lines of a big log from token NEXT of TOKENS on, the
 * first at *AT, up to END: in a reading of lives of a format-2 log, `A|R SERIAL COUNT
 * STACK` (its TID the last line's) that is a quiet change, read as deliver_token would,
 * with the same checks. Returns the token it stopped at, *AT past the lines it read;
 * that token is deliver_token's. A loop of its own: what a quiet change leaves alone
 * (the last TID, the stack bits, a held first event) is read once for the run, the
 * stack of the last line stored once, and the changes go to the tracker in batches
 * (object_tracker_quiet_run), not a call each. */
static __attribute__((noinline)) size_t
apply_quiet_run(struct refshim_state *state, struct log_sink *sink,
                const struct event_token *tokens, size_t next, size_t count, const char **at,
                const char *end)
{
    if (!state->have_last_tid || state->have_first_event)
        return next;
    struct object_tracker *tracker = state->tracker;
    const uint64_t *stack_bits = state->stack_bits;
    uint64_t tid = state->last_tid, stack_words = state->stack_bit_words;
    const char *p = *at;
    size_t first = next;
    struct quiet_change batch[QUIET_BATCH];
    for (;;) {
        /* The lines of the batch: those deliver_token would read as quiet candidates. */
        size_t lines = 0;
        const char *after = p;
        for (; lines < QUIET_BATCH && next + lines < count; lines++) {
            const struct event_token *token = &tokens[next + lines];
            char op = token->op;
            uint64_t stack = token->value[2];
            if (after + token->head.length > end ||
                (op != REFSHIM_OP_ADDREF && op != REFSHIM_OP_RELEASE) || token->fields != 3 ||
                token->empty != 0)
                break;
            /* refshim_stack_defined's bits; a stack beyond them is deliver_token's */
            if (stack != 0 && (stack >= STACK_BITS_MAX || stack / 64 >= stack_words ||
                               !(stack_bits[stack / 64] >> (stack % 64) & 1)))
                break;
            batch[lines] = (struct quiet_change){token->value[0], (int32_t)token->value[1],
                                                 op == REFSHIM_OP_ADDREF ? 1 : -1};
            after += token->head.length;
        }
        size_t applied = object_tracker_quiet_run(tracker, sink, batch, lines, tid);
        for (size_t i = 0; i < applied; i++)
            p += tokens[next + i].head.length;
        next += applied;
        if (applied < QUIET_BATCH)
            break;
    }
    /* refshim_note_event's: the TID is the same */
    if (next != first)
        state->event_stack_id = tokens[next - 1].value[2];
    *at = p;
    return next;
}

size_t refshim_parse_scanned(void *opaque, char *data, size_t length,
                             struct scanned_lines *scan, unsigned long *line_number,
                             struct log_sink *sink, bool *need_more)
{
    struct refshim_state *state = opaque;
    *need_more = false;
    if (!state->header_seen || length == 0)
        return 0;
    /* As in refshim_parse_block: the line after a torn one is the reader's. */
    if (state->block_stopped && *line_number == state->block_stop_line)
        return 0;
    const struct block block = {state, sink};
    const char *p = data, *end = data + length;
    unsigned long line = *line_number;
    /* The scan's cursor in locals: stores through the state could change it, for all the
     * compiler knows, and it would be read again from memory for every line. */
    const struct event_token *tokens = scan->tokens;
    size_t next = scan->next, count = scan->count;
    bool quiet_lines = sink->lives_only && state->version != REFSHIM_LOG_VERSION_V1;
    for (; next < count; next++) {
        if (quiet_lines) {
            size_t stopped = apply_quiet_run(state, sink, tokens, next, count, &p, end);
            line += stopped - next;
            if ((next = stopped) == count)
                break;
        }
        const struct event_token *token = &tokens[next];
        const char *after = p + token->head.length;
        if (after > end)
            break;
        if (!(token->op && deliver_token(&block, token, line + 1))) {
            const char *read = read_line(&block, p, line + 1);
            if (read != after)
                break;          /* NULL: the line reader's (never another length) */
        }
        p = after;
        line++;
    }
    scan->next_offset += (uint64_t)(p - data);
    scan->next = next;
    state->block_stopped = scan->next < scan->count;
    state->block_stop_line = line;
    if (line != *line_number) {
        state->last_line = line;
        *line_number = line;
    }
    return (size_t)(p - data);
}

bool refshim_tokens_equal(const struct scanned_lines *a, const struct scanned_lines *b)
{
    if (a->count != b->count || a->end != b->end || a->token_size != b->token_size)
        return false;
    const struct event_token *x = a->tokens, *y = b->tokens;
    for (size_t i = 0; i < a->count; i++) {
        if (x[i].head.length != y[i].head.length || x[i].op != y[i].op)
            return false;
        /* a fourth number only if there is a fourth field */
        size_t numbers = x[i].fields == 4 ? 4 : 3;
        if (x[i].op && (x[i].fields != y[i].fields || x[i].empty != y[i].empty ||
                        memcmp(x[i].value, y[i].value, numbers * sizeof x[i].value[0]) != 0))
            return false;
    }
    return true;
}

size_t refshim_plain_events(const struct scanned_lines *scan)
{
    const struct event_token *tokens = scan->tokens;
    size_t events = 0;
    for (size_t i = 0; i < scan->count; i++)
        events += tokens[i].op != 0;
    return events;
}
