/* The stack depot: a trace tree like heaptrack's. A stack node is (parent node, frame), so a
 * new stack costs one s record per frame that is not shared with a stack seen before, and
 * a frame (one return address) is symbolized once for the whole run.
 *
 * Finding a stack's node by walking the tree costs a hash lookup per frame, so whole stacks
 * are also kept by a hash of their return addresses: once globally (under depot_lock), and
 * in a small cache per thread that needs no lock at all. A new stack is walked only below
 * the outer frames it shares with the last new stack of its thread, whose nodes that
 * thread remembers. Definitions are written to the log before the number is handed out, so
 * a record that uses a number always comes after its definition in the file. */
#include "depot.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "key_table.h"
#include "log_writer.h"
#include "refshim_log.h"
#include "report.h"
#include "symbolizer.h"
#include "textbuf.h"

#define THREAD_CACHE_SLOTS 1024         /* a power of two */

struct named_entry {            /* modules and classes */
    char *name;
    uint32_t id;
    UT_hash_handle hh;
};

/* A whole stack; immutable once published, so threads may compare against it freely. */
struct stack_entry {
    uint64_t hash;
    uint32_t id;
    int count;
    size_t defined_end;                 /* its definitions end before this log offset */
    struct stack_entry *same_hash;      /* the rare stacks whose hash collides */
    uintptr_t ips[];
};

/* The last new stack a thread interned, outermost frame first, with the node of each depth.
 * The next new stack of the thread nearly always shares its outer frames (the same main,
 * the same loop, the same caller of the hooked function): at a program's start, when most
 * stacks are new, looking up each of their 30 or so frames and nodes anew was half of the
 * depot's time. Deeper frames than PATH_DEPTH are walked as before. */
#define PATH_DEPTH 128
struct last_path {
    unsigned generation;                /* the nodes hold for this generation only */
    int count;
    uintptr_t ips[PATH_DEPTH];
    uint32_t nodes[PATH_DEPTH];
};

struct thread_cache {
    unsigned generation;
    const struct stack_entry *slots[THREAD_CACHE_SLOTS];
    struct last_path path;
};

static pthread_mutex_t depot_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct named_entry *modules, *classes;
static struct key_table frames = KEY_TABLE_INIT;        /* return address -> frame number */
static struct key_table nodes = KEY_TABLE_INIT;         /* parent << 32 | frame -> node number */
static struct key_table stacks = KEY_TABLE_INIT;        /* hash -> struct stack_entry * */
static uint32_t module_count, class_count, frame_count, node_count;
static struct textbuf defs;
static unsigned generation = 1;         /* bumped when cached numbers become invalid */
static __thread struct thread_cache *thread_cache;
static pthread_key_t thread_cache_key;          /* frees a thread's cache when it exits */
static pthread_once_t thread_cache_key_once = PTHREAD_ONCE_INIT;
static bool thread_cache_key_made;

/* Runs in the exiting thread; other destructors that run after it may still log, and
 * then get a new cache. */
static void drop_thread_cache(void *cache)
{
    if (thread_cache == cache)
        thread_cache = NULL;
    free(cache);
}

static void make_thread_cache_key(void)
{
    thread_cache_key_made = pthread_key_create(&thread_cache_key, drop_thread_cache) == 0;
}

static struct thread_cache *new_thread_cache(void)
{
    pthread_once(&thread_cache_key_once, make_thread_cache_key);
    struct thread_cache *cache = calloc(1, sizeof *cache);
    if (cache != NULL && thread_cache_key_made)
        pthread_setspecific(thread_cache_key, cache);
    return cache;
}

static inline uint64_t rotate_left(uint64_t x, int bits)
{
    return (x << bits) | (x >> (64 - bits));
}

/* Cheap on purpose: a match is always confirmed by comparing the addresses. */
/* Four independent lanes: a single rotate-and-xor chain is a 2-cycle dependency per
 * frame (about 13 ns on a 20-frame stack, every event pays it), lanes let the CPU
 * overlap them. The hash only picks cache and table slots; stacks are compared whole.
 * The lanes are four scalars kept in general registers (the empty asm): as an array the
 * compiler made SSE2 code of them, which has no 64-bit rotate (three instructions each)
 * and loaded the lanes right after storing them, a store-forwarding stall: 14 ns of a
 * logged AddRef/Release, 5 now. */
static uint64_t hash_stack(const uintptr_t *ips, int count)
{
    uint64_t a = (uint64_t)count, b = 0x243f6a8885a308d3ull, c = 0x13198a2e03707344ull,
             d = 0xa4093822299f31d0ull;
    int i = 0;
    for (; i + 4 <= count; i += 4) {
        a = rotate_left(a, 7) ^ ips[i];
        b = rotate_left(b, 7) ^ ips[i + 1];
        c = rotate_left(c, 7) ^ ips[i + 2];
        d = rotate_left(d, 7) ^ ips[i + 3];
        __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    }
    for (; i < count; i++)
        a = rotate_left(a, 7) ^ ips[i];
    uint64_t h = a ^ rotate_left(b, 17) ^ rotate_left(c, 31) ^ rotate_left(d, 47);
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

static bool same_stack(const struct stack_entry *s, uint64_t hash, const uintptr_t *ips, int count)
{
    return s->hash == hash && s->count == count && memcmp(s->ips, ips, (size_t)count * sizeof *ips) == 0;
}

static void flush_definitions(void)
{
    if (defs.failed)
        report_once("out of memory; the log misses some definitions");
    else if (defs.len > 0)
        log_write_definitions(defs.data, defs.len);
    textbuf_clear(&defs);
}

/* Returns the number of NAME in *TABLE, adding it (and its record KIND) if new. */
static uint32_t intern_name(struct named_entry **table, uint32_t *counter, char kind, const char *name)
{
    struct named_entry *e;
    HASH_FIND_STR(*table, name, e);
    if (e != NULL)
        return e->id;
    e = calloc(1, sizeof *e);
    if (e == NULL || (e->name = strdup(name)) == NULL) {
        free(e);
        defs.failed = true;
        return 0;
    }
    e->id = ++*counter;
    HASH_ADD_KEYPTR(hh, *table, e->name, strlen(e->name), e);
    textbuf_add_char(&defs, kind);
    textbuf_add_char(&defs, '\t');
    textbuf_add_uint(&defs, e->id);
    textbuf_add_char(&defs, '\t');
    textbuf_add_field(&defs, name, "?");
    textbuf_add_char(&defs, '\n');
    return e->id;
}

/* Module numbers are names like the others; a new module's `m` record also carries its
 * build-id when it has one (doc/log-format.md). */
static uint32_t intern_module(const char *path, const char *build_id)
{
    uint32_t before = module_count;
    uint32_t id = intern_name(&modules, &module_count, REFSHIM_REC_MODULE, path);
    if (module_count != before && build_id != NULL && defs.len > 0 && defs.data[defs.len - 1] == '\n') {
        defs.len--;             /* the record's line end */
        textbuf_add_char(&defs, '\t');
        textbuf_add_field(&defs, build_id, "-");
        textbuf_add_char(&defs, '\n');
    }
    return id;
}

static uint32_t intern_frame(uintptr_t ip)
{
    uint32_t known = (uint32_t)key_table_find(&frames, ip);
    if (known != 0)
        return known;
    struct symbol_info info;
    symbolizer_describe(ip, &info);
    uint32_t module = info.module ? intern_module(info.module, info.build_id) : 0;
    uint32_t id = frame_count + 1;
    if (!key_table_add(&frames, ip, id)) {
        symbol_info_free(&info);
        defs.failed = true;
        return 0;
    }
    frame_count = id;
    textbuf_add_char(&defs, REFSHIM_REC_FRAME);
    textbuf_add_char(&defs, '\t');
    textbuf_add_uint(&defs, id);
    textbuf_add_char(&defs, '\t');
    textbuf_add_uint(&defs, module);
    textbuf_add_char(&defs, '\t');
    textbuf_add_hex(&defs, info.offset);
    textbuf_add_char(&defs, '\t');
    textbuf_add_field(&defs, info.function, "???");
    textbuf_add_char(&defs, '\t');
    textbuf_add_str(&defs, "-");   /* the analyzers find the line from the build-id */
    textbuf_add_char(&defs, '\n');
    symbol_info_free(&info);
    return id;
}

static uint32_t intern_node(uint32_t parent, uint32_t frame)
{
    uint64_t key = (uint64_t)parent << 32 | frame;
    uint32_t known = (uint32_t)key_table_find(&nodes, key);
    if (known != 0)
        return known;
    uint32_t id = node_count + 1;
    if (!key_table_add(&nodes, key, id)) {
        defs.failed = true;
        return parent;
    }
    node_count = id;
    textbuf_add_char(&defs, REFSHIM_REC_STACK);
    textbuf_add_char(&defs, '\t');
    textbuf_add_uint(&defs, id);
    textbuf_add_char(&defs, '\t');
    textbuf_add_uint(&defs, parent);
    textbuf_add_char(&defs, '\t');
    textbuf_add_uint(&defs, frame);
    textbuf_add_char(&defs, '\n');
    return id;
}

/* Under depot_mutex: the node of IPS (COUNT return addresses, innermost first), walked from
 * the outermost frame, the tree's root being main, and from below the frames it shares with
 * PATH (the calling thread's; NULL: none), which it then describes. */
static uint32_t intern_nodes(const uintptr_t *ips, int count, struct last_path *path)
{
    int shared = 0;
    uint32_t node = 0;
    if (path != NULL && path->generation == generation) {
        int limit = count < path->count ? count : path->count;
        while (shared < limit && path->ips[shared] == ips[count - 1 - shared])
            shared++;
        if (shared > 0)
            node = path->nodes[shared - 1];
    }
    for (int depth = shared; depth < count; depth++) {
        uintptr_t ip = ips[count - 1 - depth];
        node = intern_node(node, intern_frame(ip));
        if (path != NULL && depth < PATH_DEPTH) {
            path->ips[depth] = ip;
            path->nodes[depth] = node;
        }
    }
    if (path != NULL) {
        path->generation = generation;
        /* After a failed definition the nodes are not those a later walk would find. */
        path->count = defs.failed ? 0 : count < PATH_DEPTH ? count : PATH_DEPTH;
    }
    return node;
}

/* Under depot_mutex: the whole stack's entry, interned frame by frame when new. */
static const struct stack_entry *intern_stack(uint64_t hash, const uintptr_t *ips, int count,
                                              struct last_path *path)
{
    struct stack_entry *first = (struct stack_entry *)(uintptr_t)key_table_find(&stacks, hash);
    for (struct stack_entry *s = first; s != NULL; s = s->same_hash)
        if (same_stack(s, hash, ips, count))
            return s;
    uint32_t node = intern_nodes(ips, count, path);
    flush_definitions();
    struct stack_entry *s = malloc(sizeof *s + (size_t)count * sizeof *ips);
    if (s == NULL)
        return NULL;
    s->hash = hash;
    s->id = node;
    s->count = count;
    s->defined_end = log_definitions_end();
    if (count > 0)                      /* IPS may be NULL for the empty stack */
        memcpy(s->ips, ips, (size_t)count * sizeof *ips);
    if (first != NULL) {
        s->same_hash = first->same_hash;
        first->same_hash = s;
    } else {
        s->same_hash = NULL;
        if (!key_table_add(&stacks, hash, (uintptr_t)s)) {
            free(s);
            return NULL;                /* its number is in the log; it is not kept */
        }
    }
    return s;
}

static void raise_to(size_t *end, size_t value)
{
    if (*end < value)
        *end = value;
}

uint32_t depot_stack(const uintptr_t *ips, int count, size_t *defined_end)
{
    uint64_t hash = hash_stack(ips, count);
    struct thread_cache *cache = thread_cache;
    unsigned current = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    if (cache == NULL)
        cache = thread_cache = new_thread_cache();
    if (cache != NULL && cache->generation != current) {
        memset(cache->slots, 0, sizeof cache->slots);
        cache->generation = current;
    }
    const struct stack_entry **slot = cache ? &cache->slots[hash & (THREAD_CACHE_SLOTS - 1)] : NULL;
    if (slot != NULL && *slot != NULL && same_stack(*slot, hash, ips, count)) {
        raise_to(defined_end, (*slot)->defined_end);
        return (*slot)->id;
    }
    pthread_mutex_lock(&depot_mutex);
    const struct stack_entry *s = intern_stack(hash, ips, count, cache ? &cache->path : NULL);
    uint32_t id = s ? s->id : 0;
    raise_to(defined_end, s ? s->defined_end : log_definitions_end());
    if (slot != NULL && s != NULL && cache->generation == generation)
        *slot = s;
    pthread_mutex_unlock(&depot_mutex);
    return id;
}

uint32_t depot_class(const char *name, struct class_cache *cache, size_t *defined_end)
{
    unsigned current = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    if (cache != NULL && cache->generation == current && cache->id != 0) {
        raise_to(defined_end, cache->defined_end);
        return cache->id;
    }
    pthread_mutex_lock(&depot_mutex);
    uint32_t id = intern_name(&classes, &class_count, REFSHIM_REC_CLASS, name);
    flush_definitions();
    size_t end = log_definitions_end();
    raise_to(defined_end, end);
    if (cache != NULL) {
        cache->id = id;
        cache->defined_end = end;
        cache->generation = generation;
    }
    pthread_mutex_unlock(&depot_mutex);
    return id;
}

/* Whole stacks may hold any address: after an unload they are all dropped, and rebuilt
 * from the frame and node tables, which keep their numbers, as threads meet them again.
 * Other threads may still be comparing against the dropped entries (their caches notice
 * the new generation only afterwards), so while threads run the entries are kept, not
 * freed: an unload is rare. FREE is for the single thread of a forked child. */
static void free_stack_chain(uint64_t hash, uint64_t value, void *arg)
{
    (void)hash, (void)arg;
    for (struct stack_entry *s = (struct stack_entry *)(uintptr_t)value, *next; s != NULL; s = next) {
        next = s->same_hash;
        free(s);
    }
}

static void forget_stacks(bool free_entries)
{
    if (free_entries)
        key_table_each(&stacks, free_stack_chain, NULL);
    key_table_clear(&stacks);
    __atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
}

struct code_range {
    uintptr_t start, end;
};

static bool outside_range(uint64_t ip, uint64_t id, void *arg)
{
    (void)id;
    const struct code_range *range = arg;
    return !(ip > range->start && ip <= range->end);   /* return addresses: ip - 1 is the call */
}

void depot_forget_frames(uintptr_t start, uintptr_t end)
{
    pthread_mutex_lock(&depot_mutex);
    struct code_range range = {start, end};
    if (!key_table_filter(&frames, outside_range, &range))
        report_once("out of memory; frames of unloaded libraries may keep their old names");
    forget_stacks(false);
    pthread_mutex_unlock(&depot_mutex);
}

void depot_lock(void)
{
    pthread_mutex_lock(&depot_mutex);
}

void depot_unlock(void)
{
    pthread_mutex_unlock(&depot_mutex);
}

static void free_names(struct named_entry **table)
{
    struct named_entry *e, *tmp;
    HASH_ITER(hh, *table, e, tmp) {
        HASH_DEL(*table, e);
        free(e->name);
        free(e);
    }
}

void depot_reset_in_child(void)
{
    free_names(&modules);
    free_names(&classes);
    key_table_clear(&frames);
    key_table_clear(&nodes);
    forget_stacks(true);
    module_count = class_count = frame_count = node_count = 0;
    textbuf_clear(&defs);
    pthread_mutex_init(&depot_mutex, NULL);
}
