/* One signal mask change for a stack capture that unwinds the slow way, instead of
 * libunwind's several per frame (unwind_signals.c says why and how). */
#ifndef REFSHIM_UNWIND_SIGNALS_H
#define REFSHIM_UNWIND_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

struct unwind_signals_thread {
    bool held;              /* this thread's capture has blocked every signal itself */
    bool fast_expected;     /* the last capture made libunwind block no signal */
    unsigned calls;         /* libunwind's sigprocmask calls in this capture */
    sigset_t saved;         /* the mask to give back when HELD ends */
};

extern __thread struct unwind_signals_thread unwind_signals_tls;
extern bool unwind_signals_folding;     /* libunwind's sigprocmask is redirected */

/* Redirects libunwind's sigprocmask to the folding one; once, at start. */
void unwind_signals_init(void);

bool unwind_signals_block(struct unwind_signals_thread *t);
void unwind_signals_unblock(struct unwind_signals_thread *t);

/* Before a capture that may unwind: blocks every signal when the thread's last capture
 * took libunwind's slow path, so that libunwind's own mask changes need no system call.
 * Returns whether it blocked them; give that to unwind_signals_release after it. */
static inline bool unwind_signals_hold(void)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    t->calls = 0;
    if (t->fast_expected || t->held || !unwind_signals_folding)
        return false;
    return unwind_signals_block(t);
}

static inline void unwind_signals_release(bool blocked)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    t->fast_expected = t->calls == 0;
    if (blocked)
        unwind_signals_unblock(t);
}

#endif
