/* object_tracker.c - live objects, their counts and the anomalies of a log
 * (see object_tracker.h).
 *
 * Objects are found by the log's serial when it has one (refshim logs, Mozilla logs
 * with XPCOM_MEM_LOG_CLASSES), else by address (Asterisk logs, other Mozilla logs).
 * Serials the tracker assigns itself count 1, 2, 3... in the order objects are first
 * seen, which for well-formed logs is the order of their creation lines. */
#include "object_tracker.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "id_map.h"
#include "string_pool.h"

/* Serials above this are not remembered once finished: their bitmap would be huge. */
#define MAX_REMEMBERED_SERIAL (UINT64_C(1) << 27)

/* A live object: 32 bytes, the analyzers' only record of it. */
struct live_record {
    uint64_t serial;
    uint64_t address;
    int64_t count;          /* on the free list: the next free record */
    uint32_t class_id;      /* in the tracker's pool of class names */
    uint32_t tid_and_flags; /* the id of its first thread (low TID_BITS), then flags */
};

enum {
    TID_BITS = 24,
    /* Threads beyond the ids share this one, which is taken as a different thread from
     * any: such objects' counts are not checked (see shared_by_threads). */
    TID_MANY = (1u << TID_BITS) - 1,
};
#define TID_MASK ((uint32_t)TID_MANY)
#define FLAG_USED (UINT32_C(1) << 24)          /* not on the free list */
#define FLAG_BY_SERIAL (UINT32_C(1) << 25)     /* found by its log serial */
/* Created by an alloc-log line: only its Dtor/Destroy ends it. */
#define FLAG_ALLOC_CREATED (UINT32_C(1) << 26)
#define FLAG_NOMINAL (UINT32_C(1) << 27)       /* no line has told its count yet */
/* Threads log their changes in an order that need not be the order of the atomic
 * operations, so counts are compared only while one thread alone used the object. */
#define FLAG_SHARED (UINT32_C(1) << 28)
#define FLAG_SPELLED (UINT32_C(1) << 29)       /* its address has a spelling aside */
#define FLAG_SUCCESSOR (UINT32_C(1) << 30)     /* has a successor aside */

#define NO_RECORD UINT32_MAX

/* Live records by a key (serial or address), open addressing: a slot holds a record
 * number + 1 (0: empty) and the low half of its key's hash, so that a probe reads a
 * record only when the hashes agree, and the home of a slot (its hash's low bits) is
 * known without reading its record when the table grows or a hole is filled. Eight
 * bytes a slot, at most three quarters full. */
struct index_slot {
    uint32_t record;
    uint32_t hash;
};

struct record_index {
    struct index_slot *slots;
    size_t mask;
    size_t count;
    bool by_address;    /* keyed by the records' address, else by their serial */
};

/* A log with serials: a later object that started at this one's address while it was
 * alive. Threads may log the older one's end after the newer one's start, so it is
 * ended only if the log ends without its destruction. Rare: kept aside. */
struct successor {
    uint64_t serial;
    unsigned long line;     /* where it started */
};

enum { SPELLED_ADDRESSES = 256, SERIAL_CACHE = 256, TID_CACHE = 64 };

struct spelled_address {
    uint64_t address;
    char text[24];          /* "" until first used */
};

struct object_tracker {
    struct live_record *records;
    uint32_t record_count;      /* records ever used: live ones and the free list */
    uint32_t record_capacity;
    uint32_t free_head;         /* NO_RECORD: none free */
    size_t live;
    void **user;                /* USER_SLOTS per record, for the claims that want one */
    unsigned user_slots;
    unsigned claims;            /* claimants holding it: freed when the last lets go */
    struct record_index by_serial;
    struct record_index by_address;
    /* The live objects of by_serial again, keyed by address: two live objects at one
     * address mean the log missed a destruction. */
    struct record_index serial_by_address;
    struct string_pool *classes;
    struct id_map tid_ids;      /* thread id + 1 -> its id (0 apart, in tid_zero_id) */
    uint32_t tid_zero_id, next_tid_id;
    uint64_t last_tid;          /* the last thread asked about, and its id */
    uint32_t last_tid_id;
    /* Thread ids met lately, at their low bits: threads log interleaved, not only in
     * runs, and the map was a lookup on most lines of a busy log. */
    struct { uint64_t tid; uint32_t id; } tid_cache[TID_CACHE];
    struct id_map spellings;    /* record + 1 -> its address as the log spelled it */
    struct id_map successors;   /* record + 1 -> struct successor */
    /* Addresses whose object was destroyed and that no object took since (the set of
     * them: the value is unused), address 0 apart, id_map's empty key. */
    struct id_set destroyed_addresses;
    bool destroyed_at_zero;
    uint8_t *finished_serials; /* one bit per serial */
    uint64_t finished_capacity; /* in bits */
    uint64_t next_serial;
    uint32_t current;           /* the record of the event being delivered */
    struct spelled_address spelled[SPELLED_ADDRESSES];
    /* The record + 1 last found for a serial, at the serial's low bits: a log's events
     * keep coming back to a few objects, which the index may hold at the end of a long
     * probe. Checked against the record, so never out of date. */
    uint32_t serial_cache[SERIAL_CACHE];
    char anomaly[256];
};

static struct tracker_claim *next_claims[TRACKER_CLAIMS];
static size_t next_claim_count;

void object_tracker_claim_next(struct tracker_claim *claim)
{
    if (next_claim_count == TRACKER_CLAIMS)
        abort(); /* more reports than one reading feeds: a programming error */
    next_claims[next_claim_count++] = claim;
}

struct object_tracker *object_tracker_new(void)
{
    struct object_tracker *tracker = xcalloc(1, sizeof *tracker);
    tracker->classes = string_pool_new();
    tracker->free_head = NO_RECORD;
    tracker->current = NO_RECORD;
    tracker->serial_by_address.by_address = true;
    tracker->by_address.by_address = true;
    tracker->next_tid_id = 1;
    for (size_t i = 0; i < next_claim_count; i++) {
        struct tracker_claim *claim = next_claims[i];
        claim->tracker = tracker;
        tracker->claims++;
        if (claim->user_slots)
            claim->slot = tracker->user_slots++;
    }
    next_claim_count = 0;
    if (tracker->user_slots) /* grown with the records */
        tracker->user = xmalloc(tracker->user_slots * sizeof *tracker->user);
    return tracker;
}

void object_tracker_release(struct object_tracker *tracker)
{
    if (!tracker)
        return;
    free(tracker->records);
    free(tracker->user);
    free(tracker->by_serial.slots);
    free(tracker->by_address.slots);
    free(tracker->serial_by_address.slots);
    string_pool_free(tracker->classes);
    id_map_free(&tracker->tid_ids);
    id_map_free_with(&tracker->spellings, free);
    id_map_free_with(&tracker->successors, free);
    id_set_free(&tracker->destroyed_addresses);
    free(tracker->finished_serials);
    free(tracker);
}

void object_tracker_end_claim(struct tracker_claim *claim)
{
    for (size_t i = 0; i < next_claim_count; i++)
        if (next_claims[i] == claim) {
            next_claims[i] = next_claims[--next_claim_count];
            break;
        }
    if (claim->tracker && --claim->tracker->claims == 0)
        object_tracker_release(claim->tracker);
    claim->tracker = NULL;
}

/* The reading is over: what finds objects by key is needed no more, only the records,
 * which the reports then read with room to spare for their own lists. */
static void drop_lookups(struct object_tracker *tracker)
{
    struct record_index *indexes[] = {&tracker->by_serial, &tracker->by_address,
                                      &tracker->serial_by_address};
    for (size_t i = 0; i < sizeof indexes / sizeof indexes[0]; i++) {
        free(indexes[i]->slots);
        indexes[i]->slots = NULL;
        indexes[i]->mask = indexes[i]->count = 0;
    }
    id_map_free(&tracker->tid_ids);
    id_set_free(&tracker->destroyed_addresses);
    free(tracker->finished_serials);
    tracker->finished_serials = NULL;
    tracker->finished_capacity = 0;
}

void object_tracker_free(struct object_tracker *tracker)
{
    if (tracker && tracker->claims == 0)
        object_tracker_release(tracker);
    else if (tracker)
        drop_lookups(tracker);
}

/* The record index. */

static uint64_t record_key(const struct object_tracker *tracker,
                           const struct record_index *index, uint32_t record)
{
    const struct live_record *r = &tracker->records[record];
    return index->by_address ? r->address : r->serial;
}

/* Tried: serials hashed in blocks of neighbours, for cache locality; it made probe runs
 * longer and refshim logs slower. */
static uint32_t key_hash(uint64_t key)
{
    return (uint32_t)fast_hash_mix(key);
}

/* The slot of INDEX that holds KEY's record, or NULL. */
static inline struct index_slot *index_slot(const struct object_tracker *tracker,
                                     const struct record_index *index, uint64_t key)
{
    if (!index->slots)
        return NULL;
    uint32_t hash = key_hash(key);
    for (size_t i = hash & index->mask;; i = (i + 1) & index->mask) {
        struct index_slot *slot = &index->slots[i];
        if (slot->record == 0)
            return NULL;
        if (slot->hash == hash && record_key(tracker, index, slot->record - 1) == key)
            return slot;
    }
}

static inline uint32_t index_find(const struct object_tracker *tracker,
                           const struct record_index *index, uint64_t key)
{
    const struct index_slot *slot = index_slot(tracker, index, key);
    return slot ? slot->record - 1 : NO_RECORD;
}

/* The live record found by address ADDRESS: HINT's (record + 1, as
 * object_tracker_find_address told) if it still is that one, else the index's. A record in use and not found by
 * serial is the one of its address: two live objects never share one. */
static inline uint32_t find_hinted(const struct object_tracker *tracker, uint64_t address,
                                   uint32_t hint)
{
    if (hint != 0 && hint <= tracker->record_count) {
        const struct live_record *r = &tracker->records[hint - 1];
        if (r->address == address &&
            (r->tid_and_flags & (FLAG_USED | FLAG_BY_SERIAL)) == FLAG_USED)
            return hint - 1;
    }
    return index_find(tracker, &tracker->by_address, address);
}

/* The live record of the log's serial SERIAL if the serial cache has it, or NO_RECORD. */
static inline uint32_t cached_by_serial(const struct object_tracker *tracker, uint64_t serial)
{
    uint32_t cached = tracker->serial_cache[serial % SERIAL_CACHE];
    if (cached != 0) {
        const struct live_record *r = &tracker->records[cached - 1];
        if (r->serial == serial && (r->tid_and_flags & (FLAG_USED | FLAG_BY_SERIAL)) ==
                                       (FLAG_USED | FLAG_BY_SERIAL))
            return cached - 1;
    }
    return NO_RECORD;
}

/* The live record of the log's serial SERIAL, or NO_RECORD. */
static inline __attribute__((always_inline)) uint32_t find_by_serial(struct object_tracker *tracker,
                                                                    uint64_t serial)
{
    uint32_t record = cached_by_serial(tracker, serial);
    if (record != NO_RECORD)
        return record;
    record = index_find(tracker, &tracker->by_serial, serial);
    if (record != NO_RECORD)
        tracker->serial_cache[serial % SERIAL_CACHE] = record + 1;
    return record;
}

static void index_place(struct record_index *index, struct index_slot slot)
{
    size_t i = slot.hash & index->mask;
    while (index->slots[i].record != 0)
        i = (i + 1) & index->mask;
    index->slots[i] = slot;
}

/* Adds RECORD, whose key must not be in INDEX yet. */
static void index_add(const struct object_tracker *tracker, struct record_index *index,
                      uint32_t record)
{
    if (!index->slots || (index->count + 1) * 4 > (index->mask + 1) * 3) {
        struct index_slot *old = index->slots;
        size_t old_count = old ? index->mask + 1 : 0;
        size_t capacity = old ? old_count * 2 : 1024;
        /* Filled at random places, so all its pages soon: made at once before they are
         * zeroed (calloc's zeroing faulted on each). */
        index->slots = xmalloc(capacity * sizeof *index->slots);
        populate_pages(index->slots, capacity * sizeof *index->slots);
        memset(index->slots, 0, capacity * sizeof *index->slots);
        index->mask = capacity - 1;
        for (size_t i = 0; i < old_count; i++)
            if (old[i].record != 0)
                index_place(index, old[i]);
        free(old);
    }
    index_place(index, (struct index_slot){record + 1,
                                           key_hash(record_key(tracker, index, record))});
    index->count++;
}

static void index_remove_slot(struct record_index *index, struct index_slot *slot)
{
    size_t hole = (size_t)(slot - index->slots);
    index->slots[hole].record = 0;
    index->count--;
    for (size_t i = (hole + 1) & index->mask; index->slots[i].record != 0;
         i = (i + 1) & index->mask) {
        if (probe_fills_hole(hole, i, index->slots[i].hash & index->mask)) {
            index->slots[hole] = index->slots[i];
            index->slots[i].record = 0;
            hole = i;
        }
    }
}

/* The records. */

/* How many records' pages new_record makes at once: 64 KiB of them. */
enum { RECORDS_POPULATED = 65536 / sizeof(struct live_record) };

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static uint32_t new_record(struct object_tracker *tracker)
{
    uint32_t record = tracker->free_head;
    if (record != NO_RECORD) {
        tracker->free_head = (uint32_t)tracker->records[record].count;
    } else {
        if (tracker->record_count == tracker->record_capacity) {
            /* Four billion live objects would take 128 GB: memory runs out first. */
            uint32_t capacity = tracker->record_capacity ? tracker->record_capacity * 2 : 1024;
            tracker->records = xgrow(tracker->records,
                                     tracker->record_capacity * sizeof *tracker->records,
                                     capacity * sizeof *tracker->records);
            if (tracker->user)
                tracker->user = xrealloc(tracker->user, (size_t)capacity * tracker->user_slots *
                                                            sizeof *tracker->user);
            tracker->record_capacity = capacity;
        }
        record = tracker->record_count++;
        /* The pages of the records to come, made a group at a time (populate_pages). */
        if (record % RECORDS_POPULATED == 0)
            populate_pages(&tracker->records[record],
                           (size_t)min_u32(RECORDS_POPULATED, tracker->record_capacity - record) *
                               sizeof *tracker->records);
    }
    tracker->records[record] = (struct live_record){0};
    for (unsigned i = 0; i < tracker->user_slots; i++)
        tracker->user[(size_t)record * tracker->user_slots + i] = NULL;
    tracker->live++;
    return record;
}

static void drop_side(struct id_map *map, uint32_t record)
{
    free(id_map_find(map, (uint64_t)record + 1));
    id_map_remove(map, (uint64_t)record + 1);
}

/* Puts RECORD, in no index any more, on the free list, with what was kept aside. */
static void free_record(struct object_tracker *tracker, uint32_t record)
{
    struct live_record *r = &tracker->records[record];
    if (r->tid_and_flags & FLAG_SPELLED)
        drop_side(&tracker->spellings, record);
    if (r->tid_and_flags & FLAG_SUCCESSOR)
        drop_side(&tracker->successors, record);
    r->tid_and_flags = 0;
    r->count = tracker->free_head;
    tracker->free_head = record;
    tracker->live--;
}

/* Forgets RECORD, found through INDEX: its index entries, what is kept aside. */
static void forget_tracked(struct object_tracker *tracker, struct record_index *index,
                           uint32_t record)
{
    struct live_record *r = &tracker->records[record];
    if (r->tid_and_flags & FLAG_BY_SERIAL) {
        struct index_slot *at = index_slot(tracker, &tracker->serial_by_address, r->address);
        if (at && at->record == record + 1)
            index_remove_slot(&tracker->serial_by_address, at);
    }
    index_remove_slot(index, index_slot(tracker, index, record_key(tracker, index, record)));
    free_record(tracker, record);
}

/* Two hex digits per byte value: every event's address is spelled out. */
static const char hex_pairs[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* VALUE as 0x%x, from the start of BUFFER, which it returns. */
static const char *format_address(char buffer[24], uint64_t value)
{
    int digits = value ? (64 - __builtin_clzll(value) + 3) / 4 : 1;
    char *end = buffer + 2 + digits;
    *end = '\0';
    for (; digits >= 2; digits -= 2, value >>= 8) {
        end -= 2;
        memcpy(end, &hex_pairs[2 * (value & 0xff)], 2);
    }
    if (digits)
        end[-1] = "0123456789abcdef"[value & 15];
    buffer[0] = '0';
    buffer[1] = 'x';
    return buffer;
}

/* RECORD's address as the log spelled it, in the tracker's buffer unless kept aside. */
static const char *address_of(struct object_tracker *tracker, uint32_t record)
{
    const struct live_record *r = &tracker->records[record];
    if (r->tid_and_flags & FLAG_SPELLED)
        return id_map_find(&tracker->spellings, (uint64_t)record + 1);
    /* Every event tells its object's address: the spellings of the addresses seen last
     * are kept, by address, so that most events spell none. */
    struct spelled_address *spelled =
        &tracker->spelled[((r->address >> 4) ^ (r->address >> 12)) % SPELLED_ADDRESSES];
    if (spelled->address != r->address || !spelled->text[0]) {
        format_address(spelled->text, r->address);
        spelled->address = r->address;
    }
    return spelled->text;
}

static const char *class_of(const struct object_tracker *tracker, uint32_t record)
{
    return string_pool_text(tracker->classes, tracker->records[record].class_id);
}

/* tid_id of a thread the cache does not hold. */
static __attribute__((noinline)) uint32_t tid_id_looked_up(struct object_tracker *tracker,
                                                           uint64_t tid)
{
    uint32_t id;
    if (tid == 0) {
        if (tracker->tid_zero_id == 0)
            tracker->tid_zero_id = tracker->next_tid_id < TID_MANY ? tracker->next_tid_id++
                                                                   : TID_MANY;
        id = tracker->tid_zero_id;
    } else {
        id = (uint32_t)(uintptr_t)id_map_find(&tracker->tid_ids, tid);
        if (id == 0) {
            id = tracker->next_tid_id < TID_MANY ? tracker->next_tid_id++ : TID_MANY;
            id_map_add(&tracker->tid_ids, tid, (void *)(uintptr_t)id);
        }
    }
    tracker->tid_cache[tid % TID_CACHE].tid = tid;
    tracker->tid_cache[tid % TID_CACHE].id = id;
    return id;
}

/* A small id for thread TID, numbered in the order threads are first asked about; the
 * last one is remembered for the serial fast path (object_tracker_quiet_count). */
static inline uint32_t tid_id(struct object_tracker *tracker, uint64_t tid)
{
    /* A cached id is never 0, so the zeroed cache holds nothing. */
    uint32_t id = tracker->tid_cache[tid % TID_CACHE].tid == tid
                      ? tracker->tid_cache[tid % TID_CACHE].id
                      : 0;
    if (id == 0)
        id = tid_id_looked_up(tracker, tid);
    tracker->last_tid = tid;
    tracker->last_tid_id = id;
    return id;
}

/* A record's flags after a change by the thread of id TID_ID: shared as soon as a second
 * thread changes it (or one beyond the ids), and then its counts are not checked. */
static inline uint32_t with_thread(uint32_t flags, uint32_t tid_id)
{
    if (!(flags & FLAG_SHARED) && (tid_id != (flags & TID_MASK) || tid_id == TID_MANY))
        flags |= FLAG_SHARED;
    return flags;
}

static void deliver(struct object_tracker *tracker, uint32_t record, struct log_event *event,
                    struct log_sink *sink)
{
    tracker->current = record;
    sink->on_event(event, sink->user);
    tracker->current = NO_RECORD;
}

void **object_tracker_event_slot(const struct tracker_claim *claim)
{
    const struct object_tracker *tracker = claim->tracker;
    if (!tracker || !claim->user_slots || tracker->current == NO_RECORD)
        return NULL;
    return &tracker->user[(size_t)tracker->current * tracker->user_slots + claim->slot];
}

void *object_tracker_user_value(const struct tracker_claim *claim, uint32_t handle)
{
    const struct object_tracker *tracker = claim->tracker;
    if (!tracker || !claim->user_slots)
        return NULL;
    return tracker->user[(size_t)handle * tracker->user_slots + claim->slot];
}

static void remember_finished_serial(struct object_tracker *tracker, uint64_t serial)
{
    if (serial >= MAX_REMEMBERED_SERIAL)
        return;
    if (serial >= tracker->finished_capacity) {
        uint64_t capacity = tracker->finished_capacity ? tracker->finished_capacity : 4096;
        while (capacity <= serial)
            capacity *= 2;
        tracker->finished_serials = xrealloc(tracker->finished_serials, capacity / 8);
        memset(tracker->finished_serials + tracker->finished_capacity / 8, 0,
               (capacity - tracker->finished_capacity) / 8);
        tracker->finished_capacity = capacity;
    }
    tracker->finished_serials[serial / 8] |= (uint8_t)(1u << (serial % 8));
}

static bool serial_finished(const struct object_tracker *tracker, uint64_t serial)
{
    return serial < tracker->finished_capacity &&
           (tracker->finished_serials[serial / 8] & (1u << (serial % 8)));
}

bool object_tracker_serial_finished(const struct object_tracker *tracker, uint64_t serial)
{
    return serial_finished(tracker, serial);
}

static bool address_destroyed(const struct object_tracker *tracker, uint64_t address)
{
    return address ? id_set_contains(&tracker->destroyed_addresses, address)
                   : tracker->destroyed_at_zero;
}

static void set_address_destroyed(struct object_tracker *tracker, uint64_t address, bool destroyed)
{
    if (address == 0)
        tracker->destroyed_at_zero = destroyed;
    else if (destroyed)
        id_set_add(&tracker->destroyed_addresses, address);   /* once, if there already */
    else
        id_set_remove(&tracker->destroyed_addresses, address);
}

/* Called when an object is destroyed, so that later changes are known to come after. */
static void remember_destruction(struct object_tracker *tracker, bool by_serial, uint64_t key)
{
    if (by_serial) {
        remember_finished_serial(tracker, key);
    } else {
        set_address_destroyed(tracker, key, true);
    }
}

static bool was_destroyed(struct object_tracker *tracker, bool by_serial, uint64_t key)
{
    return by_serial ? serial_finished(tracker, key) : address_destroyed(tracker, key);
}

/* The pool's id of CLASS_NAME; CACHE (if not NULL) keeps it, + 1, for the next time. */
static uint32_t class_id(struct object_tracker *tracker, const char *class_name, uint32_t *cache)
{
    if (cache && *cache)
        return *cache - 1;
    uint32_t id = string_pool_id(tracker->classes, class_name ? class_name : "?");
    if (cache)
        *cache = id + 1;
    return id;
}

/* A new record for the object KEY that starts with EVENT, in no index yet. */
static uint32_t new_filled_record(struct object_tracker *tracker, uint64_t key, bool by_serial,
                                  const struct log_event *event, uint32_t *class_id_cache)
{
    uint32_t record = new_record(tracker);
    struct live_record *r = &tracker->records[record];
    r->serial = by_serial ? key : ++tracker->next_serial;
    r->address = event->address_value;
    r->class_id = class_id(tracker, event->class_name, class_id_cache);
    r->tid_and_flags = FLAG_USED | (by_serial ? FLAG_BY_SERIAL : 0) | tid_id(tracker, event->tid);
    const char *spelling = event->address ? event->address : "?";
    if (!(event->address_plain && event->address) &&
        strcmp(spelling, address_of(tracker, record)) != 0) {
        r->tid_and_flags |= FLAG_SPELLED;
        id_map_add(&tracker->spellings, (uint64_t)record + 1, xstrdup(spelling));
    }
    return record;
}

static uint32_t start_object(struct object_tracker *tracker, struct record_index *index,
                             uint64_t key, bool by_serial, const struct log_event *event,
                             uint32_t *class_id_cache)
{
    uint32_t record = new_filled_record(tracker, key, by_serial, event, class_id_cache);
    index_add(tracker, index, record);
    if (by_serial) {
        struct index_slot *at = index_slot(tracker, &tracker->serial_by_address,
                                           event->address_value);
        if (at)
            at->record = record + 1;   /* the same key: the slot stays right */
        else
            index_add(tracker, &tracker->serial_by_address, record);
    } else {
        /* The address lives again: a later change belongs to this new object. */
        set_address_destroyed(tracker, key, false);
    }
    return record;
}

static void note(struct object_tracker *tracker, struct log_event *event, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void note(struct object_tracker *tracker, struct log_event *event, const char *format, ...)
{
    if (event->anomaly)
        return; /* the first problem of a line is the one worth telling */
    va_list args;
    va_start(args, format);
    vsnprintf(tracker->anomaly, sizeof tracker->anomaly, format, args);
    va_end(args);
    event->anomaly = tracker->anomaly;
}

/* The log's count disagrees with the events before it. Said in the terms of the log: the
 * count after the change (refshim, Mozilla) or before it (Asterisk's STATE), so that the
 * two numbers compared are the one written on the line and the one it should be. */
static void note_count_mismatch(struct object_tracker *tracker, const struct change *change,
                                struct log_event *event, int64_t count_before)
{
    if (change->logs_count_before) {
        note(tracker, event, "the count before this change is %" PRId64 " in the log but %"
             PRId64 " after the events before it: an event is missing",
             event->count - event->delta, count_before);
        return;
    }
    const char *what = event->delta > 0 ? "AddRef" : event->delta < 0 ? "Release" : "change";
    note(tracker, event, "the count after this %s is %" PRId64 " in the log but %" PRId64
         " after the events before it: an event is missing",
         what, event->count, count_before + event->delta);
}

/* True if SINK is given the quiet count changes of R (log_format.h). */
static inline bool wants_quiet_change(const struct log_sink *sink, const struct live_record *r)
{
    if (!sink->lives_only)
        return true;
    switch (sink->follow) {
    case LOG_FOLLOW_SERIAL: return r->serial == sink->follow_key;
    case LOG_FOLLOW_ADDRESS: return r->address == sink->follow_key;
    default: return false;
    }
}

/* Fills EVENT's object fields from RECORD. */
static void describe(struct object_tracker *tracker, uint32_t record, struct log_event *event)
{
    const struct live_record *r = &tracker->records[record];
    event->serial = r->serial;
    /* The format's spelling is the record's when both are the plain one. */
    if (!(event->address_plain && event->address && event->address_value == r->address &&
          !(r->tid_and_flags & FLAG_SPELLED)))
        event->address = address_of(tracker, record);
    event->class_name = class_of(tracker, record);
    event->count = tracker->records[record].count;
}

static void deliver_stray(struct object_tracker *tracker, struct log_event *event,
                          struct log_sink *sink, uint32_t alive)
{
    event->op = LOG_OP_STRAY;
    event->serial = 0;
    if (alive != NO_RECORD)
        describe(tracker, alive, event);
    /* A stray change to a live object is part of its story: the user slots are its. */
    deliver(tracker, alive, event, sink);
}

/* RECORD is alive, yet object NEW_SERIAL starts at its address with EVENT: its end is
 * missing from the log. Two live objects at one address are impossible, so the older
 * one is taken as ended here (told as LOG_OP_KEPT: not leaked, not destroyed by any
 * stack), with a warning. */
static void end_unseen(struct object_tracker *tracker, struct record_index *index,
                       uint32_t record, const struct log_event *event,
                       struct log_sink *sink, uint64_t new_serial)
{
    if (tracker->records[record].tid_and_flags & FLAG_SUCCESSOR) {
        const struct successor *successor = id_map_find(&tracker->successors,
                                                        (uint64_t)record + 1);
        new_serial = successor->serial;
    }
    struct log_event ended = {
        .op = LOG_OP_KEPT,
        .address_value = tracker->records[record].address,
        .tid = event->tid,
        .line = event->line,
    };
    describe(tracker, record, &ended);
    snprintf(tracker->anomaly, sizeof tracker->anomaly, "object %" PRIu64 " starts at this "
             "address while object %" PRIu64 " is alive there: the log misses the destruction "
             "of %" PRIu64 ", taken as ended here", new_serial, ended.serial, ended.serial);
    ended.anomaly = tracker->anomaly;
    deliver(tracker, record, &ended, sink);
    forget_tracked(tracker, index, record);
}

/* A new object KEY starts at EVENT's address, where an object of the log's serials may
 * be alive: that one's successor, unless it has one already. */
static void note_successor(struct object_tracker *tracker, uint64_t key,
                           const struct log_event *event)
{
    uint32_t older = index_find(tracker, &tracker->serial_by_address, event->address_value);
    if (older == NO_RECORD || (tracker->records[older].tid_and_flags & FLAG_SUCCESSOR))
        return;
    struct successor *successor = xmalloc(sizeof *successor);
    *successor = (struct successor){key, event->line}; /* ended at the end of the log if still alive */
    id_map_add(&tracker->successors, (uint64_t)older + 1, successor);
    tracker->records[older].tid_and_flags |= FLAG_SUCCESSOR;
}

void object_tracker_prefetch(const struct object_tracker *tracker, bool by_serial, uint64_t key,
                             enum tracker_prefetch stage)
{
    const struct record_index *index = by_serial ? &tracker->by_serial : &tracker->by_address;
    if (!index->slots)
        return;
    uint32_t hash = key_hash(key);
    const struct index_slot *slot = &index->slots[hash & index->mask];
    if (stage != PREFETCH_RECORD) {
        __builtin_prefetch(slot);
        /* A new object at an address is looked for among the destroyed ones too. */
        if (stage == PREFETCH_SLOT && !by_serial && tracker->destroyed_addresses.slots)
            __builtin_prefetch(&tracker->destroyed_addresses.slots[
                id_set_home(&tracker->destroyed_addresses, key)]);
    } else if (slot->record != 0 && slot->hash == hash) {
        __builtin_prefetch(&tracker->records[slot->record - 1]);
        if (tracker->user)
            __builtin_prefetch(&tracker->user[(size_t)(slot->record - 1) * tracker->user_slots]);
    }
}

void object_tracker_apply(struct object_tracker *tracker, const struct change *change,
                          struct log_event *event, struct log_sink *sink)
{
    bool by_serial = change->log_serial != 0;
    struct record_index *index = by_serial ? &tracker->by_serial : &tracker->by_address;
    uint64_t key = by_serial ? change->log_serial : event->address_value;
    uint32_t record = by_serial ? find_by_serial(tracker, key)
                                : find_hinted(tracker, key, change->record_hint);
    event->anomaly = NULL;
    event->first_seen = false;

    if (change->kind == CHANGE_KEPT) {
        if (record == NO_RECORD)
            return; /* a note about an object that is not alive says nothing */
        event->op = LOG_OP_KEPT;
        describe(tracker, record, event);
        deliver(tracker, record, event, sink);
        forget_tracked(tracker, index, record);
        return;
    }
    if (change->kind == CHANGE_INVALID) {
        note(tracker, event, "change to an invalid object (bad magic number or count below zero)");
        deliver_stray(tracker, event, sink, record);
        return;
    }
    enum change_kind kind = change->kind;
    /* A log holding both alloc and refcount lines: AddRef to 1 after the Ctor. */
    if (kind == CHANGE_CREATE && record != NO_RECORD &&
        (tracker->records[record].tid_and_flags & FLAG_NOMINAL) && !change->alloc_only)
        kind = CHANGE_COUNT;
    if (kind == CHANGE_CREATE && record != NO_RECORD) {
        /* The new object's serial: the log's own when it numbers them (a serial created
         * again while alive), else the one the tracker gives next. */
        end_unseen(tracker, index, record, event, sink,
                   by_serial ? key : tracker->next_serial + 1);
        record = NO_RECORD;
    }
    if (record == NO_RECORD && by_serial &&
        !(kind != CHANGE_CREATE && was_destroyed(tracker, true, key)))
        note_successor(tracker, key, event);
    int64_t count_before;
    struct live_record *r;
    if (record == NO_RECORD) {
        if (kind != CHANGE_CREATE) {
            if (was_destroyed(tracker, by_serial, key)) {
                note(tracker, event, "change after the object's destruction");
                deliver_stray(tracker, event, sink, NO_RECORD);
                return;
            }
            event->first_seen = true;
            if (event->delta < 0)
                note(tracker, event, "%s of an object never created",
                     kind == CHANGE_DESTROY ? "destruction" : "Release");
        }
        record = start_object(tracker, index, key, by_serial, event, change->class_id_cache);
        r = &tracker->records[record];
        if (change->alloc_only)
            r->tid_and_flags |= FLAG_NOMINAL;
        if (change->alloc_only && kind == CHANGE_CREATE)
            r->tid_and_flags |= FLAG_ALLOC_CREATED;
        count_before = change->count_known ? event->count - event->delta : 0;
    } else {
        r = &tracker->records[record];
        count_before = r->count;
        if (!(r->tid_and_flags & FLAG_SHARED))
            r->tid_and_flags = with_thread(r->tid_and_flags, tid_id(tracker, event->tid));
    }
    bool nominal = r->tid_and_flags & FLAG_NOMINAL;
    bool check_count = !nominal && !event->first_seen && !(r->tid_and_flags & FLAG_SHARED);

    int64_t count_after = count_before + event->delta;
    if (change->alloc_only) {
        count_after = nominal ? 1 : r->count;
    } else if (change->count_known) {
        if (event->count != count_after && check_count)
            note_count_mismatch(tracker, change, event, count_before);
        count_after = event->count;
        r->tid_and_flags &= ~FLAG_NOMINAL;
    } else if (kind == CHANGE_DESTROY && count_after != 0 && check_count) {
        note(tracker, event, "destroyed while its count was %" PRId64 ": an event is missing",
             count_before);
    }
    if (kind == CHANGE_DESTROY)
        count_after = 0;
    r->count = count_after;

    /* An object made by a Ctor lives until its Dtor, whatever its count says. */
    bool destroyed = kind == CHANGE_DESTROY ||
                     (!(r->tid_and_flags & FLAG_ALLOC_CREATED) && count_after <= 0);
    if (count_after < 0)
        note(tracker, event, "count below zero (%" PRId64 ")", count_after);
    if (destroyed)
        event->op = LOG_OP_DESTROY;
    else if (kind == CHANGE_CREATE)
        event->op = LOG_OP_NEW;
    else
        event->op = event->delta >= 0 ? LOG_OP_ADDREF : LOG_OP_RELEASE;
    if (kind == CHANGE_COUNT && !destroyed && !event->anomaly && !event->first_seen &&
        !wants_quiet_change(sink, r))
        return;                 /* a quiet count change: applied, not wanted */
    describe(tracker, record, event);
    deliver(tracker, record, event, sink);
    if (destroyed) {
        remember_destruction(tracker, by_serial, key);
        forget_tracked(tracker, index, record);
    }
}

/* Applies the change to R if it is quiet (see object_tracker_quiet_count). */
static inline bool apply_quiet(const struct log_sink *sink, struct live_record *r, int64_t delta,
                               int64_t count, uint32_t tid_id)
{
    uint32_t flags = r->tid_and_flags;
    if ((flags & FLAG_NOMINAL) || wants_quiet_change(sink, r))
        return false;
    flags = with_thread(flags, tid_id);     /* as object_tracker_apply does */
    bool checked = !(flags & FLAG_SHARED);
    if (count <= 0 || (checked && count != r->count + delta))
        return false;           /* an end, or something wrong: apply tells it */
    r->tid_and_flags = flags;
    r->count = count;
    return true;
}

/* The id of thread TID for a quiet change of R, asked only where object_tracker_apply asks
 * it (R not yet shared): asked elsewhere, a new thread would be numbered in another order. */
static inline uint32_t quiet_tid_id(struct object_tracker *tracker, const struct live_record *r,
                                    uint64_t tid)
{
    return r->tid_and_flags & FLAG_SHARED ? 0 : tid_id(tracker, tid);
}

/* Every case but the commonest, kept out of the way of object_tracker_quiet_count: the
 * call of a line of a big log then saves and restores no register. */
static __attribute__((noinline)) bool quiet_count_looked_up(struct object_tracker *tracker,
                                                            const struct log_sink *sink,
                                                            bool by_serial, uint64_t key,
                                                            int64_t delta, int64_t count,
                                                            uint64_t tid)
{
    uint32_t record = by_serial ? find_by_serial(tracker, key)
                                : index_find(tracker, &tracker->by_address, key);
    if (record == NO_RECORD)
        return false;
    struct live_record *r = &tracker->records[record];
    return apply_quiet(sink, r, delta, count, quiet_tid_id(tracker, r, tid));
}

bool object_tracker_quiet_count(struct object_tracker *tracker, const struct log_sink *sink,
                                bool by_serial, uint64_t key, int64_t delta, int64_t count,
                                uint64_t tid)
{
    /* The commonest: an object of the serial cache, changed by the last thread seen. */
    if (by_serial && tid == tracker->last_tid && tracker->last_tid_id != 0) {
        uint32_t record = cached_by_serial(tracker, key);
        if (record != NO_RECORD)
            return apply_quiet(sink, &tracker->records[record], delta, count,
                               tracker->last_tid_id);
    }
    return quiet_count_looked_up(tracker, sink, by_serial, key, delta, count, tid);
}

size_t object_tracker_quiet_run(struct object_tracker *tracker, const struct log_sink *sink,
                                const struct quiet_change *changes, size_t count, uint64_t tid)
{
    /* wants_quiet_change's question, asked once: stores to the records could change the
     * sink for all the compiler knows, and it would be read again for every change. */
    if (!sink->lives_only)
        return 0;
    enum log_follow follow = sink->follow;
    uint64_t followed = sink->follow_key;
    size_t i;
    for (i = 0; i < count; i++) {
        const struct quiet_change *change = &changes[i];
        /* object_tracker_quiet_count's commonest case, inline */
        uint32_t record = tid == tracker->last_tid && tracker->last_tid_id != 0
                              ? cached_by_serial(tracker, change->serial)
                              : NO_RECORD;
        if (record == NO_RECORD) {
            if (!quiet_count_looked_up(tracker, sink, true, change->serial, change->delta,
                                       change->count, tid))
                break;
            continue;
        }
        struct live_record *r = &tracker->records[record];
        uint32_t flags = r->tid_and_flags;
        if ((flags & FLAG_NOMINAL) ||
            (follow == LOG_FOLLOW_SERIAL && r->serial == followed) ||
            (follow == LOG_FOLLOW_ADDRESS && r->address == followed))
            break;
        flags = with_thread(flags, tracker->last_tid_id);
        bool checked = !(flags & FLAG_SHARED);
        if (change->count <= 0 || (checked && change->count != r->count + change->delta))
            break;
        r->tid_and_flags = flags;
        r->count = change->count;
    }
    return i;
}

uint32_t object_tracker_find_address(const struct object_tracker *tracker, uint64_t address,
                                     int64_t *count)
{
    uint32_t record = index_find(tracker, &tracker->by_address, address);
    if (record == NO_RECORD)
        return 0;
    *count = tracker->records[record].count;
    return record + 1;
}

/* object_tracker_quiet_count_from's change of R by a thread the thread cache does not
 * hold: out of line, so that the commonest call saves and restores no register. */
static __attribute__((noinline)) bool quiet_from_new_thread(struct object_tracker *tracker,
                                                            const struct log_sink *sink,
                                                            struct live_record *r,
                                                            int64_t delta, uint64_t tid)
{
    return apply_quiet(sink, r, delta, r->count + delta, quiet_tid_id(tracker, r, tid));
}

bool object_tracker_quiet_count_from(struct object_tracker *tracker,
                                     const struct log_sink *sink, uint64_t address,
                                     int64_t count_before, int64_t delta, uint64_t tid)
{
    /* index_find and quiet_tid_id, written out for the commonest line of a big log. */
    const struct record_index *index = &tracker->by_address;
    if (!index->slots)
        return false;
    uint32_t hash = key_hash(address);
    struct live_record *r;
    for (size_t i = hash & index->mask;; i = (i + 1) & index->mask) {
        const struct index_slot *slot = &index->slots[i];
        if (slot->record == 0)
            return false;
        r = &tracker->records[slot->record - 1];
        if (slot->hash == hash && r->address == address)
            break;
    }
    if (r->count != count_before)
        return false;
    uint32_t thread = 0;
    if (!(r->tid_and_flags & FLAG_SHARED)) {
        /* tid_id's, when the thread cache holds TID (an id there is never 0) */
        thread = tracker->tid_cache[tid % TID_CACHE].tid == tid
                     ? tracker->tid_cache[tid % TID_CACHE].id
                     : 0;
        if (thread == 0)
            return quiet_from_new_thread(tracker, sink, r, delta, tid);
        tracker->last_tid = tid;
        tracker->last_tid_id = thread;
    }
    return apply_quiet(sink, r, delta, count_before + delta, thread);
}

bool object_tracker_quiet_count_hinted(struct object_tracker *tracker,
                                       const struct log_sink *sink, uint32_t hint,
                                       uint64_t address, int64_t delta, int64_t count,
                                       uint64_t tid)
{
    uint32_t record = find_hinted(tracker, address, hint);
    if (record == NO_RECORD)
        return false;
    struct live_record *r = &tracker->records[record];
    return apply_quiet(sink, r, delta, count, quiet_tid_id(tracker, r, tid));
}

/* The two commonest lines of an Asterisk log that a reading of lives delivers, applied as
 * object_tracker_apply applies them, less its tests of what cannot be so then: the
 * format has looked the address up already (object_tracker_find_address), and no log
 * serial, alloc-log line or nominal object is about. */

/* The slot of the by_address index that holds ADDRESS (of hash HASH): its index, and
 * *FOUND true; else the first empty slot of its probe, where index_add would put it. */
static inline size_t address_probe(const struct object_tracker *tracker, uint64_t address,
                                   uint32_t hash, bool *found)
{
    const struct record_index *index = &tracker->by_address;
    for (size_t i = hash & index->mask;; i = (i + 1) & index->mask) {
        const struct index_slot *slot = &index->slots[i];
        if (slot->record == 0) {
            *found = false;
            return i;
        }
        if (slot->hash == hash && tracker->records[slot->record - 1].address == address) {
            *found = true;
            return i;
        }
    }
}

bool object_tracker_birth_at_address(struct object_tracker *tracker, struct log_event *event,
                                     uint32_t *class_id_cache, struct log_sink *sink)
{
    struct record_index *index = &tracker->by_address;
    uint64_t address = event->address_value;
    uint32_t hash = key_hash(address);
    bool found = false;
    size_t empty = index->slots ? address_probe(tracker, address, hash, &found) : 0;
    if (found || event->count <= 0)
        return false;
    event->anomaly = NULL;
    event->first_seen = false;
    /* start_object's, the index slot being known */
    uint32_t record = new_filled_record(tracker, address, false, event, class_id_cache);
    if (index->slots && (index->count + 1) * 4 <= (index->mask + 1) * 3) {
        index->slots[empty] = (struct index_slot){record + 1, hash};
        index->count++;
    } else {
        index_add(tracker, index, record);
    }
    set_address_destroyed(tracker, address, false);
    tracker->records[record].count = event->count;
    event->op = LOG_OP_NEW;
    describe(tracker, record, event);
    deliver(tracker, record, event, sink);
    return true;
}

bool object_tracker_death_at_address(struct object_tracker *tracker, struct log_event *event,
                                     struct log_sink *sink)
{
    struct record_index *index = &tracker->by_address;
    uint64_t address = event->address_value;
    bool found = false;
    size_t at = index->slots ? address_probe(tracker, address, key_hash(address), &found) : 0;
    if (!found)
        return false;
    uint32_t record = index->slots[at].record - 1;
    struct live_record *r = &tracker->records[record];
    int64_t count_before = r->count;
    if (count_before + event->delta > 0)
        return false;
    event->anomaly = NULL;
    event->first_seen = false;
    if (!(r->tid_and_flags & FLAG_SHARED))
        r->tid_and_flags = with_thread(r->tid_and_flags, tid_id(tracker, event->tid));
    bool check_count = !(r->tid_and_flags & (FLAG_SHARED | FLAG_NOMINAL));
    if (count_before + event->delta != 0 && check_count)
        note(tracker, event, "destroyed while its count was %" PRId64 ": an event is missing",
             count_before);
    r->count = 0;
    event->op = LOG_OP_DESTROY;
    describe(tracker, record, event);
    deliver(tracker, record, event, sink);
    set_address_destroyed(tracker, address, true);
    /* forget_tracked's, the index slot being known (the sink changes no index) */
    index_remove_slot(index, &index->slots[at]);
    free_record(tracker, record);
    return true;
}

/* For qsort, which passes no context: the records being sorted. */
static const struct live_record *sorted_records;

static int by_serial_order(const void *a, const void *b)
{
    uint64_t x = sorted_records[*(const uint32_t *)a].serial;
    uint64_t y = sorted_records[*(const uint32_t *)b].serial;
    return (x > y) - (x < y);
}

/* The live records with all of FLAGS, in serial order; COUNT of them. */
static uint32_t *records_in_serial_order(const struct object_tracker *tracker, uint32_t flags,
                                         size_t *count)
{
    uint32_t *records = xmalloc((tracker->live ? tracker->live : 1) * sizeof *records);
    size_t n = 0;
    for (uint32_t i = 0; i < tracker->record_count; i++)
        if ((tracker->records[i].tid_and_flags & (FLAG_USED | flags)) == (FLAG_USED | flags))
            records[n++] = i;
    sorted_records = tracker->records;
    qsort(records, n, sizeof *records, by_serial_order);
    *count = n;
    return records;
}

void object_tracker_finish(struct object_tracker *tracker, unsigned long last_line,
                           struct log_sink *sink)
{
    /* The records first: ending an object changes the tables being walked. Told in log
     * order. */
    size_t count;
    uint32_t *records = records_in_serial_order(tracker, FLAG_SUCCESSOR, &count);
    for (size_t i = 0; i < count; i++) {
        const struct successor *successor = id_map_find(&tracker->successors,
                                                        (uint64_t)records[i] + 1);
        /* Told where the successor started: that is where the log went wrong. */
        struct log_event there = {.line = successor->line ? successor->line : last_line};
        end_unseen(tracker, &tracker->by_serial, records[i], &there, sink, successor->serial);
    }
    free(records);
}

size_t object_tracker_live_count(const struct object_tracker *tracker)
{
    return tracker->live;
}

uint32_t *object_tracker_live_objects(const struct object_tracker *tracker, size_t *count)
{
    return records_in_serial_order(tracker, 0, count);
}

void object_tracker_view(const struct object_tracker *tracker, uint32_t handle,
                         struct live_object_view *view)
{
    const struct live_record *r = &tracker->records[handle];
    view->serial = r->serial;
    view->address = r->tid_and_flags & FLAG_SPELLED
                        ? id_map_find(&tracker->spellings, (uint64_t)handle + 1)
                        : format_address(view->address_buffer, r->address);
    view->class_name = class_of(tracker, handle);
    view->count = r->count;
}
