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

/* The first '\n' in [AT, END), or NULL. */
static inline const char *find_line_end(const char *at, const char *end)
{
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n');
    while (end - at >= 16) {
        __m128i here = _mm_loadu_si128((const __m128i *)(const void *)at);
        unsigned found = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, newline));
        if (found)
            return at + __builtin_ctz(found);
        at += 16;
    }
#endif
    for (; at < end; at++)
        if (*at == '\n')
            return at;
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

/* Reads an address (optional 0x, 1 to 16 hex digits: no overflow possible) ending at a
 * comma, which becomes a NUL; returns what follows, or NULL. */
static char *cut_address(char *at, uint64_t *value)
{
    if (at[0] == '0' && (at[1] == 'x' || at[1] == 'X'))
        at += 2;
    const char *digits = at;
    uint64_t parsed = 0;
    unsigned digit;
    while ((digit = hex_digit_plus_one[(unsigned char)*at]) != 0) {
        parsed = parsed * 16 + (digit - 1);
        at++;
    }
    if (at == digits || at - digits > 16 || *at != ',')
        return NULL;
    *at = '\0';
    *value = parsed;
    return at + 1;
}

/* Reads 1 to 18 decimal digits (no overflow possible) ending at STOP; returns what
 * follows the STOP byte, which becomes a NUL, or NULL. A 0x number is left to the line
 * reader: its 'x' is no digit and no STOP. */
static char *cut_decimal(char *at, char stop, uint64_t *value)
{
    const char *digits = at;
    uint64_t parsed = 0;
    while ((unsigned char)(*at - '0') < 10)
        parsed = parsed * 10 + (uint64_t)(*at++ - '0');
    if (at == digits || at - digits > 18 || *at != stop)
        return NULL;
    *at = '\0';
    *value = parsed;
    return at + 1;
}

/* The same with an optional '-', as parse_i64 reads it. */
static char *cut_signed(char *at, char stop, int64_t *value)
{
    bool negative = *at == '-';
    uint64_t magnitude;
    at = cut_decimal(at + negative, stop, &magnitude);
    if (at)
        *value = negative ? -(int64_t)magnitude : (int64_t)magnitude;
    return at;
}

/* Cuts text up to the next comma, which becomes a NUL; returns what follows, or NULL at
 * the line's end. */
static char *cut_text(char *at)
{
    while (*at != ',') {
        if (*at == '\0')
            return NULL;
        at++;
    }
    *at = '\0';
    return at + 1;
}

#define HAS_PREFIX(text, length, prefix) \
    ((length) >= sizeof prefix - 1 && memcmp((text), prefix, sizeof prefix - 1) == 0)

/* Reads STATE (LENGTH bytes, cut) into PARSED's kind and count; false for what the line
 * reader must judge. */
static bool read_state(const char *state, size_t length, struct parsed_line *parsed)
{
    parsed->state_count = 0;
    if (state[0] == '*') {
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
    /* The state's end is a NUL already: the comma before the tag, or the line's end. */
    return cut_signed((char *)state, '\0', &parsed->state_count) != NULL;
}

/* Cuts LINE (LENGTH bytes, NUL-terminated, no line end) into PARSED as parse_fields in
 * asterisk_format.c would, if it has the usual shape; false if not. */
static bool cut_usual_line(char *line, size_t length, struct parsed_line *parsed)
{
    char **field = parsed->field;
    uint64_t number;
    char *at = line;
    field[ADDR] = at;
    if (!(at = cut_address(at, &parsed->address)))
        return false;
    field[DELTA] = at;
    if (!(at = cut_signed(at + (*at == '+'), ',', &parsed->delta)))
        return false;
    field[TID] = at;
    if (!(at = cut_decimal(at, ',', &parsed->tid)))
        return false;
    field[FILE_NAME] = at;
    if (!(at = cut_text(at)))
        return false;
    field[LINE] = at;
    if (!(at = cut_decimal(at, ',', &number)))
        return false;
    field[FUNC] = at;
    if (!(at = cut_text(at)))
        return false;
    parsed->site_length = (size_t)(at - 1 - field[FILE_NAME]);
    field[STATE] = at;
    char *line_end = line + length;
    char *comma = memchr(at, ',', (size_t)(line_end - at));
    char *state_end = comma ? comma : line_end;
    *state_end = '\0';
    field[TAG] = comma ? comma + 1 : line_end;
    return read_state(at, (size_t)(state_end - at), parsed);
}

/* Where the next line stands: cut ahead of its turn, or why it could not be. */
enum cut_result { CUT, CUT_EMPTY, CUT_NOT_USUAL, CUT_PAST_END };

/* Cuts the line at AT (before END) into LINE, which remembers where the line ends. */
static enum cut_result cut_next(const char *at, const char *end, struct asterisk_cut_line *line)
{
    const char *line_end = find_line_end(at, end);
    if (!line_end)
        return CUT_PAST_END;
    size_t length = (size_t)(line_end - at);
    if (length == 0)
        return CUT_EMPTY;
    if (length >= sizeof line->text || line_end[-1] == '\r')
        return CUT_NOT_USUAL;
    memcpy(line->text, at, length);
    line->text[length] = '\0';
    line->length = length;
    line->next = line_end + 1;
    return cut_usual_line(line->text, length, &line->parsed) ? CUT : CUT_NOT_USUAL;
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

/* Lines are cut a few ahead of their turn, and the chain slot of each is fetched from
 * memory as it is cut: looking up a line's address is otherwise a wait on memory for
 * every line, the table being as big as the live objects. */
size_t asterisk_parse_block(void *opaque, const char *data, size_t length,
                            unsigned long *line_number, struct log_sink *sink, bool *need_more)
{
    struct asterisk_state *state = opaque;
    struct asterisk_cut_line *ring = asterisk_cut_lines(state);
    const char *end = end_of_readable(data, length);
    *need_more = end == NULL;
    if (!end)
        return 0;
    const char *at = data, *cut_at = data;
    size_t first = 0, ahead = 0;
    enum cut_result stop = CUT;
    for (;;) {
        while (stop == CUT && ahead < ASTERISK_LOOKAHEAD) {
            struct asterisk_cut_line *line = &ring[(first + ahead) % ASTERISK_LOOKAHEAD];
            stop = cut_at < end ? cut_next(cut_at, end, line) : CUT_PAST_END;
            if (stop == CUT) {
                asterisk_prefetch_chain(state, line->parsed.address);
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
            stop = CUT;
            continue;
        }
        struct asterisk_cut_line *line = &ring[first];
        asterisk_accept_line(state, &line->parsed, line->text, line->length, *line_number + 1,
                             sink);
        (*line_number)++;
        at = line->next;
        first = (first + 1) % ASTERISK_LOOKAHEAD;
        ahead--;
    }
    return (size_t)(at - data);
}
