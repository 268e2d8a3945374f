/* The blocks of heap memory, so that the holder scan only counts memory that is still in
 * use: a freed block keeps the pointers it held, and only blocks reachable from a root (or
 * from a logged object) are looked at, as LeakSanitizer does. glibc's malloc chunks are
 * found by walking their headers; memory that does not walk as glibc chunks (another
 * allocator, a mapping of the program's own) is one block. */
#ifndef REFSHIM_HEAP_BLOCKS_H
#define REFSHIM_HEAP_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan_memory.h"

#define BLOCK_FREE_OWNER UINT32_MAX     /* nothing has reached it yet */
#define BLOCK_ROOT_OWNER (UINT32_MAX - 1)
#define BLOCK_DEAD_OWNER (UINT32_MAX - 2) /* a free chunk: never read */

/* 24 bytes: a short program's exit indexes some 8,000 of them, and every page of the
 * table is a page fault. */
struct heap_block {
    uintptr_t start, end;       /* where a pointer finds it */
    uint32_t owner;             /* BLOCK_*_OWNER, or the index of a logged object */
    uint32_t region : 30;       /* index in the scan's regions */
    uint32_t chunk : 1;         /* a malloc chunk (else a whole region) */
    uint32_t next_word : 1;     /* a chunk in use also owns the first word of the next
                                 * chunk's header: its memory ends 8 bytes after END */
};

/* Where the block's memory ends. */
static inline uintptr_t heap_block_scan_end(const struct heap_block *b)
{
    return b->end + (b->next_word ? 8 : 0);
}

struct heap_area {
    uintptr_t start, end;
    size_t first_block, block_count;
    uint32_t *page_first;       /* per page: the first block that ends after its start */
    size_t page_bytes;
};

struct heap_blocks {
    struct heap_block *blocks;
    size_t count, bytes;
    struct heap_area *areas;
    size_t area_count, area_bytes;
    uint64_t *page_bits;        /* pages of the areas, hashed: a quick no */
    uint64_t tcache_key;        /* glibc's mark of a chunk in a tcache, or 0 */
};

/* Indexes the blocks of the REGION_HEAP regions among REGIONS (sorted by address). */
bool heap_blocks_build(struct heap_blocks *heap, const struct scan_region *regions,
                       size_t region_count);
void heap_blocks_free(struct heap_blocks *heap);
/* The index of the block that holds ADDRESS, or SIZE_MAX. */
size_t heap_block_at(const struct heap_blocks *heap, uintptr_t address);

#endif
