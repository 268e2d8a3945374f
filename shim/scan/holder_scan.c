/* The holder scan, as LeakSanitizer scans for malloc blocks, but for the logged objects.
 * The roots are the modules' globals and the threads' stacks; every aligned word in them
 * that points into a logged object is a holder of it (`global NAME`, `stack`), and every
 * word that points into another heap block makes that block reachable: its words are
 * read in turn, and a pointer to an object found there is a `heap` holder. Then each
 * object's own memory (its malloc block, or what its size says) is read, with the blocks
 * only it reaches: a pointer to another object found there is a link `held by`. Memory
 * that nothing reaches (freed blocks, which keep the pointers they held) is never read.
 *
 * From the holders, each object gets one reason, in this order: `global NAME`, `stack`,
 * `heap ...`; objects held only by other objects are `held by (S)...`, unless they hold
 * each other in a strongly connected group that nothing outside it holds: `cycle (S)...`;
 * objects nothing holds are `lost`.
 *
 * Everything that holds object addresses for the scan lives in memory of its own (mmap)
 * that the scan skips, and nothing here calls malloc while object addresses are in hand
 * (not even qsort, which copies into malloc'd memory): a freed copy would be taken for a
 * holder by the next scan. */
#include "holder_scan.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "global_names.h"
#include "guarded_copy.h"
#include "heap_blocks.h"
#include "log_writer.h"
#include "objects.h"
#include "report.h"
#include "scan_memory.h"
#include "snapshot.h"
#include "symbolizer.h"
#include "refshim_log.h"
#include "textbuf.h"

#define NONE UINT32_MAX
#define PAGE_SHIFT 12
#define BITMAP_BITS (1u << 20)
#define MAX_MARKED_PAGES 4096  /* bigger objects are found by pointers to their start */
#define MAX_EDGES (64u << 20)
#define READ_CHUNK (64u * 1024)
#define LISTED_MAX 16           /* serials shown in one reason; then "..." */
#define PAGE_CHECK_MIN (64u * 1024) /* smaller ranges are read without asking which pages are touched */
#define MAX_SHIM_FILES 4096
#define LINE 4096u             /* heap memory read at once, for the small blocks in it */
#define LINES 64

struct scan_object {
    uintptr_t address;
    uintptr_t lo, hi;           /* its memory: its malloc block, else what its size says */
    size_t block;               /* its heap block, or SIZE_MAX */
    uintptr_t table_slot;       /* the shim's own copy of its address */
    uint64_t serial;
    size_t size;
    uintptr_t global_at, heap_at;
    uint32_t global_region, heap_region;
    bool stack;
    uint32_t in_first, in_count;        /* its holders among the objects, in edges */
    uint32_t order, low, component;     /* Tarjan's */
    bool on_stack, outside;
    bool in_cycle;      /* in a group of two or more that only its own members hold */
};

struct edge {
    uint32_t held, holder;
};

struct scan {
    struct scan_object *objects;
    size_t count, objects_bytes;
    struct edge *edges;
    size_t edge_count;
    bool edges_full;
    uint64_t *bitmap;
    struct scan_region *regions;
    size_t region_count, regions_bytes;
    uintptr_t lowest, highest;
    uint64_t *buffer;
    uint64_t bytes_scanned;
    struct heap_blocks heap;
    size_t *work;               /* blocks reached and not yet read */
    size_t work_count, work_bytes;
    struct scan_exclusion *shim_files;  /* libelf's images of the modules */
    size_t shim_file_count;
    uint64_t *lines;            /* copies of heap memory (cached) */
    uintptr_t *line_start, *line_end;
    bool roots_only;            /* the first pass: the roots' own words, no block followed */
    bool reaches_block;         /* in it: the root read last points into a heap block */
    bool *leads_nowhere;        /* per region: a root that reaches no heap block */
    /* The blocks the roots' words point into, in the first pass's order: region I's are
     * reached[reached_from[I]] to reached[reached_from[I + 1]], for the regions before
     * REPLAY_LIMIT (all, unless the list could not grow). */
    uint32_t *reached;
    size_t reached_count, reached_bytes;
    bool reached_lost;          /* the list could not grow: it is not kept */
    size_t *reached_from;
    uint32_t replay_limit;
    size_t unheld;              /* objects with no holder outside the objects found yet */
};

/* Who the memory being read belongs to: a root (then its kind and region say what kind of
 * holder a pointer found in it is), or a logged object. */
struct reader {
    uint32_t holder;            /* BLOCK_ROOT_OWNER or an object's index */
    enum region_kind kind;
    uint32_t region;
};

static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- sorting without malloc -------------------------------------------------------------- */

typedef bool (*before_fn)(const void *a, const void *b);

/* A region is some 300 bytes with its label: swapped a byte at a time, sorting a
 * hundred of them was a sixth of the scan's instructions at a short program's exit. */
static void swap_bytes(char *a, char *b, size_t size)
{
    char t[64];
    for (size_t n; size > 0; a += n, b += n, size -= n) {
        n = size < sizeof t ? size : sizeof t;
        memcpy(t, a, n);
        memcpy(a, b, n);
        memcpy(b, t, n);
    }
}

static void sift_down(char *base, size_t size, size_t root, size_t count, before_fn before)
{
    for (size_t child; (child = 2 * root + 1) < count; root = child) {
        if (child + 1 < count && before(base + child * size, base + (child + 1) * size))
            child++;
        if (!before(base + root * size, base + child * size))
            return;
        swap_bytes(base + root * size, base + child * size, size);
    }
}

static void heap_sort(void *items, size_t count, size_t size, before_fn before)
{
    char *base = items;
    for (size_t i = count / 2; i-- > 0;)
        sift_down(base, size, i, count, before);
    for (size_t end = count; end-- > 1;) {
        swap_bytes(base, base + end * size, size);
        sift_down(base, size, 0, end, before);
    }
}

static bool object_before(const void *a, const void *b)
{
    return ((const struct scan_object *)a)->lo < ((const struct scan_object *)b)->lo;
}

static bool edge_before(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    return x->held != y->held ? x->held < y->held : x->holder < y->holder;
}

static bool region_before(const void *a, const void *b)
{
    return ((const struct scan_region *)a)->start < ((const struct scan_region *)b)->start;
}

/* --- the objects --------------------------------------------------------------------------- */

static void count_logged(struct object *object, void *arg)
{
    if (object->logged && object->introduced)
        ++*(size_t *)arg;
}

static void copy_logged(struct object *object, void *arg)
{
    struct scan *s = arg;
    if (!object->logged || !object->introduced || s->count * sizeof *s->objects >= s->objects_bytes)
        return;
    s->objects[s->count++] = (struct scan_object){
        .address = object->address, .table_slot = (uintptr_t)&object->address,
        .lo = object->address, .serial = object->serial, .size = object->size,
        .block = SIZE_MAX, .global_region = NONE, .heap_region = NONE, .order = NONE};
}

/* The object whose memory holds ADDRESS, or NONE. Objects may nest (an object that is a
 * member of another): the innermost wins. */
static uint32_t object_containing(const struct scan *s, uintptr_t address)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->objects[mid].lo <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, tries = 0; i-- > 0 && tries < 4; tries++)
        if (address < s->objects[i].hi)
            return (uint32_t)i;
    return NONE;
}

/* An object's memory is its malloc block when it starts one (the block then also holds a
 * GObject's private data), else what its size says, else one pointer: then only a pointer
 * to its start finds it. Objects are then sorted by where their memory starts. */
static void set_extents(struct scan *s)
{
    struct heap_blocks *heap = &s->heap;
    for (size_t i = 0; i < s->count; i++) {
        struct scan_object *o = &s->objects[i];
        size_t b = heap_block_at(heap, o->address);
        if (b != SIZE_MAX && heap->blocks[b].chunk && heap->blocks[b].owner == BLOCK_FREE_OWNER &&
            (o->address == heap->blocks[b].start || o->size != 0)) {
            heap->blocks[b].owner = BLOCK_ROOT_OWNER;  /* taken; the index is set below */
            o->block = b;
            o->lo = heap->blocks[b].start;
            o->hi = heap->blocks[b].end;
        } else {
            o->lo = o->address;
            o->hi = o->address + (o->size ? o->size : sizeof(void *));
        }
    }
    heap_sort(s->objects, s->count, sizeof *s->objects, object_before);
    s->lowest = UINTPTR_MAX;
    for (size_t i = 0; i < s->count; i++) {
        struct scan_object *o = &s->objects[i];
        if (o->block != SIZE_MAX)
            heap->blocks[o->block].owner = (uint32_t)i;
        /* A block that holds several objects (GLib's slices) is cut at the next one. */
        if (i + 1 < s->count && s->objects[i + 1].lo < o->hi && s->objects[i + 1].lo > o->lo)
            o->hi = s->objects[i + 1].lo;
        uintptr_t last = (o->hi - 1) >> PAGE_SHIFT;
        if (last - (o->lo >> PAGE_SHIFT) > MAX_MARKED_PAGES)
            last = (o->lo >> PAGE_SHIFT) + MAX_MARKED_PAGES;
        for (uintptr_t page = o->lo >> PAGE_SHIFT; page <= last; page++)
            s->bitmap[(page % BITMAP_BITS) / 64] |= 1ull << (page % 64);
        if (o->lo < s->lowest)
            s->lowest = o->lo;
        if (o->hi > s->highest)
            s->highest = o->hi;
    }
}

/* --- the scan ------------------------------------------------------------------------------ */

static void add_edge(struct scan *s, uint32_t holder, uint32_t held)
{
    if (s->edge_count > 0 && s->edges[s->edge_count - 1].held == held &&
        s->edges[s->edge_count - 1].holder == holder)
        return;
    if (s->edge_count == MAX_EDGES) {
        s->edges_full = true;
        return;
    }
    s->edges[s->edge_count++] = (struct edge){held, holder};
}

static void note_holder(struct scan *s, const struct reader *r, uint32_t held, uintptr_t location)
{
    struct scan_object *o = &s->objects[held];
    if (location == o->table_slot)
        return;
    if (r->holder != BLOCK_ROOT_OWNER) {
        if (r->holder != held)      /* a pointer to itself keeps nothing alive */
            add_edge(s, r->holder, held);
    } else if (r->kind == REGION_GLOBAL) {
        if (o->global_region == NONE) {
            o->global_at = location;
            o->global_region = r->region;
        }
    } else if (r->kind == REGION_STACK) {
        o->stack = true;
    } else if (o->heap_region == NONE) {
        o->heap_at = location;
        o->heap_region = r->region;
        if (o->global_region == NONE && !o->stack)
            s->unheld--;
    }
}


static void claim_block(struct scan *s, const struct reader *r, size_t b)
{
    if (s->heap.blocks[b].owner != BLOCK_FREE_OWNER)
        return;
    s->heap.blocks[b].owner = r->holder;
    s->work[s->work_count++] = b;
}

static void reach_block(struct scan *s, const struct reader *r, uintptr_t value)
{
    size_t b = heap_block_at(&s->heap, value);
    if (b != SIZE_MAX)
        claim_block(s, r, b);
}

/* In the first pass: a root's word points into block B. */
static void note_reached(struct scan *s, size_t b)
{
    s->reaches_block = true;
    if (s->reached_lost)
        return;
    if (!scan_grow((void **)&s->reached, &s->reached_bytes,
                   (s->reached_count + 1) * sizeof *s->reached)) {
        s->reached_lost = true;
        return;
    }
    s->reached[s->reached_count++] = (uint32_t)b;
}

static void scan_words(struct scan *s, const struct reader *r, uintptr_t at,
                       const uint64_t *memory, size_t words)
{
    uintptr_t lowest = s->lowest, span = s->highest - s->lowest;
    const uint64_t *bitmap = s->bitmap;
    for (size_t i = 0; i < words; i++) {
        uintptr_t value = memory[i];
        if (value < 4096)
            continue;
        if (value - lowest < span) {
            uintptr_t page = value >> PAGE_SHIFT;
            if (bitmap[(page % BITMAP_BITS) / 64] & (1ull << (page % 64))) {
                uint32_t held = object_containing(s, value);
                if (held != NONE) {
                    note_holder(s, r, held, at + i * sizeof(uintptr_t));
                    continue;
                }
            }
        }
        if (!s->roots_only) {
            reach_block(s, r, value);
        } else {
            size_t b = heap_block_at(&s->heap, value);
            if (b != SIZE_MAX)
                note_reached(s, b);
        }
    }
}

/* A block of a few words is read from a copy of the heap memory around it: one read for
 * the many blocks of a line, where a read each was most of the scan. The copies are lines
 * of LINE bytes, LINES of them, each kept in the slot its address picks; a line is copied
 * from REGION only, up to an unreadable page or the scan's own memory. NULL when
 * [AT, AT + LEN) is not in one line. */
static const uint64_t *cached(struct scan *s, const struct scan_region *region, uintptr_t at,
                              size_t len)
{
    uintptr_t start = at & ~(uintptr_t)(LINE - 1);
    if (s->lines == NULL || at + len > start + LINE)
        return NULL;
    size_t slot = (start / LINE) % LINES;
    uint64_t *copy = s->lines + slot * (LINE / sizeof(uint64_t));
    if (s->line_start[slot] != start || s->line_end[slot] < at + len) {
        uintptr_t from = start > region->start ? start : region->start;
        uintptr_t to = start + LINE < region->end ? start + LINE : region->end;
        const struct scan_exclusion *own = scan_own_range_after(from, to);
        if (own != NULL)
            return NULL;
        size_t got = scan_read(from, copy + (from - start) / sizeof(uint64_t), to - from);
        s->line_start[slot] = start;
        s->line_end[slot] = from + got;
        if (from > at || from + got < at + len) {
            s->line_end[slot] = 0;
            return NULL;
        }
    }
    return copy + (at - start) / sizeof(uint64_t);
}

/* Reads [START, END) but the scan's own memory, which may have been mapped there since
 * the regions were listed. REGION: the heap region of a block in it, else NULL. */
static void scan_range(struct scan *s, const struct reader *r, uintptr_t start, uintptr_t end,
                       const struct scan_region *region)
{
    uintptr_t at = (start + 7) & ~(uintptr_t)7;
    if (at >= end)
        return;
    /* Copied in place, a block costs no system call: a line's copy would only add to it. */
    const uint64_t *copy = region != NULL && !guarded_copy_active()
                               ? cached(s, region, at, (end - at) & ~(uintptr_t)7)
                               : NULL;
    if (copy != NULL) {
        s->bytes_scanned += (end - at) & ~(uintptr_t)7;
        scan_words(s, r, at, copy, (end - at) / sizeof(uintptr_t));
        return;
    }
    bool check_pages = region != NULL && region->anonymous && end - start >= PAGE_CHECK_MIN;
    while (at + sizeof(uintptr_t) <= end) {
        const struct scan_exclusion *own = scan_own_range_after(at, end);
        if (own != NULL && own->start <= at) {
            at = (own->end + 7) & ~(uintptr_t)7;
            continue;
        }
        uintptr_t stop = own != NULL ? own->start : end;
        size_t want = stop - at < READ_CHUNK ? stop - at : READ_CHUNK;
        if (check_pages) {
            bool untouched;
            size_t run = scan_page_run(at, at + want, &untouched);
            if (untouched) {            /* zeros: nothing to find */
                at += run;
                continue;
            }
            want = run;
        }
        size_t got = scan_read(at, s->buffer, want);
        s->bytes_scanned += got;
        scan_words(s, r, at, s->buffer, got / sizeof(uintptr_t));
        if (got < want)             /* an unreadable page: go on after it */
            got = ((at + got) | 4095) + 1 - at;
        at += got;
    }
}

/* Breadth first: the blocks a root points into, then those they point into, and so on. An
 * object's heap holder is then one of the nearest to the roots (the shortest answer to
 * "why is it alive"), and the scan stops sooner: depth first, gst-launch's exit read 0.55
 * to 1.4 MB of heap before its one heap-held object was found, breadth first 0.23 MB.
 * Followed to the end (an object's own blocks), both reach the same blocks. */
static void drain(struct scan *s, const struct reader *from)
{
    size_t next = 0;
    while (next < s->work_count && s->unheld > 0) {
        const struct heap_block *b = &s->heap.blocks[s->work[next++]];
        struct reader r = {from->holder, REGION_HEAP, b->region};
        scan_range(s, &r, b->start, heap_block_scan_end(b), &s->regions[b->region]);
    }
    s->work_count = 0;
}

/* The first pass (FOLLOW_BLOCKS false) notes which blocks each root's words point into:
 * the second, which follows blocks, takes them from that list instead of reading the
 * roots again, and passes by the roots that reach none. A pointer into an object is a holder in the first pass already. */
static void scan_roots(struct scan *s, bool follow_blocks)
{
    uint32_t i = 0;
    for (; i < s->region_count && s->unheld > 0; i++) {
        const struct scan_region *region = &s->regions[i];
        if (!follow_blocks)
            s->reached_from[i] = s->reached_count;
        if (region->kind == REGION_HEAP || (follow_blocks && s->leads_nowhere[i]))
            continue;
        struct reader r = {BLOCK_ROOT_OWNER, region->kind, i};
        if (follow_blocks && i < s->replay_limit) {
            for (size_t k = s->reached_from[i]; k < s->reached_from[i + 1]; k++)
                claim_block(s, &r, s->reached[k]);
            drain(s, &r);
            continue;
        }
        s->reaches_block = false;
        scan_range(s, &r, region->start, region->end, NULL);
        if (follow_blocks)
            drain(s, &r);
        else
            s->leads_nowhere[i] = !s->reaches_block;
    }
    if (!follow_blocks) {
        s->reached_from[i] = s->reached_count;
        s->replay_limit = s->reached_lost ? 0 : i;
    }
}

/* A global or a stack holder wins over any other, and the roots alone say which objects
 * have one: a first pass reads only them. The heap blocks the roots reach are followed
 * only for the objects left, breadth first from each root in turn (drain), and no further
 * than the last of them needs: the objects' own memory
 * is read (for the links between them) only when some object has no holder outside the
 * objects, since only its reason is made of those links. */
static bool scan_all(struct scan *s)
{
    s->leads_nowhere = scan_alloc((s->region_count + 1) * sizeof *s->leads_nowhere);
    s->reached_from = scan_alloc((s->region_count + 1) * sizeof *s->reached_from);
    if (s->leads_nowhere == NULL || s->reached_from == NULL)
        return false;
    s->unheld = s->count;
    s->roots_only = true;
    scan_roots(s, false);
    s->roots_only = false;
    s->unheld = 0;
    for (uint32_t i = 0; i < s->count; i++)
        if (s->objects[i].global_region == NONE && !s->objects[i].stack)
            s->unheld++;
    scan_roots(s, true);
    if (s->unheld == 0)
        return true;
    s->unheld = SIZE_MAX;       /* from here, every link counts: no early end */
    for (uint32_t i = 0; i < s->count; i++) {
        const struct scan_object *o = &s->objects[i];
        struct reader r = {i, REGION_HEAP, NONE};
        const struct heap_block *b = o->block != SIZE_MAX ? &s->heap.blocks[o->block] : NULL;
        scan_range(s, &r, o->lo, b != NULL && o->hi == b->end ? heap_block_scan_end(b) : o->hi,
                   b != NULL ? &s->regions[b->region] : NULL);
        drain(s, &r);
    }
    return true;
}

/* --- reasons ------------------------------------------------------------------------------- */

static void link_holders(struct scan *s)
{
    heap_sort(s->edges, s->edge_count, sizeof *s->edges, edge_before);
    size_t kept = 0;
    for (size_t i = 0; i < s->edge_count; i++)
        if (kept == 0 || s->edges[kept - 1].held != s->edges[i].held ||
            s->edges[kept - 1].holder != s->edges[i].holder)
            s->edges[kept++] = s->edges[i];
    s->edge_count = kept;
    for (size_t i = 0; i < s->count; i++)
        s->objects[i].in_first = s->objects[i].in_count = 0;
    for (size_t i = kept; i-- > 0;) {
        struct scan_object *o = &s->objects[s->edges[i].held];
        o->in_first = (uint32_t)i;
        o->in_count++;
    }
    for (size_t i = 0; i < s->count; i++) {
        struct scan_object *o = &s->objects[i];
        o->outside = o->global_region != NONE || o->stack || o->heap_region != NONE;
    }
}

/* Tarjan's strongly connected components among the objects that nothing outside the
 * objects holds, following holder links; iterative, since groups can be long chains. */
struct tarjan {
    uint32_t *stack, *calls, *call_edge;
    size_t depth, calls_depth;
    uint32_t next_order, components;
};

static void tarjan_visit(struct scan *s, struct tarjan *t, uint32_t root)
{
    t->calls[0] = root;
    t->call_edge[0] = 0;
    t->calls_depth = 1;
    s->objects[root].order = s->objects[root].low = t->next_order++;
    s->objects[root].on_stack = true;
    t->stack[t->depth++] = root;
    while (t->calls_depth > 0) {
        uint32_t v = t->calls[t->calls_depth - 1];
        struct scan_object *o = &s->objects[v];
        uint32_t *k = &t->call_edge[t->calls_depth - 1];
        if (*k < o->in_count) {
            uint32_t w = s->edges[o->in_first + (*k)++].holder;
            struct scan_object *h = &s->objects[w];
            if (h->outside)
                continue;
            if (h->order == NONE) {
                h->order = h->low = t->next_order++;
                h->on_stack = true;
                t->stack[t->depth++] = w;
                t->calls[t->calls_depth] = w;
                t->call_edge[t->calls_depth++] = 0;
            } else if (h->on_stack && h->order < o->low) {
                o->low = h->order;
            }
            continue;
        }
        if (o->low == o->order) {
            uint32_t w;
            do {
                w = t->stack[--t->depth];
                s->objects[w].on_stack = false;
                s->objects[w].component = t->components;
            } while (w != v);
            t->components++;
        }
        t->calls_depth--;
        if (t->calls_depth > 0) {
            struct scan_object *parent = &s->objects[t->calls[t->calls_depth - 1]];
            if (o->low < parent->low)
                parent->low = o->low;
        }
    }
}

/* A component is a closed cycle when it has two members or more and every holder of each
 * member is a member. SIZES and OPEN have room for one entry per object. */
static void mark_closed_cycles(struct scan *s, uint32_t *sizes, uint32_t *open)
{
    memset(sizes, 0, s->count * sizeof *sizes);
    memset(open, 0, s->count * sizeof *open);
    for (size_t i = 0; i < s->count; i++) {
        const struct scan_object *m = &s->objects[i];
        if (m->outside)
            continue;
        sizes[m->component]++;
        for (uint32_t e = 0; e < m->in_count; e++) {
            const struct scan_object *h = &s->objects[s->edges[m->in_first + e].holder];
            if (h->outside || h->component != m->component)
                open[m->component] = 1;
        }
    }
    for (size_t i = 0; i < s->count; i++) {
        struct scan_object *m = &s->objects[i];
        m->in_cycle = !m->outside && sizes[m->component] >= 2 && !open[m->component];
    }
}

static bool find_components(struct scan *s)
{
    size_t bytes = 3 * (s->count + 1) * sizeof(uint32_t);
    uint32_t *memory = scan_alloc(bytes);
    if (memory == NULL)
        return false;
    struct tarjan t = {memory, memory + s->count + 1, memory + 2 * (s->count + 1), 0, 0, 0, 0};
    for (uint32_t i = 0; i < s->count; i++)
        if (!s->objects[i].outside && s->objects[i].order == NONE)
            tarjan_visit(s, &t, i);
    mark_closed_cycles(s, memory, memory + s->count + 1);
    scan_free(memory, bytes);
    return true;
}

static void add_serial(struct textbuf *b, uint64_t serial, unsigned *listed)
{
    if (++*listed > LISTED_MAX) {
        if (*listed == LISTED_MAX + 1)
            textbuf_add_str(b, " ...");
        return;
    }
    textbuf_add_str(b, " (");
    textbuf_add_uint(b, serial);
    textbuf_add_char(b, ')');
}

static void write_cycle(const struct scan *s, const struct scan_object *o, struct textbuf *b)
{
    textbuf_add_str(b, "cycle");
    unsigned listed = 0;
    for (size_t i = 0; i < s->count; i++) {
        const struct scan_object *m = &s->objects[i];
        if (m != o && m->in_cycle && m->component == o->component)
            add_serial(b, m->serial, &listed);
    }
}

static void write_reason(const struct scan *s, const struct scan_object *o, struct textbuf *b)
{
    if (o->global_region != NONE) {
        const struct scan_region *r = &s->regions[o->global_region];
        char name[320];
        global_name(r->label, r->module_bias, o->global_at, name, sizeof name);
        textbuf_add_str(b, "global ");
        textbuf_add_field(b, name, "?");
    } else if (o->stack) {
        textbuf_add_str(b, "stack");
    } else if (o->heap_region != NONE) {
        textbuf_add_str(b, "heap ");
        textbuf_add_hex(b, o->heap_at);
        textbuf_add_str(b, " in ");
        textbuf_add_field(b, s->regions[o->heap_region].label, "?");
    } else if (o->in_count == 0) {
        textbuf_add_str(b, "lost");
    } else if (o->in_cycle) {
        write_cycle(s, o, b);
    } else {
        textbuf_add_str(b, "held by");
        unsigned listed = 0;
        for (uint32_t e = 0; e < o->in_count; e++)
            add_serial(b, s->objects[s->edges[o->in_first + e].holder].serial, &listed);
    }
}

/* --- writing ------------------------------------------------------------------------------- */

/* The mark and its records in one write, so that a reader of a running program's log
 * sees a snapshot whole or not at all. */
static void write_records(const struct scan *s, uint64_t mark, long micros)
{
    uint64_t last_serial = 0;
    for (size_t i = 0; i < s->count; i++)
        if (s->objects[i].serial > last_serial)
            last_serial = s->objects[i].serial;
    char head[160];
    snprintf(head, sizeof head, "# scan %llu: %zu objects, %llu bytes in %ld us\n%c\t%llu\t%llu\n",
             (unsigned long long)mark, s->count, (unsigned long long)s->bytes_scanned, micros,
             REFSHIM_REC_MARK, (unsigned long long)mark, (unsigned long long)last_serial);
    struct textbuf text = {0};
    textbuf_add_str(&text, head);
    for (size_t i = 0; i < s->count; i++) {
        textbuf_add_char(&text, REFSHIM_REC_HOLDER);
        textbuf_add_char(&text, '\t');
        textbuf_add_uint(&text, mark);
        textbuf_add_char(&text, '\t');
        textbuf_add_uint(&text, s->objects[i].serial);
        textbuf_add_char(&text, '\t');
        write_reason(s, &s->objects[i], &text);
        textbuf_add_char(&text, '\n');
    }
    global_names_close();
    if (text.failed)
        report("holder scan: out of memory; no holder records");
    else
        log_write(text.data, text.len);
    textbuf_free(&text);
}

/* --- the whole ------------------------------------------------------------------------------ */

static bool gather_objects(struct scan *s)
{
    size_t count = 0;
    objects_each(count_logged, &count);
    s->objects_bytes = (count + 1024) * sizeof *s->objects;
    s->objects = scan_alloc(s->objects_bytes);
    if (s->objects == NULL)
        return false;
    objects_each(copy_logged, s);
    return true;
}

static void release(struct scan *s)
{
    scan_free(s->objects, s->objects_bytes);
    scan_free(s->edges, MAX_EDGES * sizeof *s->edges);
    scan_free(s->regions, s->regions_bytes);
    scan_free(s->bitmap, BITMAP_BITS / 8);
    scan_free(s->buffer, READ_CHUNK);
    scan_free(s->lines, LINES * LINE);
    scan_free(s->line_start, 2 * LINES * sizeof *s->line_start);
    scan_free(s->work, s->work_bytes);
    scan_free(s->leads_nowhere, (s->region_count + 1) * sizeof *s->leads_nowhere);
    scan_free(s->reached_from, (s->region_count + 1) * sizeof *s->reached_from);
    scan_free(s->reached, s->reached_bytes);
    scan_free(s->shim_files, MAX_SHIM_FILES * sizeof *s->shim_files);
    heap_blocks_free(&s->heap);
    scan_pages_close();
}

static void note_shim_file(uintptr_t start, uintptr_t end, void *arg)
{
    struct scan *s = arg;
    if (s->shim_file_count < MAX_SHIM_FILES)
        s->shim_files[s->shim_file_count++] = (struct scan_exclusion){start, end};
}

static long micros_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000000L + (now.tv_nsec - start->tv_nsec) / 1000;
}

/* QUIET_IF_NONE: with no live object, write nothing, so that a process that logged
 * nothing leaves no log (the log file is made at its first record). */
static bool run_scan(struct scan *s, uintptr_t own_sp, uint64_t mark, bool quiet_if_none)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    s->edges = scan_alloc(MAX_EDGES * sizeof *s->edges);
    s->bitmap = scan_alloc(BITMAP_BITS / 8);
    s->buffer = scan_alloc(READ_CHUNK);
    s->lines = scan_alloc(LINES * LINE);        /* without them, blocks are read one by one */
    s->line_start = scan_alloc(2 * LINES * sizeof *s->line_start);
    if (s->lines == NULL || s->line_start == NULL) {
        scan_free(s->lines, LINES * LINE);
        s->lines = NULL;
    } else {
        s->line_end = s->line_start + LINES;
    }
    if (s->edges == NULL || s->bitmap == NULL || s->buffer == NULL || !gather_objects(s))
        return false;
    if (s->count == 0 && quiet_if_none)
        return true;
    s->shim_files = scan_alloc(MAX_SHIM_FILES * sizeof *s->shim_files);
    if (s->shim_files == NULL)
        return false;
    symbolizer_each_file_image(note_shim_file, s);
    if (!scan_memory_regions(own_sp, s->shim_files, s->shim_file_count, &s->regions,
                             &s->region_count, &s->regions_bytes))
        return false;
    heap_sort(s->regions, s->region_count, sizeof *s->regions, region_before);
    if (!heap_blocks_build(&s->heap, s->regions, s->region_count))
        return false;
    s->work_bytes = (s->heap.count + 1) * sizeof *s->work;
    s->work = scan_alloc(s->work_bytes);
    if (s->work == NULL)
        return false;
    if (s->count > 0) {
        set_extents(s);
        if (!scan_all(s))
            return false;
    }
    link_holders(s);
    if (!find_components(s))
        return false;
    if (s->edges_full)
        report("holder scan: too many links between objects; some holders are missing");
    write_records(s, mark, micros_since(&start));
    return true;
}

static bool holders_wanted;    /* REFLOG_HOLDERS */

/* GLib's slice allocator keeps freed slices in pages that stay in use, with the pointers
 * they held: the scan would take them for holders. GLib reads G_SLICE at its first slice,
 * after this; the user's own setting wins. */
void holder_scan_start(const struct config *config)
{
    holders_wanted = config->scan_holders;
    if (!holders_wanted)
        return;
    setenv("G_SLICE", "always-malloc", 0);
    if (config->snapshot_signal != 0)
        snapshot_start(config->snapshot_signal);
}

void holder_scan_run(uint64_t mark)
{
    if (!holders_wanted || !log_is_open())
        return;
    /* Frames below this one are the scan's own, and hold object addresses. */
    __builtin_unwind_init();
    uintptr_t own_sp = (uintptr_t)__builtin_frame_address(0);
    pthread_mutex_lock(&scan_lock);
    /* Memory is copied in place at exit only: a snapshot runs while the program does,
     * which may set its own fault handlers meanwhile. */
    bool in_place = mark == 0 && guarded_copy_begin();
    struct scan s;
    memset(&s, 0, sizeof s);
    if (!run_scan(&s, own_sp, mark, mark == 0))
        report("holder scan: out of memory or /proc unreadable; no holder records");
    /* At exit the scan's memory is left to the kernel, which takes the address space back
     * whole: unmapping its thirty-odd mappings one by one was a tenth of the exit scan. */
    if (mark != 0)
        release(&s);
    else
        scan_pages_close();
    if (in_place)
        guarded_copy_end();
    pthread_mutex_unlock(&scan_lock);
}
