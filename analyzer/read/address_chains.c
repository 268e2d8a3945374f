/* address_chains.c - growth, insertion and removal for address_chains.h. */
#include "address_chains.h"

#include <stdlib.h>

#include "alloc.h"
#include "id_map.h"

enum { FIRST_SLOTS = 1024 };

static struct address_chain *place(struct address_chains *chains,
                                   const struct address_chain *chain)
{
    size_t i = address_chains_home(chains, chain->address);
    while (chains->slots[i].used)
        i = (i + 1) & chains->mask;
    chains->slots[i] = *chain;
    return &chains->slots[i];
}

/* Kept at most half full, so that probes stay short. */
static void grow(struct address_chains *chains)
{
    struct address_chain *old = chains->slots;
    size_t old_count = old ? chains->mask + 1 : 0;
    size_t capacity = old ? old_count * 2 : FIRST_SLOTS;
    chains->slots = xcalloc(capacity, sizeof *chains->slots);
    chains->mask = capacity - 1;
    for (size_t i = 0; i < old_count; i++)
        if (old[i].used)
            place(chains, &old[i]);
    free(old);
}

struct address_chain *address_chains_add(struct address_chains *chains, uint64_t address)
{
    if (!chains->slots || (chains->count + 1) * 2 > chains->mask + 1)
        grow(chains);
    chains->count++;
    return place(chains, &(struct address_chain){.address = address, .used = true});
}

/* Without tombstones: the slots after the hole that could live in it move back, so
 * that every lookup still stops at the first empty slot. */
void address_chains_remove(struct address_chains *chains, struct address_chain *chain)
{
    size_t hole = (size_t)(chain - chains->slots);
    chains->slots[hole].used = false;
    chains->count--;
    for (size_t i = (hole + 1) & chains->mask; chains->slots[i].used; i = (i + 1) & chains->mask) {
        if (probe_fills_hole(hole, i, address_chains_home(chains, chains->slots[i].address))) {
            chains->slots[hole] = chains->slots[i];
            chains->slots[i].used = false;
            hole = i;
        }
    }
}

void address_chains_free(struct address_chains *chains)
{
    free(chains->slots);
    *chains = (struct address_chains){0};
}
