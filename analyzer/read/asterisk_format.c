/* asterisk_format.c - parser for Asterisk's refs log (refdebug=yes, astobj2.c).
 *
 * One line per change: `ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG`, where the tag is
 * free text that may contain commas, so only the first seven commas split fields.
 * STATE is the count before the change, or `**constructor**` (newer logs add
 * `OVERHEAD**SIZE**`), `**destructor**` (newer: `lock-state:...**`) or `**invalid**`.
 * Each line's FILE:LINE FUNC is its one-frame stack. Asterisk does not name types, so
 * an object's class is the function that constructed it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"
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

struct asterisk_state {
    struct call_site *sites;
    uint64_t next_site_id;
    struct object_tracker *tracker;
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

static bool parse_line(void *opaque, char *line, size_t length, unsigned long line_number,
                       struct log_sink *sink)
{
    struct asterisk_state *state = opaque;
    if (length == 0)
        return true;
    char *field[FIELD_COUNT];
    if (!split_fields(line, length, field))
        return log_sink_fail(sink, "expected ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG");
    uint64_t address, tid, source_line;
    int64_t delta;
    if (!parse_hex_u64(field[ADDR], &address))
        return log_sink_fail(sink, "bad address '%.40s'", field[ADDR]);
    if (!parse_delta(field[DELTA], &delta))
        return log_sink_fail(sink, "bad delta '%.40s'", field[DELTA]);
    if (!parse_u64(field[TID], &tid))
        return log_sink_fail(sink, "bad thread id '%.40s'", field[TID]);
    if (!parse_u64(field[LINE], &source_line))
        return log_sink_fail(sink, "bad line number '%.40s'", field[LINE]);
    const char *state_text = field[STATE];
    struct call_site *site = find_site(state, field);
    struct log_event event = {
        .address = field[ADDR],
        .address_value = address,
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
    return true;
}

static bool finish(void *state, struct log_sink *sink)
{
    (void)state;
    (void)sink;
    return true; /* one line per record: nothing is pending */
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
