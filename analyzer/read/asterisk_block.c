/* asterisk_block.c - reads Asterisk refs lines straight from the reader's buffer.
 *
 * Nearly every line of a big log has the usual shape: `0xADDR,+1,TID,FILE,LINE,FUNC,`
 * then a decimal count or `**constructor**...`/`**destructor**...`/`**invalid**...`,
 * then the tag. Such a line is found with one 16-byte-a-step search for its end, copied
 * into one of the state's cut lines and cut there in one pass that reads the numbers as
 * it goes; asterisk_format.c then takes it exactly as it takes a line of its own reader.
 *
 * Anything else (a hex count or thread id, a number too long to read without overflow
 * checks, a `\r` line end, missing fields, a line longer than a cut line's buffer, a
 * torn line) stops this reader at that line without a word: the line reader reads it,
 * and tells what is wrong with it if anything is. */
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "asterisk_lines.h"
#include "asterisk_scan.h"
#include "object_tracker.h"
#include "parse_number.h"

enum { SPLITTING_COMMAS = ASTERISK_FIELD_COUNT - 1 };
/* A usual line is shorter: it fits a cut line's text. */
enum { USUAL_LINE_MAX = sizeof ((struct asterisk_cut_line *)0)->text };

/* Finds the end of the line at AT (before END) and the offsets of its first seven
 * commas (*COMMAS of them; the tag's own commas are not fields), 16 bytes a step with
 * SSE2: one pass instead of a search for the line end and another for each field.
 * NULL if the line goes on past END. */
static const char *scan_line(const char *at, const char *end, uint32_t comma[SPLITTING_COMMAS],
                             unsigned *commas)
{
    unsigned found = 0;
    const char *chunk = at;
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n'), separator = _mm_set1_epi8(',');
    for (; end - chunk >= 16; chunk += 16) {
        __m128i here = _mm_loadu_si128((const __m128i *)(const void *)chunk);
        unsigned ends = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, newline));
        unsigned commas_here = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, separator));
        if (ends)
            commas_here &= (1u << __builtin_ctz(ends)) - 1;
        for (; commas_here && found < SPLITTING_COMMAS; commas_here &= commas_here - 1)
            comma[found++] = (uint32_t)(chunk - at) + (uint32_t)__builtin_ctz(commas_here);
        if (ends) {
            *commas = found;
            return chunk + __builtin_ctz(ends);
        }
    }
#endif
    for (; chunk < end; chunk++) {
        if (*chunk == '\n') {
            *commas = found;
            return chunk;
        }
        if (*chunk == ',' && found < SPLITTING_COMMAS)
            comma[found++] = (uint32_t)(chunk - at);
    }
    return NULL;
}

/* Each byte's value as a hex digit, stored +1: 0 means not a digit. A lookup instead of
 * three range tests per digit of every address. */
static const unsigned char hex_digit_plus_one[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
    ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Reads the hex digits at P (after an optional 0x or 0X) up to the first other byte,
 * which it returns; NULL unless there are 1 to 16, as parse_hex_u64 reads an address. */
static inline const char *scan_hex(const char *p, uint64_t *value, bool *plain)
{
    bool prefix = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    bool lower_x = prefix && p[1] == 'x';
    p += prefix ? 2 : 0;
    const char *digits = p;
    uint64_t parsed = 0;
    unsigned digit, all_bytes = 0xff;
    while ((digit = hex_digit_plus_one[(unsigned char)*p]) != 0) {
        parsed = parsed << 4 | (digit - 1);
        all_bytes &= (unsigned char)*p;
        p++;
    }
    if (p == digits || p - digits > 16)
        return NULL;
    *value = parsed;
    /* As the tracker spells it: 0x, no leading zero, lowercase (digits and a-f have bit
     * 0x20, A-F not). */
    *plain = lower_x && (digits[0] != '0' || p - digits == 1) && (all_bytes & 0x20);
    return p;
}

/* Reads 1 to 18 decimal digits at P up to the first other byte, which it returns; NULL
 * if there are none or more (no overflow possible). A 0x number is left to the line
 * reader: its 'x' is no digit. */
static inline const char *scan_decimal(const char *p, uint64_t *value)
{
    const char *end = digit_run(p, value);
    return end == p || end - p > 18 ? NULL : end;
}

/* The same after an optional '-', as parse_i64 reads it. */
static inline const char *scan_signed(const char *p, int64_t *value)
{
    bool negative = *p == '-';
    uint64_t magnitude;
    if (!(p = scan_decimal(p + negative, &magnitude)))
        return NULL;
    *value = negative ? -(int64_t)magnitude : (int64_t)magnitude;
    return p;
}

#define HAS_PREFIX(text, length, prefix) \
    ((length) >= sizeof prefix - 1 && memcmp((text), prefix, sizeof prefix - 1) == 0)

/* Reads STATE (LENGTH bytes) into PARSED's kind and count; false for what the line
 * reader must judge. */
static inline bool read_state(const char *state, size_t length, struct parsed_line *parsed)
{
    parsed->state_count = 0;
    if (length > 0 && state[0] == '*') {
        if (HAS_PREFIX(state, length, "**constructor**"))
            parsed->kind = LINE_CONSTRUCTOR;
        else if (HAS_PREFIX(state, length, "**destructor**"))
            parsed->kind = LINE_DESTRUCTOR;
        else if (HAS_PREFIX(state, length, "**invalid**"))
            parsed->kind = LINE_INVALID;
        else
            return false;
        return true;
    }
    parsed->kind = LINE_COUNT;
    return scan_signed(state, &parsed->state_count) == state + length;
}

/* Cuts LINE (LENGTH bytes, NUL-terminated, no line end; COMMA its first COMMAS commas)
 * into PARSED as parse_fields in asterisk_format.c would, if it has the usual shape;
 * false if not. */
static bool cut_usual_line(char *line, size_t length, const uint32_t comma[SPLITTING_COMMAS],
                           unsigned commas, struct parsed_line *parsed)
{
    if (commas < SPLITTING_COMMAS - 1)
        return false;
    parsed->uncut_text = line;
    parsed->uncut_length = length;
    for (unsigned i = 0; i < commas; i++)
        parsed->uncut_comma[i] = (uint16_t)comma[i];    /* lines are shorter than 1024 */
    parsed->uncut_commas = (uint8_t)commas;
    asterisk_cut_fields(parsed);    /* no tag: an empty one, as split_fields gives */
    char **field = parsed->field;
    char *line_end = line + length;
    uint64_t source_line;
    const char *delta = field[DELTA] + (field[DELTA][0] == '+');
    if (scan_hex(field[ADDR], &parsed->address, &parsed->address_plain) != field[DELTA] - 1 ||
        scan_signed(delta, &parsed->delta) != field[TID] - 1 ||
        scan_decimal(field[TID], &parsed->tid) != field[FILE_NAME] - 1 ||
        scan_decimal(field[LINE], &source_line) != field[FUNC] - 1)
        return false;
    parsed->site_length = (size_t)(field[STATE] - 1 - field[FILE_NAME]);
    asterisk_site_digest(parsed);
    char *state_end = commas == SPLITTING_COMMAS ? field[TAG] - 1 : line_end;
    return read_state(field[STATE], (size_t)(state_end - field[STATE]), parsed);
}

/* Where the next line stands: cut ahead of its turn, or why it could not be. */
enum cut_result { CUT, CUT_EMPTY, CUT_NOT_USUAL, CUT_PAST_END };

/* Cuts the line at AT (before END) into LINE, which remembers where the line ends; the
 * offsets of the commas it cut at go to COMMA (*COMMAS of them). */
static enum cut_result cut_line_at(const char *at, const char *end, struct asterisk_cut_line *line,
                                   uint32_t comma[SPLITTING_COMMAS], unsigned *commas_out)
{
    unsigned commas = 0;
    const char *line_end = scan_line(at, end, comma, &commas);
    *commas_out = commas;
    if (!line_end)
        return CUT_PAST_END;
    size_t length = (size_t)(line_end - at);
    if (length == 0)
        return CUT_EMPTY;
    if (length >= USUAL_LINE_MAX || line_end[-1] == '\r')
        return CUT_NOT_USUAL;
    memcpy(line->text, at, length);
    line->text[length] = '\0';
    line->line = line->text;
    line->length = length;
    line->next = line_end + 1;
    return cut_usual_line(line->text, length, comma, commas, &line->parsed) ? CUT
                                                                            : CUT_NOT_USUAL;
}

static enum cut_result cut_next(const char *at, const char *end, struct asterisk_cut_line *line)
{
    uint32_t comma[SPLITTING_COMMAS];
    unsigned commas;
    return cut_line_at(at, end, line, comma, &commas);
}

/* Where the lines this reader may read end: before the last complete line of DATA,
 * which is left to the line reader. The reader only learns from the lines it hands out
 * itself whether the log ends in a torn line (a killed thread's unfinished line): if
 * this reader read the lines after a torn line up to the end, the log would look cut
 * there. Leaving one line per block costs nothing, and the log's last line always goes
 * through the line reader. NULL if DATA holds no complete line. */
static const char *end_of_readable(const char *data, size_t length)
{
    const char *last = memrchr(data, '\n', length);
    if (!last)
        return NULL;
    const char *before_last = memrchr(data, '\n', (size_t)(last - data));
    return before_last ? before_last + 1 : data;
}

/* Where the next lines come from: the text itself, or the tokens of the reading thread. */
struct line_source {
    const char *end;                /* of the lines this reader may read */
    struct scanned_lines *scan;     /* NULL: cut from the text */
    size_t token;                   /* with SCAN: the token of the line at the cut place */
    char *writable;                 /* with SCAN: the data read_lines reads, writable */
};

static enum cut_result cut_from_token(struct line_source *source, char *at,
                                      struct asterisk_cut_line *line);

/* How many lines before its turn a line's second fetch (asterisk_prefetch_record) starts:
 * halfway between its cutting and its turn. */
enum { RECORD_AHEAD = ASTERISK_LOOKAHEAD / 2 };

/* Lines are cut a few ahead of their turn, and the chain and call site slots of each are
 * fetched from memory as it is cut: looking them up is otherwise a wait on memory for
 * every line, the chains being as many as the live objects. */
static size_t read_lines(struct asterisk_state *state, const char *data, struct line_source *source,
                         unsigned long *line_number, struct log_sink *sink)
{
    struct asterisk_cut_line *ring = asterisk_cut_lines(state);
    const char *at = data, *cut_at = data;
    size_t first = 0, ahead = 0;
    enum cut_result stop = CUT;
    for (;;) {
        while (stop == CUT && ahead < ASTERISK_LOOKAHEAD) {
            struct asterisk_cut_line *line = &ring[(first + ahead) % ASTERISK_LOOKAHEAD];
            stop = cut_at >= source->end ? CUT_PAST_END
                   : source->scan        ? cut_from_token(source,
                                                          source->writable + (cut_at - data), line)
                                         : cut_next(cut_at, source->end, line);
            if (stop == CUT) {
                asterisk_prefetch(state, &line->parsed);
                cut_at = line->next;
                ahead++;
            }
        }
        if (ahead == 0) {
            if (stop != CUT_EMPTY)
                break;
            /* An empty line, cut only when every line before it was taken. */
            at = cut_at = at + 1;
            (*line_number)++;
            if (source->scan)
                source->token++;
            stop = CUT;
            continue;
        }
        if (ahead > RECORD_AHEAD)
            asterisk_prefetch_record(
                state, ring[(first + RECORD_AHEAD) % ASTERISK_LOOKAHEAD].parsed.address);
        struct asterisk_cut_line *line = &ring[first];
        asterisk_accept_line(state, &line->parsed, line->line, line->length, *line_number + 1,
                             sink);
        (*line_number)++;
        at = line->next;
        first = (first + 1) % ASTERISK_LOOKAHEAD;
        ahead--;
    }
    return (size_t)(at - data);
}

size_t asterisk_parse_block(void *opaque, const char *data, size_t length,
                            unsigned long *line_number, struct log_sink *sink, bool *need_more)
{
    const char *end = end_of_readable(data, length);
    *need_more = end == NULL;
    if (!end)
        return 0;
    struct line_source source = {end, NULL, 0, NULL};
    return read_lines(opaque, data, &source, line_number, sink);
}

/* --- reading on two cores ---------------------------------------------------------------
 *
 * The reading thread (chunk_reader.c) finds each usual line's commas and reads its
 * numbers and call site digest into a token, as cut_next would; the parser then copies
 * the line and cuts it at the commas the token gives. Any other line ends nothing: its
 * token says so, and the parser cuts it from the text or leaves it to the line reader,
 * as without the thread. */

/* read_state for the reading thread: the count read a field at once (its digits vary in
 * number from line to line). */
static inline bool scan_state(const char *state, const char *end, const char *limit,
                              struct parsed_line *parsed)
{
    if (end > state && state[0] == '*')
        return read_state(state, (size_t)(end - state), parsed);
    parsed->kind = LINE_COUNT;
    return asterisk_signed_field(state, end, limit, &parsed->state_count);
}

/* Reads the line at AT, whose first COUNT commas (seven at most) are OFFSET[0..COUNT-1]
 * bytes from AT and whose '\n' is NEWLINE, into TOKEN if it has the
 * usual shape, as cut_line_at and cut_usual_line would read it: every field's end is
 * known, so the numbers are read a few bytes at once (asterisk_scan.h). LIMIT: the end of
 * the bytes that may be read. False if the line is not usual. */
static bool scan_usual_line(const char *at, const uint16_t offset[SPLITTING_COMMAS], unsigned count,
                            const char *newline, const char *limit, bool lives_only,
                            struct asterisk_token *token)
{
#define SEPARATOR(field) (at + offset[field])
    /* six commas up to STATE's start; STATE ends at a seventh or at the '\n' */
    if (count < SPLITTING_COMMAS - 1)
        return false;
    const char *state = SEPARATOR(FUNC) + 1;
    const char *state_end = count == SPLITTING_COMMAS ? SEPARATOR(STATE) : newline;
    size_t length = (size_t)(newline - at);
    if (length >= USUAL_LINE_MAX || newline[-1] == '\r')
        return false;
    struct parsed_line parsed;
    uint64_t source_line;
    bool address_plain;
    const char *delta = SEPARATOR(ADDR) + 1;
    delta += *delta == '+';
    if (!asterisk_hex_field(at, SEPARATOR(ADDR), limit, &parsed.address, &address_plain) ||
        !asterisk_signed_field(delta, SEPARATOR(DELTA), limit, &parsed.delta) ||
        !asterisk_decimal_field(SEPARATOR(DELTA) + 1, SEPARATOR(TID), limit, &parsed.tid) ||
        !asterisk_decimal_field(SEPARATOR(FILE_NAME) + 1, SEPARATOR(LINE), limit,
                                &source_line) ||
        !scan_state(state, state_end, limit, &parsed))
        return false;
    const char *site = SEPARATOR(TID) + 1;
    size_t site_length = (size_t)(SEPARATOR(FUNC) - site);
#undef SEPARATOR
    token->commas = (uint8_t)count;
    /* all seven, past COUNT too (never read then): no loop on COUNT */
    memcpy(token->comma, offset, sizeof token->comma);
    token->line_kind = (uint8_t)parsed.kind;
    token->address_plain = address_plain;
    token->site_length = (uint16_t)site_length;
    /* FILE,LINE,FUNC as written. A count line of a reading of lives is nearly always
     * quiet, and a quiet line needs no call site: the parser digests it if not. */
    token->site_known = !(lives_only && parsed.kind == LINE_COUNT);
    if (token->site_known)
        token->site = fast_digest(site, site_length);
    token->address = parsed.address;
    token->tid = parsed.tid;
    token->delta = parsed.delta;
    token->state_count = parsed.state_count;
    return true;
}

/* The line at offset AT, longer than separator_line sees: its end, and the offsets from AT
 * of its first seven commas (*COUNT of them; 0 for the others) into OFFSET. An offset
 * past 65,535 is kept short: scan_usual_line reads no field of a line that long. */
static size_t long_line(const uint64_t *commas, const uint64_t *newlines, size_t at,
                        uint16_t offset[SPLITTING_COMMAS], unsigned *count)
{
    struct separator_cursor newline = separator_at(newlines, at);
    size_t end = separator_take(newlines, &newline);
    struct separator_cursor comma = separator_at(commas, at);
    *count = 0;
    for (size_t next; *count < SPLITTING_COMMAS && (next = separator_take(commas, &comma)) < end;)
        offset[(*count)++] = (uint16_t)(next - at);
    for (unsigned i = *count; i < SPLITTING_COMMAS; i++)
        offset[i] = 0;
    return end;
}

void asterisk_scan_lines(const char *data, size_t length, struct scanned_lines *scan)
{
    /* Only whole lines are scanned: then every line has its '\n'. */
    const char *last_newline = length ? memrchr(data, '\n', length) : NULL;
    if (!last_newline)
        return;
    size_t scanned = (size_t)(last_newline - data) + 1;
    /* and three words with every bit set after the last: windows of 128 bits from any
     * line's start, and searches that never run out */
    size_t words = (scanned + 63) / 64 + 3;
    uint64_t *commas = malloc(2 * words * sizeof *commas);
    /* Room for lines of 40 bytes; grown when shorter. */
    struct token_array tokens;
    if (!commas || !token_array_start(&tokens, length / 40 + 16, sizeof(struct asterisk_token))) {
        free(commas);
        return;
    }
    uint64_t *newlines = commas + words;
    for (size_t i = words - 3; i < words; i++)
        commas[i] = newlines[i] = ~UINT64_C(0);
    asterisk_mark_separators(data, scanned, commas, newlines);
    size_t at = 0;
    while (at < scanned) {
        struct asterisk_token *token = token_array_room(&tokens);
        if (!token)
            break;
        uint16_t offset[SPLITTING_COMMAS];
        /* the line's first seven commas; the tag's own are no fields */
        unsigned line_end = separator_line(commas, newlines, at, offset);
        unsigned count;
        size_t end;
        if (line_end < 127) {
            end = at + line_end;
            count = offset[SPLITTING_COMMAS - 2] > line_end   ? 0
                    : offset[SPLITTING_COMMAS - 1] > line_end ? SPLITTING_COMMAS - 1
                                                              : SPLITTING_COMMAS;
        } else {
            end = long_line(commas, newlines, at, offset, &count);
        }
        if (end == at)
            token->kind = TOKEN_EMPTY_LINE;
        else if (scan_usual_line(data + at, offset, count, data + end, data + scanned,
                                 scan->lives_only, token))
            token->kind = TOKEN_USUAL;
        else
            token->kind = TOKEN_TEXT;
        if (end - at >= UINT32_MAX)
            break;
        token->head.length = (uint32_t)(end - at) + 1;
        tokens.count++;
        at = end + 1;
    }
    free(commas);
    token_array_hand_over(&tokens, scan);
    scan->end = scan->start + (uint64_t)at;
}

/* Cuts the line at AT into LINE from its token, as cut_next would cut it from the text,
 * but where it is: every line cut is read before read_lines returns, and the reader
 * reads no byte of it again, so no copy is needed. */
static enum cut_result cut_from_token(struct line_source *source, char *at,
                                      struct asterisk_cut_line *line)
{
    struct scanned_lines *scan = source->scan;
    if (source->token >= scan->count)
        return CUT_PAST_END;
    const struct asterisk_token *token =
        (const struct asterisk_token *)(const void *)scanned_token(scan, source->token);
    if (at + token->head.length > source->end)
        return CUT_PAST_END;
    if (token->kind == TOKEN_EMPTY_LINE)
        return CUT_EMPTY;
    if (token->kind != TOKEN_USUAL)
        return CUT_NOT_USUAL;
    size_t length = token->head.length - 1;
    line->line = at;        /* its '\n' made a NUL when it is cut */
    line->length = length;
    line->next = at + token->head.length;
    struct parsed_line *parsed = &line->parsed;
    /* Cut when its fields are needed (asterisk_cut_fields): a quiet line never is. */
    parsed->uncut_text = at;
    parsed->uncut_length = length;
    memcpy(parsed->uncut_comma, token->comma, sizeof parsed->uncut_comma);
    parsed->uncut_commas = token->commas;
    /* A full reading needs every line's fields: cut now, a few lines ahead of its turn,
     * for the stores to be done when they are read (cut in take_parsed itself, the line's
     * fields were read back before the stores had landed: a stall of a fifth of
     * --history's parser). */
    if (!scan->lives_only)
        asterisk_cut_fields(parsed);
    parsed->site_length = token->site_length;
    parsed->site = token->site;
    parsed->address = token->address;
    parsed->delta = token->delta;
    parsed->tid = token->tid;
    parsed->kind = (enum line_kind)token->line_kind;
    parsed->state_count = token->state_count;
    parsed->address_plain = token->address_plain;
    parsed->site_known = token->site_known;
    source->token++;
    return CUT;
}

/* read_lines for a reading of lives, from the tokens themselves: most lines are quiet
 * count changes (asterisk_take_quiet), taken from the token's numbers without a line
 * cut in the ring; most others are births and deaths, taken from the token too
 * (asterisk_take_birth_or_death); the rest are cut as read_lines cuts them, in their
 * turn (their fields are cut when needed, in take_parsed or hold). Nothing is prefetched: the
 * tracker's slots and records of the lines ahead were fetched in two calls a line,
 * which cost more than the waits they saved (on the bench log, 20% of the parser's
 * instructions; 0.097 s instead of 0.112 s of wall, 0.160 s of CPU instead of 0.175 s,
 * medians of interleaved runs). */
static size_t read_tokens(struct asterisk_state *state, const char *data,
                          struct line_source *source, unsigned long *line_number,
                          struct log_sink *sink)
{
    struct scanned_lines *scan = source->scan;
    struct asterisk_cut_line *line = asterisk_cut_lines(state);
    struct object_tracker *tracker = asterisk_tracker(state);
    bool quiet_taken = asterisk_quiet_lines_taken(state, sink);
    const char *at = data;
    size_t i;
    for (i = source->token; i < scan->count; i++) {
        const struct asterisk_token *token =
            (const struct asterisk_token *)(const void *)scanned_token(scan, i);
        if (at + token->head.length > source->end)
            break;
        if (token->kind == TOKEN_EMPTY_LINE) {
            at++;
            (*line_number)++;
            continue;
        }
        if (token->kind != TOKEN_USUAL)
            break;
        /* asterisk_take_quiet, in its two steps */
        bool tried = token->line_kind == LINE_COUNT;
        if (!(tried && quiet_taken &&
              object_tracker_quiet_count_from(tracker, sink, token->address, token->state_count,
                                              token->delta, token->tid))) {
            char *text = source->writable + (at - data);
            if (tried || !asterisk_take_birth_or_death(state, token, text, *line_number + 1,
                                                       sink)) {
                source->token = i;
                cut_from_token(source, text, line);
                (tried ? asterisk_accept_unquiet_line : asterisk_accept_line)(
                    state, &line->parsed, line->line, line->length, *line_number + 1, sink);
            }
            quiet_taken = asterisk_quiet_lines_taken(state, sink);
        }
        (*line_number)++;
        at += token->head.length;
    }
    source->token = i;  /* the token of the first line not read */
    return (size_t)(at - data);
}

size_t asterisk_parse_scanned(void *opaque, char *data, size_t length,
                              struct scanned_lines *scan, unsigned long *line_number,
                              struct log_sink *sink, bool *need_more)
{
    /* As asterisk_parse_block: the last complete line is the line reader's. */
    const char *end = end_of_readable(data, length);
    *need_more = false;
    if (!end)
        return 0;
    struct line_source source = {end, scan, scan->next, data};
    if (scan->lives_only) {
        /* A token a line read: no walk over them again. */
        size_t read = read_tokens(opaque, data, &source, line_number, sink);
        scan->next = source.token;
        scan->next_offset += read;
        return read;
    }
    size_t read = read_lines(opaque, data, &source, line_number, sink);
    /* Tokens cut ahead but not taken are cut again next time. */
    const char *at = data;
    while (scan->next < scan->count && (size_t)(at - data) < read) {
        at += scanned_token(scan, scan->next)->length;
        scan->next_offset += scanned_token(scan, scan->next)->length;
        scan->next++;
    }
    return read;
}
