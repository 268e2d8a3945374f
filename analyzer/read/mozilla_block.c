/* mozilla_block.c - reads whole Mozilla records straight from the reader's buffer.
 *
 * Nearly every record of a big log has the same shape: a record line `<Class> ADDRESS
 * SERIAL AddRef|Release COUNT [thread 0x...]`, frame #01 (dropped), the frame lines,
 * an empty line. Such a record is read here without cutting it into lines: the record
 * line is parsed by hand, and the frame lines are gone over 16 bytes at a time
 * (line_scan.h), looking only at the bytes that tell a usual frame line. They are
 * handed on where they are, in the reader's buffer, and cut into frames only if a
 * consumer asks (mozilla_format.c).
 *
 * Whatever is not this shape (alloc-log operations, odd spacing, a record cut by the end
 * of the buffer, a malformed line) goes to mozilla_format.c's line reader, either for
 * the record line alone or, when this file cannot read the record, for every line. So
 * this file never reports an error: it leaves the line to the reader that does. */
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "line_scan.h"
#include "mozilla_state.h"

/* Each byte's value as a hex digit, -1 if it is not one: a lookup instead of three
 * range tests per digit of every address and thread. */
static const signed char hex_digit_value[256] = {
    /* stored +1: 0 means not a digit */
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
    ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hex_value(char c)
{
    return hex_digit_value[(unsigned char)c] - 1;
}

#ifdef __SSE2__
/* The 16 bytes at P read as hex digits: returns their value as one 16-digit number
 * (bytes that are not digits give garbage digits) and sets *DIGITS to how many bytes
 * from P are hex digits, 16 if all. Compares and shifts instead of a lookup and a
 * multiply per digit, one after the other: a record line has two 12-digit numbers. */
static inline uint64_t hex_digits_16(const char *p, unsigned *digits)
{
    __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* OR 0x20 lowers A-F and maps no other byte into a-f. */
    __m128i lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
    __m128i decimal = _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8('0' - 1)),
                                    _mm_cmplt_epi8(bytes, _mm_set1_epi8('9' + 1)));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
    unsigned is_digit = (unsigned)_mm_movemask_epi8(_mm_or_si128(decimal, letter));
    *digits = (unsigned)__builtin_ctz(~is_digit | 0x10000u);
    /* '0'-'9' are 0x30-0x39, 'a'-'f' and 'A'-'F' 0x?1-0x?6: the low half, +9 for letters. */
    __m128i nibbles = _mm_add_epi8(_mm_and_si128(bytes, _mm_set1_epi8(0x0f)),
                                   _mm_and_si128(letter, _mm_set1_epi8(9)));
    /* Two digits a byte, the first in the high half; then the first byte highest. */
    __m128i pairs = _mm_and_si128(_mm_or_si128(_mm_slli_epi16(nibbles, 4),
                                               _mm_srli_epi16(nibbles, 8)),
                                  _mm_set1_epi16(0x00ff));
    uint64_t packed = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs));
    return __builtin_bswap64(packed);
}
#endif

/* Reads 1 to 16 hex digits, after an optional 0x, from *AT up to END; at most 16 digits
 * cannot overflow. Bytes up to READABLE may be read (and ignored) past END. */
static bool read_hex(const char **at, const char *end, const char *readable, uint64_t *value)
{
    const char *p = *at;
    if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
#ifdef __SSE2__
    if (readable - p >= 17) {
        unsigned digits;
        uint64_t all = hex_digits_16(p, &digits);
        if ((ptrdiff_t)digits > end - p)
            digits = (unsigned)(end - p);
        if (digits == 0 || (digits == 16 && end - p > 16 && hex_value(p[16]) >= 0))
            return false;
        *value = all >> (4 * (16 - digits));
        *at = p + digits;
        return true;
    }
#else
    (void)readable;
#endif
    const char *digits = p;
    uint64_t parsed = 0;
    int digit;
    while (p < end && (digit = hex_value(*p)) >= 0) {
        parsed = parsed * 16 + (uint64_t)digit;
        p++;
    }
    if (p == digits || p - digits > 16)
        return false;
    *value = parsed;
    *at = p;
    return true;
}

/* Reads 1 to 18 decimal digits from *AT up to END; not a 0x number (the line reader
 * takes those). At most 18 digits fit in an int64_t. */
static bool read_decimal(const char **at, const char *end, uint64_t *value)
{
    const char *p = *at;
    if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        return false;
    uint64_t parsed = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        parsed = parsed * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == *at || p - *at > 18)
        return false;
    *value = parsed;
    *at = p;
    return true;
}

static bool skip_text(const char **at, const char *end, const char *text, size_t length)
{
    if ((size_t)(end - *at) < length || memcmp(*at, text, length) != 0)
        return false;
    *at += length;
    return true;
}

/* The first BYTE in [P, END), or NULL; reads 16 bytes a step up to READABLE: a class name
 * is a few words, not worth a call of memchr. */
static inline const char *find_byte(const char *p, const char *end, const char *readable,
                                    char byte)
{
#ifdef __SSE2__
    const __m128i wanted = _mm_set1_epi8(byte);
    for (; p < end && readable - p >= 16; p += 16) {
        unsigned found = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), wanted));
        if (found) {
            p += __builtin_ctz(found);
            return p < end ? p : NULL;
        }
    }
#else
    (void)readable;
#endif
    return p < end ? memchr(p, byte, (size_t)(end - p)) : NULL;
}

/* What the usual record line says: the numbers read, the texts as places in the line. */
struct usual_record {
    uint64_t address_value, serial, count, tid;
    uint32_t class_length;          /* the class starts at the line's second byte */
    uint32_t address_from, address_length;
    char op;
};

/* Reads the usual record line (LENGTH bytes, no line end) into RECORD; false for
 * anything else, even when mozilla_parse_record_line would accept it. Whatever it
 * accepts, it reads as mozilla_parse_record_line does. Touches nothing but RECORD, so
 * that the reading thread can do it ahead (mozilla_scan_lines). */
static bool read_usual_record(const char *line, size_t length, const char *readable,
                              struct usual_record *record)
{
    const char *end = line + length, *close = line + 1;
    /* The class ends at the first `> ` followed by a hex digit, the address. */
    for (;; close++) {
        close = find_byte(close, end, readable, '>');
        if (!close || end - close < 3)
            return false;
        if (close[1] == ' ' && hex_value(close[2]) >= 0)
            break;
    }
    size_t class_length = (size_t)(close - line - 1);
    if (class_length == 0 || class_length >= MOZILLA_MAX_CLASS)
        return false;
    const char *address = close + 2, *at = address;
    if (!read_hex(&at, end, readable, &record->address_value) || !skip_text(&at, end, " ", 1))
        return false;
    size_t address_length = (size_t)(at - 1 - address);
    if (address_length >= MOZILLA_MAX_ADDRESS || !read_decimal(&at, end, &record->serial))
        return false;
    if (skip_text(&at, end, " AddRef ", 8))
        record->op = 'A';
    else if (skip_text(&at, end, " Release ", 9))
        record->op = 'R';
    else
        return false;
    if (!read_decimal(&at, end, &record->count))
        return false;
    record->tid = 0;
    if (at != end && !(skip_text(&at, end, " [thread ", 9) &&
                       read_hex(&at, end, readable, &record->tid) &&
                       skip_text(&at, end, "]", 1) && at == end))
        return false;
    record->class_length = (uint32_t)class_length;
    record->address_from = (uint32_t)(address - line);
    record->address_length = (uint32_t)address_length;
    return true;
}

/* Fills PENDING with what USUAL read from LINE. */
static void take_usual_record(const char *line, const struct usual_record *usual,
                              struct pending_record *pending)
{
    memcpy(pending->class_name, line + 1, usual->class_length);
    pending->class_name[usual->class_length] = '\0';
    memcpy(pending->address, line + usual->address_from, usual->address_length);
    pending->address[usual->address_length] = '\0';
    pending->address_value = usual->address_value;
    pending->serial = usual->serial;
    pending->op = usual->op;
    pending->count = (int64_t)usual->count;
    pending->tid = usual->tid;
    pending->size = 0;
}

static bool parse_usual_record(const char *line, size_t length, const char *readable,
                               struct pending_record *record)
{
    struct usual_record usual;
    if (!read_usual_record(line, length, readable, &usual))
        return false;
    take_usual_record(line, &usual, record);
    return true;
}

/* Parses a record line of any form into RECORD, by hand if it is the usual one. */
static bool parse_record(const char *line, size_t length, const char *readable,
                         struct pending_record *record)
{
    if (parse_usual_record(line, length, readable, record))
        return true;
    char copy[1024];
    if (length >= sizeof copy)
        return false;
    memcpy(copy, line, length);
    copy[length] = '\0';
    char error[16];
    struct log_sink quiet = {.error = error, .error_size = sizeof error};
    return mozilla_parse_record_line(copy, record, &quiet);
}

/* Reads the record at the start of [AT, END) and delivers it; returns the end of what
 * it read, or NULL (setting *NEED_MORE if the record goes on past END). */
static const char *read_record(struct mozilla_state *state, const char *at, const char *end,
                               unsigned long *line_number, struct log_sink *sink,
                               bool *need_more)
{
    const char *record_end = memchr(at, '\n', (size_t)(end - at));
    if (!record_end) {
        *need_more = true;
        return NULL;
    }
    size_t record_length = (size_t)(record_end - at);
    if (record_length > 0 && at[record_length - 1] == '\r')
        record_length--;
    if (!parse_record(at, record_length, end, &state->record))
        return NULL;
    struct frame_lines frames;
    switch (scan_frame_lines(record_end, end, &frames)) {
    case FRAMES_READ:
        break;
    case FRAMES_CUT:
        *need_more = true;
        return NULL;
    default:
        return NULL;
    }
    /* The record ends at an empty line, or at the next record line once that is
     * complete (a cut one would leave this record out). */
    const char *after = frames.last_newline + 1;
    unsigned long lines = 1 + frames.count;
    if (after[0] == '\n') {
        after += 1;
        lines++;
    } else if (after[0] == '\r' && end - after >= 2 && after[1] == '\n') {
        after += 2;
        lines++;
    } else if (after[0] != '<' || !memchr(after, '\n', (size_t)(end - after))) {
        *need_more = after[0] == '<' || (after[0] == '\r' && end - after < 2);
        return NULL;
    }
    state->record.line = *line_number + 1;
    *line_number += lines;
    mozilla_deliver(state, frames.kept, (size_t)(frames.last_newline + 1 - frames.kept), sink);
    return after;
}

size_t mozilla_parse_block(void *opaque, const char *data, size_t length,
                           unsigned long *line_number, struct log_sink *sink, bool *need_more)
{
    struct mozilla_state *state = opaque;
    const char *at = data, *end = data + length;
    *need_more = false;
    /* A record begun by the line reader is finished by it. */
    while (at < end && !state->record.present) {
        if (at[0] == '\n') {
            /* an empty line with no record pending: nothing to do */
            at++;
            (*line_number)++;
            continue;
        }
        if (at[0] != '<')
            break;
        const char *next = read_record(state, at, end, line_number, sink, need_more);
        if (!next)
            break;
        at = next;
    }
    return (size_t)(at - data);
}

/* --- reading on two cores ---------------------------------------------------------------
 *
 * Finding where a record's frame lines end is most of the work of a Mozilla log, and it
 * needs no earlier line: the reading thread (chunk_reader.c) does it, one token per
 * record, and the parser reads the record line and delivers the frames the token
 * points at. Anything read_record would not take whole (a record cut by the scanned
 * bytes, unusual frame lines, a line that is not a record) ends the tokens. */

enum { TOKEN_RECORD = 1, TOKEN_EMPTY_LINE = 2 };

struct record_token {
    struct scanned_line_head head;  /* the record's line, frame lines and empty line */
    uint8_t kind;
    bool usual;                     /* the record line is read into USUAL_RECORD */
    uint32_t record_length;         /* of the record line, without "\r" */
    uint32_t kept_from, kept_length; /* the frame lines delivered, from the record start */
    uint32_t lines;
    /* The record line read ahead, as parse_record reads a usual one: the parser's
     * thread then only copies its texts, which halves that thread's work. */
    struct usual_record usual_record;
};

/* The token of the record at AT, as read_record would read it from [AT, END); false if
 * read_record would not read it whole. */
static bool scan_record(const char *at, const char *end, struct record_token *token)
{
    const char *record_end = memchr(at, '\n', (size_t)(end - at));
    if (!record_end)
        return false;
    size_t record_length = (size_t)(record_end - at);
    if (record_length > 0 && at[record_length - 1] == '\r')
        record_length--;
    struct frame_lines frames;
    if (scan_frame_lines(record_end, end, &frames) != FRAMES_READ)
        return false;
    const char *after = frames.last_newline + 1;
    uint32_t lines = 1 + (uint32_t)frames.count;
    if (after < end && after[0] == '\n') {
        after += 1;
        lines++;
    } else if (end - after >= 2 && after[0] == '\r' && after[1] == '\n') {
        after += 2;
        lines++;
    } else if (after >= end || after[0] != '<' || !memchr(after, '\n', (size_t)(end - after))) {
        return false;
    }
    if (after - at >= UINT32_MAX)
        return false;
    *token = (struct record_token){
        .head.length = (uint32_t)(after - at),
        .kind = TOKEN_RECORD,
        .record_length = (uint32_t)record_length,
        .kept_from = (uint32_t)(frames.kept - at),
        .kept_length = (uint32_t)(frames.last_newline + 1 - frames.kept),
        .lines = lines,
    };
    token->usual = read_usual_record(at, record_length, end, &token->usual_record);
    return true;
}

void mozilla_scan_lines(const char *data, size_t length, struct scanned_lines *scan)
{
    const char *at = data, *end = data + length;
    /* Tokens start at a record line: lines before the first one belong to a record the
     * chunk before began, which the parser reads from the text. */
    while (at < end && at[0] != '<') {
        const char *newline = memchr(at, '\n', (size_t)(end - at));
        at = newline ? newline + 1 : end;
    }
    const char *first = at;
    scan->start += (uint64_t)(first - data);
    scan->next_offset = scan->start;
    struct token_array tokens;
    if (!token_array_start(&tokens, length / 256 + 16, sizeof(struct record_token)))
        return;
    while (at < end) {
        struct record_token *token = token_array_room(&tokens);
        if (!token)
            break;
        if (at[0] == '\n')
            *token = (struct record_token){.head.length = 1, .kind = TOKEN_EMPTY_LINE};
        else if (at[0] != '<' || !scan_record(at, end, token))
            break;
        at += token->head.length;
        tokens.count++;
    }
    token_array_hand_over(&tokens, scan);
    scan->end = scan->start + (uint64_t)(at - first);
}

/* In a reading of lives, applies RECORD if it is a quiet count change of a live object
 * (object_tracker_quiet_count), which is delivered to nobody: as mozilla_deliver would
 * apply it, without the copies of its texts and the event. False if it is not. */
static bool applied_quietly(struct mozilla_state *state, const struct usual_record *record,
                            const struct log_sink *sink)
{
    /* mozilla_deliver's CHANGE_COUNT: an AddRef to 1 is a creation. */
    if (!sink->lives_only || (record->op == 'A' && record->count == 1))
        return false;
    bool by_serial = record->serial != 0;
    return object_tracker_quiet_count(state->tracker, sink, by_serial,
                                      by_serial ? record->serial : record->address_value,
                                      record->op == 'A' ? 1 : -1, (int64_t)record->count,
                                      record->tid);
}

/* How many records ahead of its turn a creation's or destruction's line is fetched. */
enum { RECORDS_AHEAD = 8 };

/* Whether RECORD creates its object (an AddRef to 1) or destroys it (a Release to 0):
 * never a quiet change. */
static inline bool starts_or_ends(const struct usual_record *record)
{
    return record->count == (record->op == 'A');
}

size_t mozilla_parse_scanned(void *opaque, char *data, size_t length,
                             struct scanned_lines *scan, unsigned long *line_number,
                             struct log_sink *sink, bool *need_more)
{
    struct mozilla_state *state = opaque;
    const char *at = data, *end = data + length;
    *need_more = false;
    /* The record lines of creations and destructions are fetched a few records ahead:
     * their texts are copied, and the line, read by the reading thread on the other core,
     * is not in this one's cache. Nothing else is: since most changes go by quietly
     * without their line, fetching every record line ahead cost 1 to 3 ms more CPU on
     * 200 MB than it saved, as fetching the tracker's slots did. A record begun by the
     * line reader is finished by it. */
    size_t ahead = scan->next;
    const char *ahead_at = at;
    while (scan->next < scan->count && !state->record.present) {
        for (; ahead < scan->count && ahead < scan->next + RECORDS_AHEAD; ahead++) {
            const struct record_token *later =
                (const struct record_token *)(const void *)scanned_token(scan, ahead);
            if (later->usual && starts_or_ends(&later->usual_record))
                __builtin_prefetch(ahead_at);
            ahead_at += later->head.length;
        }
        const struct record_token *token =
            (const struct record_token *)(const void *)scanned_token(scan, scan->next);
        const char *after = at + token->head.length;
        if (after > end)
            break;
        if (token->kind == TOKEN_RECORD && token->usual &&
            applied_quietly(state, &token->usual_record, sink)) {
            *line_number += token->lines;
        } else if (token->kind == TOKEN_RECORD) {
            if (token->usual)
                take_usual_record(at, &token->usual_record, &state->record);
            else if (!parse_record(at, token->record_length, end, &state->record))
                break;
            state->record.line = *line_number + 1;
            *line_number += token->lines;
            mozilla_deliver(state, at + token->kept_from, token->kept_length, sink);
        } else {
            (*line_number)++;
        }
        at = after;
        scan->next++;
        scan->next_offset += token->head.length;
    }
    return (size_t)(at - data);
}
