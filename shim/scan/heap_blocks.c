/* Walking glibc's malloc chunks. A chunk starts with two words, the previous chunk's size
 * (when that one is free) and its own size with three flag bits; its memory follows, and
 * the next chunk starts SIZE bytes after it. The main arena's [heap] is one run of chunks
 * up to the top chunk, which ends where the mapping does; a thread arena's heap is a
 * 64 MB-aligned mapping that starts with a heap_info (whose third word is the size in
 * use) and, for the arena's first heap, the arena itself, before its first chunk; a large
 * block is a mapping of its own, one chunk with the IS_MMAPPED bit. A walk counts only if
 * it ends exactly where it must: anything else is one block.
 *
 * Free chunks are never read, since they keep what they held: a chunk whose successor's
 * PREV_INUSE bit is clear, the top chunk, and the chunks in the per-thread caches
 * (tcache), which look in use but carry the process's tcache key in their second word.
 * The key is read from a cached chunk listed in the main thread's tcache, the first chunk
 * of [heap]: 64 counts (16 bits) and 64 list heads, which point at chunks' memory. */
#include "heap_blocks.h"

#include <string.h>

#include "guarded_copy.h"

#define PAGE_SHIFT 12
#define PAGE_BITS (1u << 20)
#define WINDOW (64u * 1024)
#define ARENA_HEAP_ALIGN (64ul << 20)
#define MAX_FIRST_CHUNK_OFFSET 8192

/* Reads words of another part of memory through a window, never faulting; or, in the exit
 * scan (IN_PLACE), where they are, inside guarded_run, which a fault leaves. */
struct word_reader {
    bool in_place;
    uint64_t words[WINDOW / 8];
    uintptr_t start, end;
    /* The end of the region walked: a window stops there. A small region's walk read
     * 64 KB of whatever mapping followed it; a dozen such regions were a quarter of the
     * heap's indexing at a short program's exit. 0: no bound (the tcache's lists). */
    uintptr_t limit;
};

static bool read_word(struct word_reader *r, uintptr_t at, uint64_t *value)
{
    if (r->in_place) {
        *value = guarded_load(at);
        return true;
    }
    if (at < r->start || at + 8 > r->end) {
        size_t want = WINDOW;
        if (r->limit > at && r->limit - at < want)
            want = (r->limit - at + 7) & ~(size_t)7;
        size_t got = scan_read(at, r->words, want);
        r->start = at;
        r->end = at + got;
        if (got < 8)
            return false;
    }
    *value = r->words[(at - r->start) / 8];
    return true;
}

static bool add_block(struct heap_blocks *heap, uintptr_t start, uintptr_t end,
                      bool next_word, uint32_t region, bool chunk, bool dead)
{
    if (!scan_grow((void **)&heap->blocks, &heap->bytes, (heap->count + 1) * sizeof *heap->blocks))
        return false;
    heap->blocks[heap->count++] = (struct heap_block){
        start, end, dead ? BLOCK_DEAD_OWNER : BLOCK_FREE_OWNER, region, chunk, next_word};
    return true;
}

#define TCACHE_BINS 64
#define TCACHE_STRUCT_CHUNK 0x290

static uint64_t find_tcache_key(struct word_reader *reader, const struct scan_region *regions,
                                size_t region_count)
{
    for (size_t i = 0; i < region_count; i++) {
        uint64_t header, counts, head, key;
        uintptr_t tcache = regions[i].start + 16;
        if (strcmp(regions[i].label, "[heap]") != 0 || !read_word(reader, tcache - 8, &header) ||
            (header & ~(uint64_t)7) != TCACHE_STRUCT_CHUNK)
            continue;
        for (unsigned bin = 0; bin < TCACHE_BINS; bin++) {
            if (!read_word(reader, tcache + (bin / 4) * 8, &counts) ||
                ((counts >> (bin % 4) * 16) & 0xffff) == 0)
                continue;
            if (read_word(reader, tcache + 2 * TCACHE_BINS + bin * 8, &head) && head != 0 &&
                read_word(reader, head + 8, &key) && key != 0)
                return key;
        }
    }
    return 0;
}

/* Walks chunks from FIRST to exactly END, adding one block each; false (and nothing added)
 * when the memory does not walk. */
static bool walk_chunks(struct heap_blocks *heap, struct word_reader *reader, uintptr_t first,
                        uintptr_t end, uint32_t region)
{
    size_t before = heap->count;
    uintptr_t chunk = first;
    uint64_t header, second;
    bool ok = read_word(reader, chunk + 8, &header);
    while (ok && chunk + 16 <= end) {
        uint64_t size = header & ~(uint64_t)7;
        if (size < 32 || size % 16 != 0 || size > end - chunk)
            break;
        uintptr_t next = chunk + size;
        bool mmapped = header & 2, last = next == end;
        /* The chunk's own word first, then the next header: read the other way round, a
         * window that had just moved on to the next header went back for the chunk's word,
         * and most of the heap was copied twice. */
        bool tcache_marked = heap->tcache_key != 0 && !mmapped && !last &&
                             read_word(reader, chunk + 24, &second) && second == heap->tcache_key;
        uint64_t next_header = 0;
        if (!last && !read_word(reader, next + 8, &next_header))
            break;
        bool dead = !mmapped && (last || !(next_header & 1) || tcache_marked);
        if (!add_block(heap, chunk + 16, next, !mmapped && !last, region, true, dead))
            break;
        chunk = next;
        header = next_header;
    }
    if (chunk == end && heap->count > before)
        return true;
    heap->count = before;
    return false;
}

static bool walk_arena_heap(struct heap_blocks *heap, struct word_reader *reader,
                            const struct scan_region *r, uint32_t region)
{
    uint64_t in_use;
    if (r->start % ARENA_HEAP_ALIGN != 0 || !read_word(reader, r->start + 16, &in_use) ||
        in_use > r->end - r->start || in_use < 4096)
        return false;
    for (uintptr_t offset = 32; offset < MAX_FIRST_CHUNK_OFFSET; offset += 16)
        if (walk_chunks(heap, reader, r->start + offset, r->start + in_use, region))
            return true;        /* what lies past the size in use holds nothing live */
    return false;
}

/* Whether the region walks as glibc's chunks, [heap] or an arena's heap or large blocks of
 * their own; its blocks are added when it does. */
static bool walk_region(struct heap_blocks *heap, struct word_reader *reader,
                        const struct scan_region *r, uint32_t region)
{
    return walk_chunks(heap, reader, r->start, r->end, region) ||
           walk_arena_heap(heap, reader, r, region);
}

/* Runs RUN(ARG), which reads through READER: inside guarded_run when it reads in place.
 * False when a read faulted and RUN was left there. */
static bool run_reading(const struct word_reader *reader, void (*run)(void *), void *arg)
{
    if (reader->in_place)
        return guarded_run(run, arg);
    run(arg);
    return true;
}

struct region_walk {
    struct heap_blocks *heap;
    struct word_reader *reader;
    const struct scan_region *region;
    uint32_t index;
    bool walked;
};

static void run_region_walk(void *arg)
{
    struct region_walk *w = arg;
    w->walked = walk_region(w->heap, w->reader, w->region, w->index);
}

static void add_region_blocks(struct heap_blocks *heap, struct word_reader *reader,
                              const struct scan_region *r, uint32_t region)
{
    size_t first = heap->count;
    struct region_walk walk = {heap, reader, r, region, false};
    if (!run_reading(reader, run_region_walk, &walk))
        heap->count = first;    /* a page went away under the walk */
    if (!walk.walked)
        add_block(heap, r->start, r->end, false, region, false, false);
}

struct tcache_search {
    struct word_reader *reader;
    const struct scan_region *regions;
    size_t count;
    uint64_t key;
};

static void run_tcache_search(void *arg)
{
    struct tcache_search *t = arg;
    t->key = find_tcache_key(t->reader, t->regions, t->count);
}

/* Sets the bits of COUNT pages from PAGE, a word at a time: an 8 MB region is 2,048
 * pages, and a bit at a time was a tenth of the heap's indexing. */
static void mark_pages(uint64_t *bits, uintptr_t page, size_t count)
{
    if (count > PAGE_BITS)
        count = PAGE_BITS;          /* every bit: the pages wrap around the bitmap */
    while (count > 0) {
        size_t bit = page % PAGE_BITS, shift = bit % 64;
        size_t n = 64 - shift < count ? 64 - shift : count;
        bits[bit / 64] |= (n == 64 ? ~0ull : (1ull << n) - 1) << shift;
        page += n;
        count -= n;
    }
}

static bool index_area(struct heap_blocks *heap, const struct scan_region *r, size_t first)
{
    if (!scan_grow((void **)&heap->areas, &heap->area_bytes,
                   (heap->area_count + 1) * sizeof *heap->areas))
        return false;
    struct heap_area *a = &heap->areas[heap->area_count++];
    a->start = r->start;
    a->end = r->end;
    a->first_block = first;
    a->block_count = heap->count - first;
    size_t pages = ((r->end - r->start) >> PAGE_SHIFT) + 1;
    a->page_bytes = pages * sizeof *a->page_first;
    a->page_first = scan_alloc(a->page_bytes);
    if (a->page_first == NULL)
        return false;
    size_t b = first;
    for (size_t p = 0; p < pages; p++) {
        uintptr_t page_start = r->start + (p << PAGE_SHIFT);
        while (b < heap->count && heap->blocks[b].end <= page_start)
            b++;
        a->page_first[p] = (uint32_t)b;
    }
    mark_pages(heap->page_bits, r->start >> PAGE_SHIFT, pages);
    return true;
}

bool heap_blocks_build(struct heap_blocks *heap, const struct scan_region *regions,
                       size_t region_count)
{
    memset(heap, 0, sizeof *heap);
    heap->page_bits = scan_alloc(PAGE_BITS / 8);
    struct word_reader *reader = scan_alloc(sizeof *reader);
    bool ok = heap->page_bits != NULL && reader != NULL;
    if (ok) {
        /* Copies in place cost no system call: windows would only add to them. */
        reader->in_place = guarded_copy_active();
        struct tcache_search search = {reader, regions, region_count, 0};
        if (!run_reading(reader, run_tcache_search, &search))
            search.key = 0;     /* a list pointed at a page that is gone */
        heap->tcache_key = search.key;
    }
    for (size_t i = 0; ok && i < region_count; i++) {
        if (regions[i].kind != REGION_HEAP)
            continue;
        size_t first = heap->count;
        reader->start = reader->end = 0;
        reader->limit = regions[i].end;
        add_region_blocks(heap, reader, &regions[i], (uint32_t)i);
        ok = heap->count > first && index_area(heap, &regions[i], first);
    }
    scan_free(reader, sizeof *reader);
    return ok;
}

void heap_blocks_free(struct heap_blocks *heap)
{
    for (size_t i = 0; i < heap->area_count; i++)
        scan_free(heap->areas[i].page_first, heap->areas[i].page_bytes);
    scan_free(heap->areas, heap->area_bytes);
    scan_free(heap->blocks, heap->bytes);
    scan_free(heap->page_bits, PAGE_BITS / 8);
    memset(heap, 0, sizeof *heap);
}

size_t heap_block_at(const struct heap_blocks *heap, uintptr_t address)
{
    uintptr_t page = address >> PAGE_SHIFT;
    if (!(heap->page_bits[(page % PAGE_BITS) / 64] & (1ull << (page % 64))))
        return SIZE_MAX;
    size_t lo = 0, hi = heap->area_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (heap->areas[mid].start <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || address >= heap->areas[lo - 1].end)
        return SIZE_MAX;
    const struct heap_area *a = &heap->areas[lo - 1];
    size_t end = a->first_block + a->block_count;
    for (size_t b = a->page_first[(address - a->start) >> PAGE_SHIFT]; b < end; b++) {
        if (heap->blocks[b].end <= address)
            continue;
        return heap->blocks[b].start <= address ? b : SIZE_MAX;
    }
    return SIZE_MAX;
}
