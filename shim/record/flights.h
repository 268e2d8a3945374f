/* Which objects each thread is changing the count of right now. A hook marks the object
 * before it calls the hooked function and takes the mark off once the change is in the
 * log, so a thread whose event arrives before an earlier one (recorder.c, lock_in_order)
 * can tell a change still on its way, worth waiting for however long its thread sleeps,
 * from one the shim will never see (an AddRef inlined where it is called), not worth
 * waiting for at all. */
#ifndef REFSHIM_FLIGHTS_H
#define REFSHIM_FLIGHTS_H

#include <stdbool.h>
#include <stdint.h>

/* What flights_depart returns for flights_land: the mark's place on the thread's deck. */
typedef uint32_t flight_token;
#define FLIGHT_NONE UINT32_MAX  /* no mark, no deck */

/* Once, before any hook runs. */
void flights_init(void);

/* Marks OBJECT as having a change of its count under way on this thread: called before
 * the hooked function, from any context, signal handlers too. */
flight_token flights_depart(const void *object);
/* Takes the mark TOKEN stands for, and any left above it, off this thread's deck: called
 * once the change is recorded, queued for recording (deferred_events.h), or known to
 * make no event. */
void flights_land(flight_token token);

/* True when this thread has a mark on ADDRESS: the event being recorded came through a
 * hook that marks its object. */
bool flights_mine(uintptr_t address);
/* The place of this thread's innermost mark on ADDRESS, or FLIGHT_NONE. Asked by a hook
 * before it marks: is a call further out on this thread changing the same object? */
flight_token flights_mark_on(uintptr_t address);
/* True when this thread's mark at PLACE has come off. */
bool flights_landed(flight_token place);

/* False when some thread has no deck (more than the decks' number at once): its changes
 * are not seen here, and flights_elsewhere tells nothing of them. */
bool flights_known(void);

/* True when some other thread may have an event of ADDRESS to record before this
 * thread's early one, whose change started from the count BEFORE (LAST: the object's last
 * recorded count): it has a mark on ADDRESS, more marks than its deck holds, or events
 * queued by a signal handler; or it waits with an early event of ADDRESS too, whose change
 * started nearer LAST. Call with ADDRESS's stripe locked, so that no mark on it comes off
 * unrecorded while the decks are read. */
bool flights_elsewhere(uintptr_t address, uint32_t before, uint32_t last);

/* This thread waits with an early event of ADDRESS whose change started from the count
 * BEFORE (ADDRESS 0: it waits no longer); with ADDRESS's stripe locked. */
void flights_wait_on(uintptr_t address, uint32_t before);

/* This thread's signal handlers queued (+1) or it recorded (-1) a deferred event. */
void flights_deferred(int change);

/* fork(2): the child's only thread is the one that forked; the other decks are freed. */
void flights_after_fork_child(void);

#endif
