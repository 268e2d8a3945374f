/* digest_map.c - growth and insertion of the digest hash table (see digest_map.h). */
#include "digest_map.h"

#include <stdlib.h>

#include "alloc.h"

enum { FIRST_SLOTS = 1024 };

void digest_map_init(struct digest_map *map)
{
    map->slots = NULL;
    map->mask = 0;
    map->count = 0;
}

void digest_map_free(struct digest_map *map)
{
    free(map->slots);
    digest_map_init(map);
}

static struct digest_slot *free_slot(struct digest_slot *slots, size_t mask, struct fast_digest key)
{
    size_t i = (size_t)key.low & mask;
    while (slots[i].used)
        i = (i + 1) & mask;
    return &slots[i];
}

/* Kept at most half full, so that probes stay short. */
static void grow(struct digest_map *map)
{
    size_t capacity = map->slots ? (map->mask + 1) * 2 : FIRST_SLOTS;
    struct digest_slot *slots = xcalloc(capacity, sizeof *slots);
    for (size_t i = 0; map->slots && i <= map->mask; i++)
        if (map->slots[i].used)
            *free_slot(slots, capacity - 1, map->slots[i].key) = map->slots[i];
    free(map->slots);
    map->slots = slots;
    map->mask = capacity - 1;
}

struct digest_slot *digest_map_add(struct digest_map *map, struct fast_digest key, void *value,
                                   uint32_t number)
{
    if (!map->slots || (map->count + 1) * 2 > map->mask + 1)
        grow(map);
    struct digest_slot *slot = free_slot(map->slots, map->mask, key);
    *slot = (struct digest_slot){key, value, number, true};
    map->count++;
    return slot;
}
