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
 * the tracker tells what is wrong with it.
 *
 * Most lines of a big log are read by asterisk_block.c straight from the reader's buffer;
 * this file reads the others and decides, for both, what a line does. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_chains.h"
#include "alloc.h"
#include "asterisk_lines.h"
#include "fast_hash.h"
#include "log_format.h"
#include "object_tracker.h"
#include "parse_number.h"

/* A distinct FILE,LINE,FUNC: the one frame of the lines that name it. */
struct call_site {
    struct log_frame frame;
    char *function, *source;
    uint32_t class_id;      /* the tracker's, of FUNCTION as a class (struct change) */
};

/* The call sites by the digest of "FILE,LINE,FUNC" (as written), looked up on
 * every line. The digest names the site without its text being kept or compared, as
 * digests name stacks elsewhere (fast_hash.h: two texts of one log share one with a
 * probability near 2^-100): comparing the text cost a cache miss or two per line. The
 * site's id sits in the slot, so that a line whose site is known touches nothing else. */
struct site_slot {
    struct fast_digest digest;
    struct call_site *site;   /* NULL: empty */
    uint64_t id;
};

struct site_table {
    struct site_slot *slots;
    size_t mask, count;
};

/* Lines held back this many lines at most, waiting for an earlier change of their object. */
#define REORDER_WINDOW 20000

/* A line that does not fit its object's chain yet, kept as cut. */
struct pending {
    char *text;
    unsigned long line_number;
    struct parsed_line parsed;                  /* its fields point into text */
    struct pending *next_of_address;            /* the address's pending lines, in order */
    struct pending *older, *newer;              /* all pending lines, in order */
};

struct asterisk_state {
    struct site_table sites;
    struct object_tracker *tracker;
    /* The waiting lines by address: few, so that looking an address up here costs next
     * to nothing. Where an object's chain stands (whether it is alive, its count after
     * the last line taken) is the tracker's record of it: one lookup serves both. */
    struct address_chains chains;
    struct pending *oldest, *newest;
    struct asterisk_cut_line cut_lines[ASTERISK_LOOKAHEAD];   /* asterisk_block.c's */
};

struct asterisk_cut_line *asterisk_cut_lines(struct asterisk_state *state)
{
    return state->cut_lines;
}

void asterisk_prefetch_object(const struct asterisk_state *state, enum line_kind kind,
                              uint64_t address, const struct fast_digest *site)
{
    if (state->sites.slots && site)
        __builtin_prefetch(&state->sites.slots[(size_t)site->low & state->sites.mask]);
    object_tracker_prefetch(state->tracker, false, address,
                            kind == LINE_COUNT ? PREFETCH_LIVE_SLOT : PREFETCH_SLOT);
}

void asterisk_prefetch(const struct asterisk_state *state, const struct parsed_line *parsed)
{
    asterisk_prefetch_object(state, parsed->kind, parsed->address,
                             parsed->site_known ? &parsed->site : NULL);
}

void asterisk_prefetch_record(const struct asterisk_state *state, uint64_t address)
{
    object_tracker_prefetch(state->tracker, false, address, PREFETCH_RECORD);
}

/* Where the chain of an object at an address stands: the tracker's record of it. */
struct chain_end {
    uint32_t record_hint;   /* struct change's: the record + 1 of the live object, 0: none */
    int64_t count;          /* its count after the last line taken, if alive */
};

static struct chain_end chain_end_at(const struct asterisk_state *state, uint64_t address)
{
    struct chain_end end = {0, 0};
    end.record_hint = object_tracker_find_address(state->tracker, address, &end.count);
    return end;
}

/* Splits LINE at its first seven commas; false if there are fewer than six (the tag
 * and the comma before it are missing in some old logs). */
static bool split_fields(char *line, size_t length, char *field[ASTERISK_FIELD_COUNT])
{
    char *end = line + length;
    char *cursor = line;
    size_t count = 0;
    while (count < ASTERISK_FIELD_COUNT - 1) {
        field[count++] = cursor;
        char *comma = memchr(cursor, ',', (size_t)(end - cursor));
        if (!comma)
            break;
        *comma = '\0';
        cursor = comma + 1;
    }
    if (count == ASTERISK_FIELD_COUNT - 1 && cursor > field[count - 1]) {
        field[count++] = cursor;
    }
    if (count < ASTERISK_FIELD_COUNT - 1)
        return false;
    if (count == ASTERISK_FIELD_COUNT - 1)
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
    char *field[ASTERISK_FIELD_COUNT];
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

static struct call_site *new_site(const struct parsed_line *parsed)
{
    struct call_site *site = xcalloc(1, sizeof *site);
    size_t source_length = strlen(parsed->field[FILE_NAME]) + strlen(parsed->field[LINE]) + 2;
    site->source = xmalloc(source_length);
    snprintf(site->source, source_length, "%s:%s", parsed->field[FILE_NAME], parsed->field[LINE]);
    const char *function = parsed->field[FUNC];
    site->function = xstrdup(function[0] ? function : "???");
    site->frame.function = site->function;
    site->frame.source = site->source;
    return site;
}

static void place_site(struct site_table *table, const struct site_slot *slot)
{
    size_t i = (size_t)slot->digest.low & table->mask;
    while (table->slots[i].site)
        i = (i + 1) & table->mask;
    table->slots[i] = *slot;
}

/* Kept at most half full, so that probes stay short. */
static void grow_sites(struct site_table *table)
{
    struct site_slot *old = table->slots;
    size_t old_count = old ? table->mask + 1 : 0;
    size_t capacity = old ? old_count * 2 : 256;
    table->slots = xcalloc(capacity, sizeof *table->slots);
    table->mask = capacity - 1;
    for (size_t i = 0; i < old_count; i++)
        if (old[i].site)
            place_site(table, &old[i]);
    free(old);
}

/* The slot of the call site named by the line's FILE..FUNC, made the first time. */
static const struct site_slot *find_site(struct asterisk_state *state,
                                         const struct parsed_line *parsed)
{
    struct fast_digest digest = parsed->site;
    struct site_table *table = &state->sites;
    if (table->slots)
        for (size_t i = (size_t)digest.low & table->mask; table->slots[i].site;
             i = (i + 1) & table->mask)
            if (table->slots[i].digest.low == digest.low &&
                table->slots[i].digest.high == digest.high)
                return &table->slots[i];
    if (!table->slots || (table->count + 1) * 2 > table->mask + 1)
        grow_sites(table);
    /* The id comes from the digest, not from the order the sites were met in: a reading
     * of lives meets only the sites of the lines it delivers, and must name them as a full
     * reading does. 0 means none. */
    uint64_t id = digest.low ? digest.low : digest.high | 1;
    place_site(table, &(struct site_slot){digest, new_site(parsed), id});
    table->count++;
    return find_site(state, parsed);
}

/* The slot of a call site met before, or NULL: find_site without making one, which needs
 * the line cut. */
static const struct site_slot *known_site(const struct asterisk_state *state,
                                          const struct fast_digest *digest)
{
    const struct site_table *table = &state->sites;
    if (table->slots)
        for (size_t i = (size_t)digest->low & table->mask; table->slots[i].site;
             i = (i + 1) & table->mask)
            if (table->slots[i].digest.low == digest->low &&
                table->slots[i].digest.high == digest->high)
                return &table->slots[i];
    return NULL;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* SIZE from `**constructor**OVERHEAD**SIZE**`; 0 in older logs. */
static uint64_t constructor_size(const char *state)
{
    const char *overhead = state + strlen("**constructor**");
    if (!*overhead)
        return 0;   /* the older logs' plain one, without strstr's set-up */
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

/* Cuts LINE into fields and reads and checks every number; false after telling why. */
static bool parse_fields(char *line, size_t length, struct parsed_line *parsed,
                         struct log_sink *sink)
{
    char **field = parsed->field;
    uint64_t source_line;
    parsed->uncut_text = NULL;
    parsed->address_plain = false;
    if (!split_fields(line, length, field))
        return log_sink_fail(sink, "expected ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG");
    if (!parse_hex_u64(field[ADDR], &parsed->address))
        return log_sink_fail(sink, "bad address '%.40s'", field[ADDR]);
    if (!parse_delta(field[DELTA], &parsed->delta))
        return log_sink_fail(sink, "bad delta '%.40s'", field[DELTA]);
    if (!parse_u64(field[TID], &parsed->tid))
        return log_sink_fail(sink, "bad thread id '%.40s'", field[TID]);
    if (!parse_u64(field[LINE], &source_line))
        return log_sink_fail(sink, "bad line number '%.40s'", field[LINE]);
    parsed->kind = kind_of(field[STATE]);
    parsed->state_count = 0;
    if (parsed->kind == LINE_COUNT && !parse_i64(field[STATE], &parsed->state_count))
        return log_sink_fail(sink, "bad state '%.40s' (a count, **constructor**, **destructor** or "
                    "**invalid**)", field[STATE]);
    parsed->site_length = (size_t)(field[FUNC] - field[FILE_NAME]) + strlen(field[FUNC]);
    asterisk_site_digest(parsed);
    return true;
}

/* PARSED's field I, read by itself: never one load with its neighbour. */
static inline char *field_alone(const struct parsed_line *parsed, unsigned i)
{
    char *field = parsed->field[i];
    __asm__("" : "+r"(field));
    return field;
}

/* EVENT, of line LINE_NUMBER at the call site of SLOT: its fields ADDRESS, STATE_TEXT
 * and TAG as cut, its numbers as read (from a parsed line, or from a token). The kind's
 * own fields (count, size, class) are the caller's. */
static inline void fill_site_event(struct log_event *event, const struct site_slot *slot,
                                   unsigned long line_number, const char *address,
                                   const char *state_text, const char *tag,
                                   uint64_t address_value, uint64_t tid, int64_t delta,
                                   bool address_plain)
{
    /* Copied from a blank one, then filled: an initializer zeroed it with `rep stos`,
     * whose start-up was half the time of take_parsed. */
    static const struct log_event blank_event;
    *event = blank_event;
    event->address = address;
    event->class_name = "?";
    event->frames = &slot->site->frame;
    event->frame_count = 1;
    event->stack_id = slot->id;
    event->line = line_number;
    event->tag = tag;
    event->state = state_text;
    event->address_value = address_value;
    event->tid = tid;
    event->delta = delta;
    event->address_plain = address_plain;
}

/* Turns a checked line into its event, in its turn. RECORD_HINT: its object's record
 * (struct change's), if known. */
static void take_parsed(struct asterisk_state *state, struct parsed_line *parsed,
                        unsigned long line_number, struct log_sink *sink, uint32_t record_hint)
{
    /* A quiet change, which a reading of lives does not deliver, needs no call site. */
    int64_t count_after = parsed->state_count + parsed->delta;
    if (parsed->kind == LINE_COUNT && sink->lives_only &&
        object_tracker_quiet_count_hinted(state->tracker, sink, record_hint, parsed->address,
                                          parsed->delta, count_after, parsed->tid))
        return;
    asterisk_cut_fields(parsed);
    if (!parsed->site_known)
        asterisk_site_digest(parsed);
    /* Each field read alone (field_alone): GCC read TAG and STATE in one 16-byte load,
     * which waited for the two 8-byte stores asterisk_cut_fields had just made of them to
     * reach the cache, as a load is not forwarded from two stores: a third of the parser's
     * time in this function on the bench log. */
    char *address = field_alone(parsed, ADDR), *state_text = field_alone(parsed, STATE),
         *tag = field_alone(parsed, TAG);
    const struct site_slot *slot = find_site(state, parsed);
    struct call_site *site = slot->site;
    struct log_event event;
    fill_site_event(&event, slot, line_number, address, state_text, tag, parsed->address,
                    parsed->tid, parsed->delta, parsed->address_plain);
    struct change change = {.record_hint = record_hint};
    switch (parsed->kind) {
    case LINE_CONSTRUCTOR:
        change.kind = CHANGE_CREATE;
        change.count_known = true;
        event.count = parsed->delta;
        event.size = constructor_size(state_text);
        event.class_name = site->function;
        change.class_id_cache = &site->class_id;
        break;
    case LINE_DESTRUCTOR:
        change.kind = CHANGE_DESTROY;
        break;
    case LINE_INVALID:
        change.kind = CHANGE_INVALID;
        break;
    case LINE_COUNT:
        change.kind = CHANGE_COUNT;
        change.count_known = true;
        change.logs_count_before = true;
        event.count = parsed->state_count + parsed->delta;
        break;
    }
    object_tracker_apply(state->tracker, &change, &event, sink);
}

/* True when a line of KIND (count before it STATE_COUNT, change DELTA) is the next change
 * of the object whose chain ends at END. */
static bool fits_chain(const struct chain_end *end, enum line_kind kind, int64_t state_count,
                       int64_t delta)
{
    bool alive = end->record_hint != 0;
    switch (kind) {
    case LINE_CONSTRUCTOR: return !alive;
    case LINE_DESTRUCTOR: return !alive || end->count + delta <= 0;
    case LINE_COUNT: return !alive || end->count == state_count;
    default: return true;
    }
}

/* Forgets CHAIN once no line waits for it. */
static void forget_if_idle(struct asterisk_state *state, struct address_chain *chain)
{
    if (!chain->first_pending)
        address_chains_remove(&state->chains, chain);
}

/* Unlinks P, which follows BEFORE among CHAIN's pending lines (NULL: P is the first). */
static void unlink_pending(struct asterisk_state *state, struct address_chain *chain,
                           struct pending *before, struct pending *p)
{
    if (p->older)
        p->older->newer = p->newer;
    else
        state->oldest = p->newer;
    if (p->newer)
        p->newer->older = p->older;
    else
        state->newest = p->older;
    if (before)
        before->next_of_address = p->next_of_address;
    else
        chain->first_pending = p->next_of_address;
}

/* Takes pending line P of CHAIN (after BEFORE), whether it fits or not. */
static void take_pending(struct asterisk_state *state, struct address_chain *chain,
                         struct pending *before, struct pending *p, struct log_sink *sink)
{
    unlink_pending(state, chain, before, p);
    take_parsed(state, &p->parsed, p->line_number, sink,
                chain_end_at(state, chain->address).record_hint);
    free(p->text);
    free(p);
}

static void take_first_pending(struct asterisk_state *state, struct address_chain *chain,
                               struct log_sink *sink)
{
    take_pending(state, chain, NULL, chain->first_pending, sink);
}

/* Takes CHAIN's pending lines that fit, the earliest that fits first, until none does.
 * Not only the first: two threads' -1 lines written after the third's destructor line
 * (each thread writes after its change) wait behind it, and fit before it does. */
static void take_fitting(struct asterisk_state *state, struct address_chain *chain,
                         struct log_sink *sink)
{
    for (;;) {
        struct pending *before = NULL, *p = chain->first_pending;
        struct chain_end end = chain_end_at(state, chain->address);
        while (p && !fits_chain(&end, p->parsed.kind, p->parsed.state_count, p->parsed.delta)) {
            before = p;
            p = p->next_of_address;
        }
        if (!p)
            return;
        take_pending(state, chain, before, p, sink);
    }
}

/* Takes the oldest pending line, which waited long enough, and what then fits after it. */
static void take_oldest(struct asterisk_state *state, struct log_sink *sink)
{
    struct address_chain *chain = address_chains_find(&state->chains,
                                                      state->oldest->parsed.address);
    /* Lines of an address are pending in order: the oldest is its address's first. */
    take_first_pending(state, chain, sink);
    take_fitting(state, chain, sink);
    forget_if_idle(state, chain);
}

/* Takes the lines that waited more than REORDER_WINDOW lines before LINE_NUMBER. */
static void take_waited_out(struct asterisk_state *state, unsigned long line_number,
                            struct log_sink *sink)
{
    while (state->oldest && line_number - state->oldest->line_number > REORDER_WINDOW)
        take_oldest(state, sink);
}

static void hold(struct asterisk_state *state, struct address_chain *chain,
                 struct parsed_line *parsed, const char *text, size_t length,
                 unsigned long line_number)
{
    asterisk_cut_fields(parsed);
    struct pending *p = xcalloc(1, sizeof *p);
    p->text = xmalloc(length + 1);
    memcpy(p->text, text, length + 1);
    p->line_number = line_number;
    p->parsed = *parsed;
    for (size_t i = 0; i < ASTERISK_FIELD_COUNT; i++)
        p->parsed.field[i] = p->text + (parsed->field[i] - text);
    struct pending **last = &chain->first_pending;
    while (*last)
        last = &(*last)->next_of_address;
    *last = p;
    p->older = state->newest;
    if (state->newest)
        state->newest->newer = p;
    else
        state->oldest = p;
    state->newest = p;
}

bool asterisk_take_quiet(struct asterisk_state *state, const struct log_sink *sink,
                         uint64_t address, int64_t state_count, int64_t delta, uint64_t tid)
{
    return asterisk_quiet_lines_taken(state, sink) &&
           object_tracker_quiet_count_from(state->tracker, sink, address, state_count, delta,
                                           tid);
}

bool asterisk_quiet_lines_taken(const struct asterisk_state *state, const struct log_sink *sink)
{
    return sink->lives_only && !state->oldest;
}

struct object_tracker *asterisk_tracker(struct asterisk_state *state)
{
    return state->tracker;
}

static void accept_in_order(struct asterisk_state *state, struct parsed_line *parsed,
                            const char *text, size_t length, unsigned long line_number,
                            struct log_sink *sink);

/* Of the uncut line TEXT of TOKEN, cuts only the fields its event shows: ADDR, STATE and
 * TAG (the call site's are named by its digest). */
static void cut_event_fields(const struct asterisk_token *token, char *text, char **address,
                             char **state_text, char **tag)
{
    const uint16_t *comma = token->comma;
    size_t length = token->head.length - 1;
    text[length] = '\0';
    text[comma[ADDR]] = '\0';
    *address = text;
    *state_text = text + comma[FUNC] + 1;
    if (token->commas == ASTERISK_FIELD_COUNT - 1) {
        text[comma[STATE]] = '\0';
        *tag = text + comma[STATE] + 1;
    } else {
        *tag = text + length;
    }
}

bool asterisk_take_birth_or_death(struct asterisk_state *state,
                                  const struct asterisk_token *token, char *text,
                                  unsigned long line_number, struct log_sink *sink)
{
    bool birth = token->line_kind == LINE_CONSTRUCTOR;
    if (!token->site_known || (birth ? token->delta <= 0 : token->line_kind != LINE_DESTRUCTOR))
        return false;
    /* What asterisk_accept_line would take at once, and take_parsed deliver as a creation
     * or a destruction: after the lines that waited too long, no line waits at the
     * address, and the line fits its object's chain. */
    take_waited_out(state, line_number, sink);
    if (state->chains.count && address_chains_find(&state->chains, token->address))
        return false;
    const struct site_slot *slot = known_site(state, &token->site);
    if (!slot)
        return false;   /* a new site is made from the cut line */
    /* Cut in part even when the tracker then finds that the line does not fit its chain:
     * whoever takes it then cuts it at the same places. */
    char *address, *state_text, *tag;
    cut_event_fields(token, text, &address, &state_text, &tag);
    struct call_site *site = slot->site;
    struct log_event event;
    fill_site_event(&event, slot, line_number, address, state_text, tag, token->address,
                    token->tid, token->delta, token->address_plain);
    if (birth) {
        event.count = token->delta;
        event.size = constructor_size(state_text);
        event.class_name = site->function;
        return object_tracker_birth_at_address(state->tracker, &event, &site->class_id, sink);
    }
    return object_tracker_death_at_address(state->tracker, &event, sink);
}

void asterisk_accept_line(struct asterisk_state *state, struct parsed_line *parsed,
                          const char *text, size_t length, unsigned long line_number,
                          struct log_sink *sink)
{
    take_waited_out(state, line_number, sink);
    if (parsed->kind == LINE_COUNT &&
        asterisk_take_quiet(state, sink, parsed->address, parsed->state_count, parsed->delta,
                            parsed->tid))
        return;
    accept_in_order(state, parsed, text, length, line_number, sink);
}

void asterisk_accept_unquiet_line(struct asterisk_state *state, struct parsed_line *parsed,
                                  const char *text, size_t length, unsigned long line_number,
                                  struct log_sink *sink)
{
    take_waited_out(state, line_number, sink);
    accept_in_order(state, parsed, text, length, line_number, sink);
}

/* Takes PARSED if it fits its object's chain, and the lines that waited for it; else
 * holds it. */
static void accept_in_order(struct asterisk_state *state, struct parsed_line *parsed,
                            const char *text, size_t length, unsigned long line_number,
                            struct log_sink *sink)
{
    if (parsed->kind == LINE_INVALID) {
        take_parsed(state, parsed, line_number, sink, 0);
        return;
    }
    struct chain_end end = chain_end_at(state, parsed->address);
    bool fits = fits_chain(&end, parsed->kind, parsed->state_count, parsed->delta);
    struct address_chain *chain = state->chains.count
                                      ? address_chains_find(&state->chains, parsed->address)
                                      : NULL;
    if (chain == NULL) {
        /* No line waits at this address: the commonest case. */
        if (fits)
            take_parsed(state, parsed, line_number, sink, end.record_hint);
        else
            hold(state, address_chains_add(&state->chains, parsed->address), parsed, text,
                 length, line_number);
        return;
    }
    if (!fits) {
        hold(state, chain, parsed, text, length, line_number);
        return;
    }
    take_parsed(state, parsed, line_number, sink, end.record_hint);
    take_fitting(state, chain, sink);
    forget_if_idle(state, chain);
}

static bool parse_line(void *opaque, char *line, size_t length, unsigned long line_number,
                       struct log_sink *sink)
{
    struct asterisk_state *state = opaque;
    if (length == 0)
        return true;
    /* Before the line is read, as the block reader does: a bad line stops the reading
     * after the same events either way. */
    take_waited_out(state, line_number, sink);
    struct parsed_line parsed;
    if (!parse_fields(line, length, &parsed, sink))
        return false;
    asterisk_accept_line(state, &parsed, line, length, line_number, sink);
    return true;
}

static bool finish(void *opaque, struct log_sink *sink)
{
    struct asterisk_state *state = opaque;
    while (state->oldest)
        take_oldest(state, sink);
    return true;
}

static void destroy(void *opaque)
{
    struct asterisk_state *state = opaque;
    for (size_t i = 0; state->sites.slots && i <= state->sites.mask; i++) {
        struct call_site *site = state->sites.slots[i].site;
        if (site) {
            free(site->source);
            free(site->function);
            free(site);
        }
    }
    free(state->sites.slots);
    struct pending *p, *next_pending;
    for (p = state->oldest; p; p = next_pending) {
        next_pending = p->newer;
        free(p->text);
        free(p);
    }
    address_chains_free(&state->chains);
    object_tracker_free(state->tracker);
    free(state);
}

const struct log_format asterisk_log_format = {
    .name = "asterisk",
    .recognizes = recognizes,
    .create = create,
    .parse_line = parse_line,
    .parse_block = asterisk_parse_block,
    .scan_lines = asterisk_scan_lines,
    .parse_scanned = asterisk_parse_scanned,
    .finish = finish,
    .destroy = destroy,
};
