/* address_chains.h - the Asterisk lines that wait for an earlier change of their object,
 * by address, looked up on every line of an Asterisk refs log (see asterisk_format.c).
 *
 * Open addressing with the entry itself in the slot: no allocation per address. Only
 * addresses with waiting lines are kept (where an object's chain stands otherwise is the
 * tracker's record of it), so the table is small and stays in the cache. Any address may
 * be a key, 0 included. Slots move when the table grows or a slot is removed: a pointer
 * to one is good only until the next add or remove. */
#ifndef REFSHIM_ADDRESS_CHAINS_H
#define REFSHIM_ADDRESS_CHAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fast_hash.h"

struct pending;

struct address_chain {
    uint64_t address;
    struct pending *first_pending;  /* the lines that wait at this address, in order */
    bool used;                      /* false: an empty slot */
};

struct address_chains {
    struct address_chain *slots;
    size_t mask;                    /* slot count - 1, a power of two; 0 before the first add */
    size_t count;
};

static inline size_t address_chains_home(const struct address_chains *chains, uint64_t address)
{
    return (size_t)fast_hash_mix(address) & chains->mask;
}

/* ADDRESS's waiting lines, or NULL if none waits. */
static inline struct address_chain *address_chains_find(const struct address_chains *chains,
                                                        uint64_t address)
{
    if (!chains->slots)
        return NULL;
    for (size_t i = address_chains_home(chains, address);; i = (i + 1) & chains->mask) {
        struct address_chain *slot = &chains->slots[i];
        if (!slot->used)
            return NULL;
        if (slot->address == address)
            return slot;
    }
}

/* A new entry, with no line yet, for ADDRESS, which has none. */
struct address_chain *address_chains_add(struct address_chains *chains, uint64_t address);
/* Removes CHAIN, a slot of CHAINS. */
void address_chains_remove(struct address_chains *chains, struct address_chain *chain);
void address_chains_free(struct address_chains *chains);

#endif
