/* asterisk_format.c - parser for Asterisk's refs log (refdebug=yes, astobj2.c).
 *
 * One line per change: `ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG`, where the tag is
 * free text that may contain commas, so only the first seven commas split fields.
 * STATE is the count before the change, or `**constructor**` (newer logs add
 * `OVERHEAD**SIZE**`), `**destructor**` (newer: `lock-state:...**`) or `**invalid**`.
 * Each line's FILE:LINE FUNC is its one-frame stack. Asterisk does not name types, so
 * an object's class is the function that constructed it.
 *
 * Asterisk writes a line after the atomic change it describes, so an object's lines can
 * come out of order: another thread's line may be written first, a -1 on an object with a
 * weak proxy destroys it from a nested __ao2_ref whose `**destructor**` line comes before
 * the outer call's own line, and the memory is freed before the destructor line is
 * written, so a new object at the same address may be constructed first. Each object's
 * changes form a chain, though: a count line's STATE is the count before it, a destructor
 * takes the count to 0, a constructor needs the address free. A line that does not fit
 * its object's chain yet waits (see `struct pending`) until the lines before it come, and
 * is taken as it is when they do not come within REORDER_WINDOW lines or by the end: then
 * the tracker tells what is wrong with it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"
#include "id_map.h"
#include "log_format.h"
#include "object_tracker.h"
#include "parse_number.h"

enum { FIELD_COUNT = 8 };
enum { ADDR, DELTA, TID, FILE_NAME, LINE, FUNC, STATE, TAG };

/* A distinct FILE,LINE,FUNC: the one frame of the lines that name it. */
struct call_site {
    char *key;                /* "FILE,LINE,FUNC" as written */
    size_t key_length;
    uint64_t id;
    struct log_frame frame;
    char *function, *source;
    UT_hash_handle hh;
};

/* Lines held back this many lines at most, waiting for an earlier change of their object. */
#define REORDER_WINDOW 20000

/* A line that does not fit its object's chain yet, kept as written. */
struct pending {
    char *text;
    size_t length;
    unsigned long line_number;
    struct address_chain *chain;
    struct pending *next_of_address;            /* the address's pending lines, in order */
    struct pending *older, *newer;              /* all pending lines, in order */
};

/* Where an address's chain stands: the object there and the lines that wait for it. */
struct address_chain {
    uint64_t address;
    bool alive;
    int64_t count;                              /* after the last line taken */
    struct pending *first_pending, *last_pending;
};

struct asterisk_state {
    struct call_site *sites;
    uint64_t next_site_id;
    struct object_tracker *tracker;
    /* The chains of the addresses that have a live object or waiting lines, by address;
     * address 0 (id_map's empty key) apart. An idle chain is forgotten: it is the same as
     * a new one, and the addresses a log ever used are many more than those in use. */
    struct id_map chains;
    struct address_chain *chain_at_zero;
    struct pending *oldest, *newest;
};

/* Splits LINE at its first seven commas; false if there are fewer than six (the tag
 * and the comma before it are missing in some old logs). */
static bool split_fields(char *line, size_t length, char *field[FIELD_COUNT])
{
    char *end = line + length;
    char *cursor = line;
    size_t count = 0;
    while (count < FIELD_COUNT - 1) {
        field[count++] = cursor;
        char *comma = memchr(cursor, ',', (size_t)(end - cursor));
        if (!comma)
            break;
        *comma = '\0';
        cursor = comma + 1;
    }
    if (count == FIELD_COUNT - 1 && cursor > field[count - 1]) {
        field[count++] = cursor;
    }
    if (count < FIELD_COUNT - 1)
        return false;
    if (count == FIELD_COUNT - 1)
        field[TAG] = end; /* an empty string: *end is the line's terminator */
    return true;
}

static bool parse_delta(const char *text, int64_t *delta)
{
    return parse_i64(text[0] == '+' ? text + 1 : text, delta);
}

static bool recognizes(const char *first_line)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", first_line);
    char *field[FIELD_COUNT];
    uint64_t address, tid, line;
    int64_t delta;
    return split_fields(copy, strlen(copy), field) && parse_hex_u64(field[ADDR], &address) &&
           parse_delta(field[DELTA], &delta) && parse_u64(field[TID], &tid) &&
           parse_u64(field[LINE], &line);
}

static void *create(void)
{
    struct asterisk_state *state = xcalloc(1, sizeof *state);
    state->tracker = object_tracker_new();
    return state;
}

/* The call site named by the fields FILE..FUNC, which lie one after the other in the
 * line (their commas now NULs). */
static struct call_site *find_site(struct asterisk_state *state, char *field[FIELD_COUNT])
{
    size_t key_length = (size_t)(field[FUNC] - field[FILE_NAME]) + strlen(field[FUNC]);
    struct call_site *site;
    HASH_FIND(hh, state->sites, field[FILE_NAME], key_length, site);
    if (site)
        return site;
    site = xcalloc(1, sizeof *site);
    site->key = xmalloc(key_length);
    memcpy(site->key, field[FILE_NAME], key_length);
    site->key_length = key_length;
    site->id = ++state->next_site_id;
    size_t source_length = strlen(field[FILE_NAME]) + strlen(field[LINE]) + 2;
    site->source = xmalloc(source_length);
    snprintf(site->source, source_length, "%s:%s", field[FILE_NAME], field[LINE]);
    site->function = xstrdup(field[FUNC][0] ? field[FUNC] : "???");
    site->frame.function = site->function;
    site->frame.source = site->source;
    HASH_ADD_KEYPTR(hh, state->sites, site->key, site->key_length, site);
    return site;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* SIZE from `**constructor**OVERHEAD**SIZE**`; 0 in older logs. */
static uint64_t constructor_size(const char *state)
{
    const char *overhead = state + strlen("**constructor**");
    const char *stars = strstr(overhead, "**");
    if (!stars)
        return 0;
    char digits[32];
    size_t length = strcspn(stars + 2, "*");
    uint64_t size;
    if (length == 0 || length >= sizeof digits)
        return 0;
    memcpy(digits, stars + 2, length);
    digits[length] = '\0';
    return parse_u64(digits, &size) ? size : 0;
}

enum line_kind { LINE_CONSTRUCTOR, LINE_DESTRUCTOR, LINE_INVALID, LINE_COUNT };

static enum line_kind kind_of(const char *state_text)
{
    if (starts_with(state_text, "**constructor**"))
        return LINE_CONSTRUCTOR;
    if (starts_with(state_text, "**destructor**"))
        return LINE_DESTRUCTOR;
    if (starts_with(state_text, "**invalid**"))
        return LINE_INVALID;
    return LINE_COUNT;
}

/* A line cut into its fields (its commas now NULs), with the numbers read. */
struct parsed_line {
    char *field[FIELD_COUNT];
    uint64_t address;
    int64_t delta;
};

/* Cuts LINE into fields and reads the address and delta; false after telling why. */
static bool parse_fields(char *line, size_t length, struct parsed_line *parsed,
                         struct log_sink *sink)
{
    if (!split_fields(line, length, parsed->field))
        return log_sink_fail(sink, "expected ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG");
    if (!parse_hex_u64(parsed->field[ADDR], &parsed->address))
        return log_sink_fail(sink, "bad address '%.40s'", parsed->field[ADDR]);
    if (!parse_delta(parsed->field[DELTA], &parsed->delta))
        return log_sink_fail(sink, "bad delta '%.40s'", parsed->field[DELTA]);
    return true;
}

/* Turns a parsed line into its event, in its turn. CHAIN, when given, follows what it
 * did. */
static bool take_parsed(struct asterisk_state *state, struct parsed_line *parsed,
                        unsigned long line_number, struct log_sink *sink,
                        struct address_chain *chain)
{
    char **field = parsed->field;
    uint64_t tid, source_line;
    if (!parse_u64(field[TID], &tid))
        return log_sink_fail(sink, "bad thread id '%.40s'", field[TID]);
    if (!parse_u64(field[LINE], &source_line))
        return log_sink_fail(sink, "bad line number '%.40s'", field[LINE]);
    const char *state_text = field[STATE];
    struct call_site *site = find_site(state, field);
    int64_t delta = parsed->delta;
    struct log_event event = {
        .address = field[ADDR],
        .address_value = parsed->address,
        .class_name = "?",
        .tid = tid,
        .frames = &site->frame,
        .frame_count = 1,
        .stack_id = site->id,
        .line = line_number,
        .delta = delta,
        .tag = field[TAG],
        .state = state_text,
    };
    struct change change = {0};
    int64_t count_before;
    if (starts_with(state_text, "**constructor**")) {
        change.kind = CHANGE_CREATE;
        change.count_known = true;
        event.count = delta;
        event.size = constructor_size(state_text);
        event.class_name = site->function;
    } else if (starts_with(state_text, "**destructor**")) {
        change.kind = CHANGE_DESTROY;
    } else if (starts_with(state_text, "**invalid**")) {
        change.kind = CHANGE_INVALID;
    } else if (parse_i64(state_text, &count_before)) {
        change.kind = CHANGE_COUNT;
        change.count_known = true;
        change.logs_count_before = true;
        event.count = count_before + delta;
    } else {
        return log_sink_fail(sink, "bad state '%.40s' (a count, **constructor**, **destructor** or "
                    "**invalid**)", state_text);
    }
    object_tracker_apply(state->tracker, &change, &event, sink);
    if (chain != NULL) {
        chain->alive = event.op == LOG_OP_NEW || event.op == LOG_OP_ADDREF ||
                       event.op == LOG_OP_RELEASE;
        chain->count = chain->alive ? event.count : 0;
    }
    return true;
}

/* Turns a line into its event, in its turn. CHAIN, when given, follows what it did. */
static bool take_line(struct asterisk_state *state, char *line, size_t length,
                      unsigned long line_number, struct log_sink *sink,
                      struct address_chain *chain)
{
    struct parsed_line parsed;
    return parse_fields(line, length, &parsed, sink) &&
           take_parsed(state, &parsed, line_number, sink, chain);
}

/* True when a line of KIND (count before it STATE_COUNT, change DELTA) is the next change
 * of CHAIN's object. */
static bool fits_chain(const struct address_chain *chain, enum line_kind kind,
                       int64_t state_count, int64_t delta)
{
    switch (kind) {
    case LINE_CONSTRUCTOR: return !chain->alive;
    case LINE_DESTRUCTOR: return !chain->alive || chain->count + delta <= 0;
    case LINE_COUNT: return !chain->alive || chain->count == state_count;
    default: return true;
    }
}

/* Forgets CHAIN if nothing is alive at its address and no line waits for it. */
static void forget_if_idle(struct asterisk_state *state, struct address_chain *chain)
{
    if (chain->alive || chain->first_pending)
        return;
    if (chain->address)
        id_map_remove(&state->chains, chain->address);
    else
        state->chain_at_zero = NULL;
    free(chain);
}

static void unlink_pending(struct asterisk_state *state, struct pending *p)
{
    if (p->older)
        p->older->newer = p->newer;
    else
        state->oldest = p->newer;
    if (p->newer)
        p->newer->older = p->older;
    else
        state->newest = p->older;
    struct address_chain *chain = p->chain;
    chain->first_pending = p->next_of_address;
    if (chain->first_pending == NULL)
        chain->last_pending = NULL;
}

/* Takes the first pending line of CHAIN, whether it fits or not. */
static bool take_first_pending(struct asterisk_state *state, struct address_chain *chain,
                               struct log_sink *sink)
{
    struct pending *p = chain->first_pending;
    unlink_pending(state, p);
    bool ok = take_line(state, p->text, p->length, p->line_number, sink, chain);
    free(p->text);
    free(p);
    return ok;
}

/* The fields that decide whether a pending line fits, read again from its copy. */
static bool pending_fits(const struct pending *p)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", p->text);
    char *field[FIELD_COUNT];
    int64_t delta, state_count = 0;
    if (!split_fields(copy, strlen(copy), field) || !parse_delta(field[DELTA], &delta))
        return true;
    enum line_kind kind = kind_of(field[STATE]);
    if (kind == LINE_COUNT && !parse_i64(field[STATE], &state_count))
        return true;
    return fits_chain(p->chain, kind, state_count, delta);
}

/* Takes CHAIN's pending lines as long as the first one fits. */
static bool take_fitting(struct asterisk_state *state, struct address_chain *chain,
                         struct log_sink *sink)
{
    while (chain->first_pending != NULL && pending_fits(chain->first_pending))
        if (!take_first_pending(state, chain, sink))
            return false;
    return true;
}

/* Takes the oldest pending line, which waited long enough, and what then fits after it. */
static bool take_oldest(struct asterisk_state *state, struct log_sink *sink)
{
    struct address_chain *chain = state->oldest->chain;
    /* Lines of an address are pending in order: the oldest is its address's first. */
    bool good = take_first_pending(state, chain, sink) && take_fitting(state, chain, sink);
    forget_if_idle(state, chain);
    return good;
}

static void hold(struct asterisk_state *state, struct address_chain *chain, const char *line,
                 size_t length, unsigned long line_number)
{
    struct pending *p = xcalloc(1, sizeof *p);
    p->text = xmalloc(length + 1);
    memcpy(p->text, line, length);
    p->text[length] = '\0';
    p->length = length;
    p->line_number = line_number;
    p->chain = chain;
    if (chain->last_pending)
        chain->last_pending->next_of_address = p;
    else
        chain->first_pending = p;
    chain->last_pending = p;
    p->older = state->newest;
    if (state->newest)
        state->newest->newer = p;
    else
        state->oldest = p;
    state->newest = p;
}

static struct address_chain *chain_of(struct asterisk_state *state, uint64_t address)
{
    struct address_chain *chain =
        address ? id_map_find(&state->chains, address) : state->chain_at_zero;
    if (chain == NULL) {
        chain = xcalloc(1, sizeof *chain);
        chain->address = address;
        if (address)
            id_map_add(&state->chains, address, chain);
        else
            state->chain_at_zero = chain;
    }
    return chain;
}

static bool parse_line(void *opaque, char *line, size_t length, unsigned long line_number,
                       struct log_sink *sink)
{
    struct asterisk_state *state = opaque;
    if (length == 0)
        return true;
    while (state->oldest && line_number - state->oldest->line_number > REORDER_WINDOW)
        if (!take_oldest(state, sink))
            return false;
    /* The line is cut in place: a line that must wait is kept as written, so it is
     * copied before (rarely needed, but not known before the fields are read). */
    char copy[512];
    bool copied = length < sizeof copy;
    if (copied)
        memcpy(copy, line, length + 1);
    struct parsed_line parsed;
    char error[16];
    struct log_sink quiet = {.error = error, .error_size = sizeof error};
    int64_t state_count = 0;
    if (!copied || !parse_fields(line, length, &parsed, &quiet))
        return take_line(state, copied ? copy : line, length, line_number, sink, NULL); /* says why */
    enum line_kind kind = kind_of(parsed.field[STATE]);
    if (kind == LINE_INVALID ||
        (kind == LINE_COUNT && !parse_i64(parsed.field[STATE], &state_count)))
        return take_parsed(state, &parsed, line_number, sink, NULL);
    struct address_chain *chain = chain_of(state, parsed.address);
    if (!fits_chain(chain, kind, state_count, parsed.delta)) {
        hold(state, chain, copy, length, line_number);
        return true;
    }
    bool good = take_parsed(state, &parsed, line_number, sink, chain) &&
                take_fitting(state, chain, sink);
    forget_if_idle(state, chain);
    return good;
}

static bool finish(void *opaque, struct log_sink *sink)
{
    struct asterisk_state *state = opaque;
    while (state->oldest)
        if (!take_oldest(state, sink))
            return false;
    return true;
}

static void destroy(void *opaque)
{
    struct asterisk_state *state = opaque;
    struct call_site *site, *next;
    HASH_ITER(hh, state->sites, site, next) {
        HASH_DEL(state->sites, site);
        free(site->key);
        free(site->source);
        free(site->function);
        free(site);
    }
    struct pending *p, *next_pending;
    for (p = state->oldest; p; p = next_pending) {
        next_pending = p->newer;
        free(p->text);
        free(p);
    }
    for (size_t i = 0; state->chains.slots && i <= state->chains.mask; i++)
        if (state->chains.slots[i].id != 0)
            free(state->chains.slots[i].value);
    id_map_free(&state->chains);
    free(state->chain_at_zero);
    object_tracker_free(state->tracker);
    free(state);
}

const struct log_format asterisk_log_format = {
    .name = "asterisk",
    .recognizes = recognizes,
    .create = create,
    .parse_line = parse_line,
    .finish = finish,
    .destroy = destroy,
};
