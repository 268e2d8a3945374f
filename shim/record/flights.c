/* The decks of flights.h: one per thread, claimed from a fixed array on the thread's
 * first hooked call (which may be in a signal handler, where malloc cannot be called)
 * and given back when it exits. A deck is written only by its thread and read by the
 * others only when an event arrives early, so it sits on cache lines of its own.
 *
 * The marks need no lock: a mark goes on before the hooked function changes the count
 * (the release fence keeps that order for a thread that sees the change), and comes off
 * only after the event is recorded under its stripe's lock, which the reader holds. A
 * signal handler that interrupts its thread between the two stores of a push pushes and
 * pops above it; at worst a reader sees an old mark for a moment and waits a little. */
#include "flights.h"

#include <pthread.h>
#include <stddef.h>

#define FLIGHT_DEPTH 12         /* nested hooked calls: a chain of destructors, mostly */
#define DECKS_MAX 1024          /* threads alive at once that made hooked calls */

struct flight_deck {
    uint32_t claimed;           /* atomic */
    uint32_t depth;             /* marks on it, counting those past FLIGHT_DEPTH */
    uint32_t deferred;          /* events its signal handlers queued, not yet recorded */
    uint32_t waiting_before;    /* the count its early event's change started from */
    uintptr_t waiting_on;       /* the object whose earlier event it waits for, or 0 */
    uintptr_t marks[FLIGHT_DEPTH];
} __attribute__((aligned(128)));        /* two lines: the adjacent-line prefetch */

static struct flight_deck decks[DECKS_MAX];
static unsigned decks_used;             /* atomic: the high-water mark of claimed decks */
static bool decks_ran_out;              /* atomic: some thread has none */
static __thread struct flight_deck *deck;
static pthread_key_t deck_key;          /* gives a thread's deck back when it exits */
static bool deck_key_made;

static void give_back(void *claimed)
{
    struct flight_deck *d = claimed;
    d->depth = 0;
    d->deferred = 0;
    d->waiting_on = 0;
    __atomic_store_n(&d->claimed, 0, __ATOMIC_RELEASE);
    deck = NULL;        /* a later hooked call in another key's destructor claims anew */
}

void flights_init(void)
{
    deck_key_made = pthread_key_create(&deck_key, give_back) == 0;
}

static struct flight_deck *claim(void)
{
    for (unsigned i = 0; deck_key_made && i < DECKS_MAX; i++) {
        uint32_t free_deck = 0;
        if (__atomic_load_n(&decks[i].claimed, __ATOMIC_RELAXED) != 0 ||
            !__atomic_compare_exchange_n(&decks[i].claimed, &free_deck, 1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            continue;
        unsigned used = __atomic_load_n(&decks_used, __ATOMIC_RELAXED);
        while (used < i + 1 && !__atomic_compare_exchange_n(&decks_used, &used, i + 1, true,
                                                            __ATOMIC_RELEASE,
                                                            __ATOMIC_RELAXED))
            ;
        pthread_setspecific(deck_key, &decks[i]);
        return deck = &decks[i];
    }
    __atomic_store_n(&decks_ran_out, true, __ATOMIC_RELAXED);
    return NULL;
}

flight_token flights_depart(const void *object)
{
    struct flight_deck *d = deck != NULL ? deck : claim();
    if (d == NULL)
        return FLIGHT_NONE;             /* flights_land ignores it */
    uint32_t place = d->depth;
    __atomic_store_n(&d->depth, place + 1, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (place < FLIGHT_DEPTH)
        __atomic_store_n(&d->marks[place], (uintptr_t)object, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return place;
}

void flights_land(flight_token token)
{
    struct flight_deck *d = deck;
    if (d == NULL || token >= d->depth)
        return;
    if (token < FLIGHT_DEPTH)
        __atomic_store_n(&d->marks[token], 0, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&d->depth, token, __ATOMIC_RELAXED);
}

flight_token flights_mark_on(uintptr_t address)
{
    struct flight_deck *d = deck;
    if (d == NULL)
        return FLIGHT_NONE;
    for (uint32_t i = d->depth < FLIGHT_DEPTH ? d->depth : FLIGHT_DEPTH; i-- > 0;)
        if (d->marks[i] == address)
            return i;
    return FLIGHT_NONE;
}

bool flights_mine(uintptr_t address)
{
    return flights_mark_on(address) != FLIGHT_NONE;
}

bool flights_landed(flight_token place)
{
    return deck == NULL || deck->depth <= place;
}

/* The fewest changes that lead from LAST to BEFORE. */
static uint32_t distance(uint32_t before, uint32_t last)
{
    return before > last ? before - last : last - before;
}

/* Whether D's thread may have an event of ADDRESS to record before the early one of this
 * thread, whose change started from BEFORE, LAST being the object's last recorded count. */
static bool may_come_first(const struct flight_deck *d, uintptr_t address, uint32_t before,
                           uint32_t last)
{
    if (__atomic_load_n(&d->claimed, __ATOMIC_ACQUIRE) == 0)
        return false;
    if (__atomic_load_n(&d->waiting_on, __ATOMIC_RELAXED) == address) {
        /* Its event was early too when it looked, and may be next now; else a change
         * nobody will record came before both. The one whose change started nearer the
         * last count goes first, and with both as near, the one on the lower deck. Its
         * fields are written under ADDRESS's stripe lock, which this thread holds. */
        uint32_t theirs = distance(d->waiting_before, last), mine = distance(before, last);
        return theirs < mine || (theirs == mine && d < deck);
    }
    if (__atomic_load_n(&d->deferred, __ATOMIC_RELAXED) != 0)
        return true;
    uint32_t depth = __atomic_load_n(&d->depth, __ATOMIC_RELAXED);
    if (depth > FLIGHT_DEPTH)
        return true;
    for (uint32_t i = 0; i < depth; i++)
        if (__atomic_load_n(&d->marks[i], __ATOMIC_RELAXED) == address)
            return true;
    return false;
}

bool flights_known(void)
{
    return !__atomic_load_n(&decks_ran_out, __ATOMIC_RELAXED);
}

bool flights_elsewhere(uintptr_t address, uint32_t before, uint32_t last)
{
    unsigned used = __atomic_load_n(&decks_used, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < used; i++)
        if (&decks[i] != deck && may_come_first(&decks[i], address, before, last))
            return true;
    return false;
}

void flights_wait_on(uintptr_t address, uint32_t before)
{
    if (deck != NULL) {
        __atomic_store_n(&deck->waiting_before, before, __ATOMIC_RELAXED);
        __atomic_store_n(&deck->waiting_on, address, __ATOMIC_RELAXED);
    }
}

void flights_deferred(int change)
{
    /* A hook that marks nothing (GObject's) may queue the thread's first event. */
    struct flight_deck *d = deck != NULL ? deck : claim();
    if (d == NULL || (change < 0 && d->deferred == 0))
        return;         /* queued before the deck was given back: not counted then */
    __atomic_store_n(&d->deferred, d->deferred + (uint32_t)change, __ATOMIC_RELAXED);
}

void flights_after_fork_child(void)
{
    unsigned used = __atomic_load_n(&decks_used, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < used; i++)
        if (&decks[i] != deck) {
            decks[i].depth = 0;
            decks[i].deferred = 0;
            decks[i].waiting_on = 0;
            decks[i].claimed = 0;
        }
    decks_ran_out = false;
}
