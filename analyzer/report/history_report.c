/* history_report.c - the sectioned object histories of refleaks --history
 * (see history_report.h).
 *
 * Where refcounter.py is wrong we are right: an object first seen in mid-life starts
 * from the count its first line implies (refcounter.py ignores that line's change, so
 * such an object never reaches zero and is reported as leaked too). */
#include "history_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"

#include "alloc.h"
#include "blob_dict.h"
#include "event_spool.h"
#include "frame_text.h"
#include "object_tracker.h"

enum section { INVALID, LEAKED, SKEWED, FINALIZED, SECTION_COUNT };

static const char *const section_names[SECTION_COUNT] = {
    "Invalid Referenced", "Leaked", "Skewed", "Finalized",
};

/* Budgets of the memory --history keeps, whatever the log: the newest spooled records,
 * the numbered call sites and texts, and the cache of call sites by stack id. */
enum {
    SPOOL_TAIL_BYTES = 4 << 20,
    CHAIN_LIMIT = 1 << 19,
    FRAME_DICT_BYTES = 8 << 20,
    TEXT_DICT_BYTES = 4 << 20,
    FRAME_CACHE_SLOTS = 1 << 16
};

/* A live object: its events are a chain in the spool, oldest record holding the address.
 * Kept in the object's user slot of the reading's tracker (packed, see slot_value), so
 * that an event costs no lookup of its own: the tracker found the object already. */
struct live_object {
    uint64_t last; /* offset of its newest record, SPOOL_NONE before the first */
    bool invalid, skewed;
};

/* OBJECT packed into a user slot: its newest record's offset + 1 (0: none) above two
 * bits, skewed and invalid. Offsets are far below 2^61: the spool is a file. */
static void *slot_value(const struct live_object *object)
{
    uintptr_t last = object->last == SPOOL_NONE ? 0 : (uintptr_t)object->last + 1;
    return (void *)(last << 2 | (uintptr_t)object->skewed << 1 | (uintptr_t)object->invalid);
}

static struct live_object slot_object(const void *value)
{
    uintptr_t packed = (uintptr_t)value;
    return (struct live_object){(packed >> 2) == 0 ? SPOOL_NONE : (packed >> 2) - 1,
                                packed & 1, (packed >> 1) & 1};
}

struct frame_cache_slot {
    uint64_t stack_id;  /* 0: empty */
    int64_t number;     /* in frame_dict */
    int64_t tag_number; /* in text_dict: the tag last seen here (Asterisk's are per call
                         * site), -1 if none */
};

/* Tags by what a few loads tell of them, their length and first and last 8 bytes: a tag
 * is numbered on every Asterisk event, and a call site gives several (the same few
 * strings across the log), which the site's last tag often is not. A hit of a tag of at
 * most 16 bytes is exact; a longer one is compared with the numbered text. */
enum { TAG_CACHE_SLOTS = 256 };

struct tag_cache_slot {
    uint64_t head, tail;
    uint32_t length;    /* 0: empty */
    int32_t number;     /* in text_dict */
};

/* The built-in texts, numbered first in text_dict so that an event need not hash them. */
enum builtin_text {
    TEXT_CREATE, TEXT_ADDREF, TEXT_RELEASE, TEXT_DESTROY, TEXT_STRAY, TEXT_CONSTRUCTOR,
    TEXT_DESTRUCTOR, TEXT_INVALID, BUILTIN_TEXT_COUNT
};
static const char *const builtin_texts[BUILTIN_TEXT_COUNT] = {
    "create", "AddRef", "Release", "destroy", "stray change", "**constructor**",
    "**destructor**", "**invalid**",
};

struct history_report {
    struct history_options options;
    struct tracker_claim claim;  /* the reading's tracker, a user slot per live object */
    struct event_spool *spool; /* NULL when every section is hidden: nothing is printed */
    struct blob_dict *frame_dict, *text_dict;
    struct frame_cache_slot *frame_cache;
    struct tag_cache_slot tag_cache[TAG_CACHE_SLOTS];
    unsigned char *record;     /* the record being encoded */
    size_t record_length, record_capacity;
    unsigned char *frame_text;  /* the frame text being made */
    size_t frame_text_capacity;
    FILE *spill[SECTION_COUNT]; /* finished objects of the sections shown; none for LEAKED */
    struct output *spill_output[SECTION_COUNT]; /* writing there as the report's output */
    unsigned long listed[SECTION_COUNT];
    bool failed;               /* a record could not be read back */
    int status;
};

static bool section_hidden(const struct history_report *report, enum section section)
{
    switch (section) {
    case INVALID: return report->options.hide_invalid;
    case LEAKED: return report->options.hide_leaked;
    case SKEWED: return report->options.hide_skewed;
    default: return report->options.hide_finalized;
    }
}

/* ---- records: one event as history prints it ----
 *
 * `varint TID, varint DELTA (zigzag), FRAME, TEXT tag, STATE, TEXT anomaly[, TEXT address]`
 * with FRAME `varint 2N+1` (frame_dict's N) or `varint 2L` and L bytes of frame text
 * `function NUL location NUL note [module NUL varint offset]`; TEXT `0` (none), `2N+1`
 * (text_dict's N) or `2L` and L bytes ending in NUL; STATE `0 varint zigzag-number` or
 * `1 TEXT`. The address is in an object's first record only. */

static void record_grow(struct history_report *report, size_t more)
{
    report->record_capacity = (report->record_length + more) * 2;
    report->record = xrealloc(report->record, report->record_capacity);
}

static inline void record_reserve(struct history_report *report, size_t more)
{
    if (report->record_length + more > report->record_capacity)
        record_grow(report, more);
}

/* Room an event's record keeps ahead for its varints, of at most 10 bytes each: at most
 * eight in a record (encode_event), so that put_varint need not look. */
enum { VARINT_ROOM = 8 * 10 };

/* Called for every field of every event: kept small enough to be inlined. The room is
 * there: encode_event and put_bytes keep VARINT_ROOM. */
static inline void put_varint(struct history_report *report, uint64_t value)
{
    unsigned char *out = report->record + report->record_length;
    size_t n = 0;
    while (value >= 0x80) {
        out[n++] = (unsigned char)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (unsigned char)value;
    report->record_length += n;
}

static uint64_t zigzag(int64_t value)
{
    return ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
}

static void put_bytes(struct history_report *report, const void *bytes, size_t length)
{
    record_reserve(report, length + VARINT_ROOM);
    memcpy(report->record + report->record_length, bytes, length);
    report->record_length += length;
}

/* A text by number when the dictionary has room, else in full. */
static void put_numbered(struct history_report *report, struct blob_dict *dict,
                         const void *bytes, size_t length)
{
    int64_t number = blob_dict_number(dict, bytes, length);
    if (number >= 0) {
        put_varint(report, 2 * (uint64_t)number + 1);
    } else {
        put_varint(report, 2 * (uint64_t)length);
        put_bytes(report, bytes, length);
    }
}

static void put_text(struct history_report *report, const char *text)
{
    if (!text)
        put_varint(report, 0);
    else
        put_numbered(report, report->text_dict, text, strlen(text) + 1);
}

static void put_builtin(struct history_report *report, enum builtin_text text)
{
    put_varint(report, 2 * (uint64_t)text + 1);
}

static void blob_append(unsigned char **blob, size_t *length, size_t *capacity,
                        const void *bytes, size_t size)
{
    if (*length + size > *capacity) {
        *capacity = (*length + size) * 2;
        *blob = xrealloc(*blob, *capacity);
    }
    memcpy(*blob + *length, bytes, size);
    *length += size;
}

/* The innermost frame's text, what a history line shows of the stack, into
 * report->frame_text: `function NUL location NUL note [module NUL offset-digits NUL]`. */
static size_t frame_blob(struct history_report *report, const struct log_event *event)
{
    const struct log_frame *frames;
    size_t count = log_event_frames(event, &frames);
    char location[512], offset[32];
    const char *function = "???", *where = "?";
    const char *note_module = NULL;
    if (count > 0) {
        function = frames[0].function ? frames[0].function : "???";
        where = frame_text_location(&frames[0], location, sizeof location);
        if (frame_text_is_nameless(&frames[0]) && frames[0].module)
            note_module = frames[0].module;
    }
    size_t length = 0;
    unsigned char note = note_module ? 1 : 0;
    blob_append(&report->frame_text, &length, &report->frame_text_capacity, function,
                strlen(function) + 1);
    blob_append(&report->frame_text, &length, &report->frame_text_capacity, where,
                strlen(where) + 1);
    blob_append(&report->frame_text, &length, &report->frame_text_capacity, &note, 1);
    if (note_module) {
        blob_append(&report->frame_text, &length, &report->frame_text_capacity, note_module,
                    strlen(note_module) + 1);
        int digits = snprintf(offset, sizeof offset, "%" PRIu64, frames[0].offset);
        blob_append(&report->frame_text, &length, &report->frame_text_capacity, offset,
                    (size_t)digits + 1);
    }
    return length;
}

/* Writes the event's frame; returns its slot in the cache, or NULL. */
static struct frame_cache_slot *put_frame(struct history_report *report,
                                          const struct log_event *event)
{
    struct frame_cache_slot *cached = NULL;
    if (event->stack_id != 0) {
        cached = &report->frame_cache[fast_hash_mix(event->stack_id) & (FRAME_CACHE_SLOTS - 1)];
        if (cached->stack_id == event->stack_id) {
            put_varint(report, 2 * (uint64_t)cached->number + 1);
            return cached;
        }
    }
    size_t length = frame_blob(report, event);
    int64_t number = blob_dict_number(report->frame_dict, report->frame_text, length);
    if (number < 0) {
        put_varint(report, 2 * (uint64_t)length);
        put_bytes(report, report->frame_text, length);
        return NULL;
    }
    if (cached)
        *cached = (struct frame_cache_slot){event->stack_id, number, -1};
    put_varint(report, 2 * (uint64_t)number + 1);
    return cached;
}

/* TAG's slot in the tag cache, and its fingerprint in *PROBE. */
static struct tag_cache_slot *tag_slot(struct history_report *report, const char *tag,
                                       size_t length, struct tag_cache_slot *probe)
{
    probe->head = probe->tail = 0;
    if (length >= 8) {
        /* The usual case, with loads of a fixed size. */
        memcpy(&probe->head, tag, 8);
        memcpy(&probe->tail, tag + length - 8, 8);
    } else {
        memcpy(&probe->head, tag, length);
        memcpy(&probe->tail, tag, length);
    }
    probe->length = (uint32_t)length;
    uint64_t mix = fast_hash_mix(probe->head ^ (probe->tail * 31) ^ length);
    return &report->tag_cache[mix & (TAG_CACHE_SLOTS - 1)];
}

/* An Asterisk tag: a call site tends to give the same one, so it is compared with the
 * site's last before it is looked up. */
static void put_tag(struct history_report *report, const char *tag,
                    struct frame_cache_slot *site)
{
    size_t length;
    if (site && site->tag_number >= 0 &&
        strcmp(blob_dict_text(report->text_dict, (uint64_t)site->tag_number, &length), tag) == 0) {
        put_varint(report, 2 * (uint64_t)site->tag_number + 1);
        return;
    }
    length = strlen(tag) + 1;
    struct tag_cache_slot probe;
    struct tag_cache_slot *cached = length <= UINT32_MAX ? tag_slot(report, tag, length, &probe)
                                                         : NULL;
    int64_t number = -1;
    if (cached && cached->length == probe.length && cached->head == probe.head &&
        cached->tail == probe.tail) {
        size_t known;
        if (length <= 16 ||
            memcmp(blob_dict_text(report->text_dict, (uint64_t)cached->number, &known), tag,
                   length) == 0)
            number = cached->number;
    }
    if (number < 0) {
        number = blob_dict_number(report->text_dict, tag, length);
        if (cached && number >= 0 && number <= INT32_MAX) {
            *cached = probe;
            cached->number = (int32_t)number;
        }
    }
    if (site)
        site->tag_number = number;
    if (number >= 0) {
        put_varint(report, 2 * (uint64_t)number + 1);
    } else {
        put_varint(report, 2 * (uint64_t)length);
        put_bytes(report, tag, length);
    }
}

static enum builtin_text op_tag(enum log_op op)
{
    switch (op) {
    case LOG_OP_NEW: return TEXT_CREATE;
    case LOG_OP_ADDREF: return TEXT_ADDREF;
    case LOG_OP_RELEASE: return TEXT_RELEASE;
    case LOG_OP_DESTROY: return TEXT_DESTROY;
    default: return TEXT_STRAY;
    }
}

/* True if TEXT is a count exactly as "%" PRId64 writes it (Asterisk's usual state): then
 * it is kept as a number, which costs no look-up. */
static bool canonical_number(const char *text, int64_t *number)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    size_t length = 0;
    while ((unsigned)(digits[length] - '0') < 10)   /* a count has a digit or two */
        length++;
    if (length == 0 || length > 18 || digits[length] != '\0' ||
        (digits[0] == '0' && (length > 1 || digits != text)))
        return false;
    int64_t value = 0;
    for (size_t i = 0; i < length; i++)
        value = value * 10 + (digits[i] - '0');
    *number = digits == text ? value : -value;
    return true;
}

/* The STATE column: Asterisk's own field, else what it would have said. */
static void put_state(struct history_report *report, const struct log_event *event)
{
    int64_t number;
    if (event->state && canonical_number(event->state, &number)) {
        put_varint(report, 0);
        put_varint(report, zigzag(number));
    } else if (event->state) {
        put_varint(report, 1);
        put_text(report, event->state);
    } else if (event->op == LOG_OP_NEW || event->op == LOG_OP_DESTROY ||
               event->op == LOG_OP_STRAY) {
        put_varint(report, 1);
        put_builtin(report, event->op == LOG_OP_NEW       ? TEXT_CONSTRUCTOR
                            : event->op == LOG_OP_DESTROY ? TEXT_DESTRUCTOR
                                                          : TEXT_INVALID);
    } else {
        put_varint(report, 0);
        put_varint(report, zigzag(event->count - event->delta));
    }
}

static void encode_event(struct history_report *report, const struct log_event *event,
                         bool with_address)
{
    report->record_length = 0;
    record_reserve(report, VARINT_ROOM);
    put_varint(report, event->tid);
    put_varint(report, zigzag(event->delta));
    struct frame_cache_slot *site = put_frame(report, event);
    if (event->tag)
        put_tag(report, event->tag, site);
    else
        put_builtin(report, op_tag(event->op));
    put_state(report, event);
    put_text(report, event->anomaly);
    if (with_address) {
        /* Spelled out: an address is seldom seen again, and would spend the budget. */
        const char *address = event->address ? event->address : "";
        size_t length = strlen(address) + 1;
        put_varint(report, 2 * (uint64_t)length);
        put_bytes(report, address, length);
    }
}

/* One decoded record; the texts point into the record or the dictionaries. */
struct history_line {
    uint64_t tid;
    int64_t delta;
    const char *function, *location, *note_module;
    uint64_t note_offset;
    const char *tag, *state, *anomaly, *address;
    char state_buffer[32];
};

struct record_cursor {
    const unsigned char *at, *end;
    bool bad;
};

static uint64_t get_varint(struct record_cursor *cursor)
{
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (cursor->at >= cursor->end) {
            cursor->bad = true;
            return 0;
        }
        unsigned char byte = *cursor->at++;
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    cursor->bad = true;
    return 0;
}

static int64_t unzigzag(uint64_t value)
{
    return (int64_t)(value >> 1) ^ -(int64_t)(value & 1);
}

/* A numbered or spelled-out text of LENGTH bytes. */
static const char *get_numbered(struct record_cursor *cursor, const struct blob_dict *dict,
                                size_t *length)
{
    uint64_t code = get_varint(cursor);
    const char *text = NULL;
    if (code & 1) {
        text = blob_dict_text(dict, code >> 1, length);
    } else if ((code >> 1) <= (uint64_t)(cursor->end - cursor->at)) {
        text = (const char *)cursor->at;
        *length = (size_t)(code >> 1);
        cursor->at += *length;
    }
    if (!text)
        cursor->bad = true;
    return text;
}

static const char *get_text(struct record_cursor *cursor, const struct blob_dict *dict)
{
    if (cursor->at < cursor->end && *cursor->at == 0) {
        cursor->at++;
        return NULL;
    }
    size_t length = 0;
    const char *text = get_numbered(cursor, dict, &length);
    if (text && (length == 0 || text[length - 1] != '\0')) {
        cursor->bad = true;
        return NULL;
    }
    return text;
}

/* The next NUL-ended string of a frame text. */
static const char *frame_string(const char **at, const char *end)
{
    const char *start = *at;
    const char *nul = memchr(start, '\0', (size_t)(end - start));
    if (!nul)
        return NULL;
    *at = nul + 1;
    return start;
}

static bool decode_frame(struct record_cursor *cursor, const struct blob_dict *dict,
                         struct history_line *line)
{
    size_t length = 0;
    const char *at = get_numbered(cursor, dict, &length);
    if (!at)
        return false;
    const char *end = at + length;
    line->function = frame_string(&at, end);
    line->location = frame_string(&at, end);
    if (!line->function || !line->location || at >= end)
        return false;
    line->note_module = NULL;
    if (*at++) {
        line->note_module = frame_string(&at, end);
        if (!line->note_module || at >= end)
            return false;
        line->note_offset = strtoull(at, NULL, 10); /* digits up to the text's NUL */
    }
    return true;
}

static bool decode_record(const struct history_report *report, const unsigned char *data,
                          size_t length, bool with_address, struct history_line *line)
{
    struct record_cursor cursor = {data, data + length, false};
    line->tid = get_varint(&cursor);
    line->delta = unzigzag(get_varint(&cursor));
    if (!decode_frame(&cursor, report->frame_dict, line))
        return false;
    line->tag = get_text(&cursor, report->text_dict);
    if (get_varint(&cursor) == 0) {
        snprintf(line->state_buffer, sizeof line->state_buffer, "%" PRId64,
                 unzigzag(get_varint(&cursor)));
        line->state = line->state_buffer;
    } else {
        line->state = get_text(&cursor, report->text_dict);
    }
    line->anomaly = get_text(&cursor, report->text_dict);
    line->address = with_address ? get_text(&cursor, report->text_dict) : NULL;
    return !cursor.bad && line->tag && line->state && (!with_address || line->address);
}

/* ---- writing ---- */

static const struct text_format object_format = {"==== {section} Object {address} history ====\n",
                                                 "\n", OUTPUT_BOTH};
static const struct text_format section_format = {"======== {section} Objects ========\n\n",
                                                  NULL, OUTPUT_BOTH};
static const struct text_format event_format = {
    "{thread} {location} {function}: {delta_text} {tag} - [{state}]\n"
    "{?anomaly}    !! {anomaly}\n{/}", NULL, OUTPUT_BOTH};

/* `[TID] FILE:LINE FUNC: DELTA TAG - [STATE]`, as refcounter.py writes it. */
static void write_line(struct output *output, const struct history_line *line)
{
    char text[32];
    if (line->note_module)
        frame_text_note_nameless(line->note_module, line->note_offset);
    out_begin_object(output, NULL, &event_format);
    out_uint(output, "tid", line->tid);
    if (line->tid > UINT32_MAX) {
        snprintf(text, sizeof text, "[0x%" PRIx64 "]", line->tid);
    } else {
        text[0] = '[';
        size_t length = strlen(output_decimal(text + 1, (int64_t)line->tid, false)) + 1;
        memcpy(text + length, "]", 2);
    }
    out_text_field(output, "thread", text);
    out_string(output, "location", line->location);
    out_string(output, "function", line->function);
    out_int(output, "delta", line->delta);
    out_text_field(output, "delta_text", output_decimal(text, line->delta, true));
    out_string(output, "tag", line->tag);
    out_string(output, "state", line->state);
    if (line->anomaly)
        out_string(output, "anomaly", line->anomaly);
    out_end_object(output);
}

/* Where an object's records come from: its chain in the spool, or one record in hand. */
struct record_source {
    struct spool_chain *chain;
    const unsigned char *single;
    size_t single_length;
    bool single_read;
};

static bool source_next(struct record_source *source, const unsigned char **data,
                        size_t *length)
{
    if (source->chain)
        return spool_chain_next(source->chain, data, length);
    if (source->single_read)
        return false;
    source->single_read = true;
    *data = source->single;
    *length = source->single_length;
    return true;
}

static void source_rewind(struct record_source *source)
{
    if (source->chain)
        spool_chain_rewind(source->chain);
    source->single_read = false;
}

static void write_object(struct history_report *report, struct output *output,
                         enum section section, struct record_source *source)
{
    const unsigned char *data;
    size_t length;
    struct history_line line;
    source_rewind(source);
    if (!source_next(source, &data, &length) ||
        !decode_record(report, data, length, true, &line)) {
        report->failed = true;
        return;
    }
    out_begin_object(output, NULL, &object_format);
    out_text_field(output, "section", section_names[section]);
    out_string(output, "address", line.address);
    out_begin_list(output, "events", NULL);
    write_line(output, &line);
    while (source_next(source, &data, &length)) {
        if (!decode_record(report, data, length, false, &line)) {
            report->failed = true;
            break;
        }
        write_line(output, &line);
    }
    out_end_list(output);
    out_end_object(output);
}

static bool shown(const struct history_report *report, enum section section)
{
    return report->spill_output[section] != NULL;
}

/* Lists OBJECT (whose events end at LAST) in each section of SECTIONS (a bit each) that
 * takes it now; the chain is read only if a section shown does. */
static void list_object(struct history_report *report, unsigned sections, uint64_t last)
{
    struct record_source source = {0};
    for (int section = 0; section < SECTION_COUNT; section++) {
        if (!(sections & (1u << section)))
            continue;
        report->listed[section]++;
        if (!shown(report, section))
            continue;
        if (!source.chain)
            source.chain = spool_chain_open(report->spool, last);
        write_object(report, report->spill_output[section], section, &source);
    }
    spool_chain_close(source.chain);
}

static unsigned finished_sections(struct history_report *report, const struct live_object *object,
                                  bool finalized)
{
    unsigned sections = 0;
    if (object->invalid) {
        report->status |= HISTORY_INVALID;
        sections |= 1u << INVALID;
    }
    if (finalized) {
        if (object->skewed) {
            report->status |= HISTORY_SKEWED;
            sections |= 1u << SKEWED;
        }
        sections |= 1u << FINALIZED;
    }
    return sections;
}

/* ---- the report ---- */

struct history_report *history_report_new_for(const struct history_options *options,
                                              const struct output *like)
{
    struct history_report *report = xcalloc(1, sizeof *report);
    report->options = *options;
    bool any_shown = false;
    for (int section = 0; section < SECTION_COUNT; section++) {
        if (section_hidden(report, section))
            continue;
        any_shown = true;
        if (section == LEAKED)
            continue;
        report->spill[section] = spool_temp_file();
        if (!report->spill[section]) {
            perror("refleaks: temporary file");
            history_report_free(report);
            return NULL;
        }
        report->spill_output[section] = output_new_like(like, report->spill[section]);
    }
    report->frame_dict = blob_dict_new(FRAME_DICT_BYTES);
    report->text_dict = blob_dict_new(TEXT_DICT_BYTES);
    for (int text = 0; text < BUILTIN_TEXT_COUNT; text++)
        blob_dict_number(report->text_dict, builtin_texts[text], strlen(builtin_texts[text]) + 1);
    report->frame_cache = xcalloc(FRAME_CACHE_SLOTS, sizeof *report->frame_cache);
    if (any_shown && !(report->spool = event_spool_new(SPOOL_TAIL_BYTES, CHAIN_LIMIT))) {
        perror("refleaks: temporary file");
        history_report_free(report);
        return NULL;
    }
    report->claim.user_slots = true;
    object_tracker_claim_next(&report->claim);
    return report;
}

void history_report_free(struct history_report *report)
{
    if (!report)
        return;
    object_tracker_end_claim(&report->claim);
    for (int section = 0; section < SECTION_COUNT; section++)
        if (report->spill[section]) {
            output_free(report->spill_output[section]);
            fclose(report->spill[section]);
        }
    event_spool_free(report->spool);
    blob_dict_free(report->frame_dict);
    blob_dict_free(report->text_dict);
    free(report->frame_cache);
    free(report->record);
    free(report->frame_text);
    free(report);
}

/* A change to no live object is its own one-line history. */
static void list_stray(struct history_report *report, const struct log_event *event)
{
    report->status |= HISTORY_INVALID;
    report->listed[INVALID]++;
    if (!shown(report, INVALID))
        return;
    encode_event(report, event, true);
    struct record_source source = {NULL, report->record, report->record_length, false};
    write_object(report, report->spill_output[INVALID], INVALID, &source);
}

void history_report_event(const struct log_event *event, void *opaque)
{
    struct history_report *report = opaque;
    void **slot = object_tracker_event_slot(&report->claim);
    if (!slot) {
        /* Only a stray change comes without a live object (a stray change to a live one
         * is part of that one's history). */
        if (event->op == LOG_OP_STRAY)
            list_stray(report, event);
        return;
    }
    struct live_object object = slot_object(*slot);
    if (event->op == LOG_OP_KEPT) {
        /* Alive on purpose: not leaked. Its troubles, if any, are still told. */
        list_object(report, finished_sections(report, &object, false), object.last);
        *slot = NULL;
        return;
    }
    if (report->spool) {
        encode_event(report, event, object.last == SPOOL_NONE);
        object.last = event_spool_append(report->spool, object.last, report->record,
                                         report->record_length);
    }
    /* An object first seen in mid-life is skewed; only its later troubles make it
     * invalid too. */
    if (event->anomaly && !event->first_seen)
        object.invalid = true;
    if (event->first_seen)
        object.skewed = true;
    if (event->op == LOG_OP_DESTROY) {
        list_object(report, finished_sections(report, &object, true), object.last);
        *slot = NULL;
        return;
    }
    *slot = slot_value(&object);
}

/* The objects alive at the end, in serial order (the tracker's), COUNT of them. */
static struct live_object *alive_in_order(const struct history_report *report, size_t *count)
{
    *count = 0;
    uint32_t *handles = report->claim.tracker
                            ? object_tracker_live_objects(report->claim.tracker, count)
                            : NULL;
    struct live_object *alive = xmalloc((*count ? *count : 1) * sizeof *alive);
    for (size_t i = 0; i < *count; i++)
        alive[i] = slot_object(object_tracker_user_value(&report->claim, handles[i]));
    free(handles);
    return alive;
}

static void write_leaked(struct history_report *report, struct output *output,
                         const struct live_object *alive, size_t alive_count)
{
    for (size_t i = 0; i < alive_count; i++) {
        struct record_source source = {spool_chain_open(report->spool, alive[i].last), NULL, 0,
                                       false};
        write_object(report, output, LEAKED, &source);
        spool_chain_close(source.chain);
    }
}

int history_report_write(struct history_report *report, struct output *output)
{
    /* Objects alive at the end, in serial order, complete the sections. */
    size_t alive_count;
    struct live_object *alive = alive_in_order(report, &alive_count);
    for (size_t i = 0; i < alive_count; i++) {
        report->status |= HISTORY_LEAKED;
        report->listed[LEAKED]++;
        unsigned sections = finished_sections(report, &alive[i], false);
        if (alive[i].skewed) {
            report->status |= HISTORY_SKEWED;
            sections |= 1u << SKEWED;
        }
        list_object(report, sections, alive[i].last);
    }
    bool ok = true;
    out_begin_list(output, "sections", NULL);
    for (int section = 0; section < SECTION_COUNT && ok; section++) {
        if (section_hidden(report, section) || report->listed[section] == 0)
            continue;
        out_begin_object(output, NULL, &section_format);
        out_string(output, "section", section_names[section]);
        out_begin_list(output, "objects", NULL);
        if (section == LEAKED) {
            write_leaked(report, output, alive, alive_count);
        } else {
            ok = output_flush(report->spill_output[section]) == 0 &&
                 out_copy_list(output, report->spill[section], report->listed[section]);
        }
        out_end_list(output);
        out_end_object(output);
    }
    out_end_list(output);
    free(alive);
    if (report->failed || (report->spool && !event_spool_ok(report->spool))) {
        fprintf(stderr, "refleaks: --history could not write or read back its temporary file\n");
        ok = false;
    }
    return ok ? report->status : -1;
}

struct history_report *history_report_new(const struct history_options *options)
{
    struct output *text = output_new_text(stdout); /* a model only: never written to */
    struct history_report *report = history_report_new_for(options, text);
    output_free(text);
    return report;
}

int history_report_print(struct history_report *report, FILE *out)
{
    struct output *output = output_new_text(out);
    int status = history_report_write(report, output);
    output_free(output);
    return status;
}
