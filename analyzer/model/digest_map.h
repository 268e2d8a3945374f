/* digest_map.h - a hash table from 128-bit digests (fast_hash.h) to a pointer and a
 * small number, for the lookups the readers make once per record.
 *
 * Open addressing in one array: a lookup that hits touches one slot, where a chained
 * table (uthash) walks scattered nodes, each a cache miss once the log's bytes have
 * streamed through the cache. The digests are hashes already, so their low bits pick
 * the slot. The value pointer may be NULL: a slot knows whether it is used. */
#ifndef REFSHIM_DIGEST_MAP_H
#define REFSHIM_DIGEST_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fast_hash.h"

struct digest_slot {
    struct fast_digest key;
    void *value;
    uint32_t number;  /* whatever the owner wants to keep beside the value */
    bool used;
};

struct digest_map {
    struct digest_slot *slots;
    size_t mask;      /* slot count - 1; the count is a power of two */
    size_t count;     /* used slots */
};

void digest_map_init(struct digest_map *map);
void digest_map_free(struct digest_map *map);

/* The slot of KEY, or NULL if KEY was never added. */
static inline struct digest_slot *digest_map_find(const struct digest_map *map,
                                                  struct fast_digest key)
{
    if (!map->slots)
        return NULL;
    for (size_t i = (size_t)key.low & map->mask;; i = (i + 1) & map->mask) {
        struct digest_slot *slot = &map->slots[i];
        if (!slot->used)
            return NULL;
        if (slot->key.low == key.low && slot->key.high == key.high)
            return slot;
    }
}

/* Adds KEY (not in MAP yet) with VALUE and NUMBER; returns its slot, valid until the
 * next add. */
struct digest_slot *digest_map_add(struct digest_map *map, struct fast_digest key, void *value,
                                   uint32_t number);

#endif
