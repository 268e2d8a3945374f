/* id_map.h - a hash table from 64-bit ids (serials, definition numbers) to pointers,
 * for the lookups a reader makes on every event.
 *
 * Open addressing in one array of 16-byte slots: a lookup usually touches one slot,
 * where a chained table (uthash) walks a bucket and a node, each a cache miss once the
 * log's bytes have streamed through the cache. Key 0 marks an empty slot, so 0 is not
 * a valid id (the formats reserve it for "none"). */
#ifndef REFSHIM_ID_MAP_H
#define REFSHIM_ID_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fast_hash.h"

/* The removal rule of linear probing without tombstones, shared by every such table
 * (this one, the object tracker's index of live objects): after a hole, the slot at I
 * whose home is HOME may move back into the hole at HOLE if HOME is not within
 * (HOLE, I], cyclically; then every lookup still stops at the first empty slot. */
static inline bool probe_fills_hole(size_t hole, size_t i, size_t home)
{
    return hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
}

struct id_slot {
    uint64_t id;    /* 0: empty */
    void *value;
};

struct id_map {
    struct id_slot *slots;
    size_t mask;    /* slot count - 1, a power of two; 0 before the first add */
    size_t count;
};

static inline void *id_map_find(const struct id_map *map, uint64_t id)
{
    if (!map->slots || id == 0)
        return NULL;
    for (size_t i = (size_t)fast_hash_mix(id) & map->mask;; i = (i + 1) & map->mask) {
        if (map->slots[i].id == id)
            return map->slots[i].value;
        if (map->slots[i].id == 0)
            return NULL;
    }
}

/* Adds ID (not 0, not in MAP yet) with VALUE. */
void id_map_add(struct id_map *map, uint64_t id, void *value);
/* Removes ID if present. */
void id_map_remove(struct id_map *map, uint64_t id);
void id_map_free(struct id_map *map);
/* Frees each value with FREE_VALUE, then MAP. */
void id_map_free_with(struct id_map *map, void (*free_value)(void *value));

/* A set of ids, 0 excluded: an id_map without values, in half the memory (eight-byte
 * slots, at most two thirds full): the tracker's set of destroyed addresses is as big as
 * the addresses a log freed and no object took since, and is looked at on every
 * construction and destruction. */
struct id_set {
    uint64_t *slots;    /* 0: empty */
    size_t mask;        /* slot count - 1, a power of two; 0 before the first add */
    size_t count;
};

static inline size_t id_set_home(const struct id_set *set, uint64_t id)
{
    return (size_t)fast_hash_mix(id) & set->mask;
}

static inline bool id_set_contains(const struct id_set *set, uint64_t id)
{
    if (!set->slots || id == 0)
        return false;
    for (size_t i = id_set_home(set, id);; i = (i + 1) & set->mask) {
        if (set->slots[i] == id)
            return true;
        if (set->slots[i] == 0)
            return false;
    }
}

/* Adds ID (not 0) if it is not in SET yet. */
void id_set_add(struct id_set *set, uint64_t id);
/* Removes ID if present. */
void id_set_remove(struct id_set *set, uint64_t id);
void id_set_free(struct id_set *set);

#endif
