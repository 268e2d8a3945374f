/* id_map.c - growth, insertion and removal for id_map.h's map and set. */
#include "id_map.h"

#include <stdlib.h>

#include "alloc.h"

enum { FIRST_SLOTS = 256 };

static size_t home_of(const struct id_map *map, uint64_t id)
{
    return (size_t)fast_hash_mix(id) & map->mask;
}

static void place(struct id_map *map, uint64_t id, void *value)
{
    size_t i = home_of(map, id);
    while (map->slots[i].id != 0)
        i = (i + 1) & map->mask;
    map->slots[i] = (struct id_slot){id, value};
}

/* Kept at most half full, so that probes stay short. */
static void grow(struct id_map *map)
{
    struct id_slot *old = map->slots;
    size_t old_count = old ? map->mask + 1 : 0;
    size_t capacity = old ? old_count * 2 : FIRST_SLOTS;
    map->slots = xcalloc(capacity, sizeof *map->slots);
    map->mask = capacity - 1;
    for (size_t i = 0; i < old_count; i++)
        if (old[i].id != 0)
            place(map, old[i].id, old[i].value);
    free(old);
}

void id_map_add(struct id_map *map, uint64_t id, void *value)
{
    if (!map->slots || (map->count + 1) * 2 > map->mask + 1)
        grow(map);
    place(map, id, value);
    map->count++;
}

/* Without tombstones: the slots after the hole that could live in it move back, so
 * that every lookup still stops at the first empty slot. */
void id_map_remove(struct id_map *map, uint64_t id)
{
    if (!map->slots || id == 0)
        return;
    size_t hole = home_of(map, id);
    while (map->slots[hole].id != id) {
        if (map->slots[hole].id == 0)
            return;
        hole = (hole + 1) & map->mask;
    }
    map->slots[hole].id = 0;
    map->count--;
    for (size_t i = (hole + 1) & map->mask; map->slots[i].id != 0; i = (i + 1) & map->mask) {
        if (probe_fills_hole(hole, i, home_of(map, map->slots[i].id))) {
            map->slots[hole] = map->slots[i];
            map->slots[i].id = 0;
            hole = i;
        }
    }
}

void id_map_free(struct id_map *map)
{
    free(map->slots);
    *map = (struct id_map){0};
}

void id_map_free_with(struct id_map *map, void (*free_value)(void *value))
{
    for (size_t i = 0; map->slots && i <= map->mask; i++)
        if (map->slots[i].id != 0)
            free_value(map->slots[i].value);
    id_map_free(map);
}

static void set_place(struct id_set *set, uint64_t id)
{
    size_t i = id_set_home(set, id);
    while (set->slots[i] != 0)
        i = (i + 1) & set->mask;
    set->slots[i] = id;
}

void id_set_add(struct id_set *set, uint64_t id)
{
    if (id == 0 || id_set_contains(set, id))
        return;
    if (!set->slots || (set->count + 1) * 3 > (set->mask + 1) * 2) {
        uint64_t *old = set->slots;
        size_t old_count = old ? set->mask + 1 : 0;
        size_t capacity = old ? old_count * 2 : FIRST_SLOTS;
        set->slots = xcalloc(capacity, sizeof *set->slots);
        set->mask = capacity - 1;
        for (size_t i = 0; i < old_count; i++)
            if (old[i] != 0)
                set_place(set, old[i]);
        free(old);
    }
    set_place(set, id);
    set->count++;
}

/* As id_map_remove: no tombstones. */
void id_set_remove(struct id_set *set, uint64_t id)
{
    if (!set->slots || id == 0)
        return;
    size_t hole = id_set_home(set, id);
    while (set->slots[hole] != id) {
        if (set->slots[hole] == 0)
            return;
        hole = (hole + 1) & set->mask;
    }
    set->slots[hole] = 0;
    set->count--;
    for (size_t i = (hole + 1) & set->mask; set->slots[i] != 0; i = (i + 1) & set->mask) {
        if (probe_fills_hole(hole, i, id_set_home(set, set->slots[i]))) {
            set->slots[hole] = set->slots[i];
            set->slots[i] = 0;
            hole = i;
        }
    }
}

void id_set_free(struct id_set *set)
{
    free(set->slots);
    *set = (struct id_set){0};
}
