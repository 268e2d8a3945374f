/* One signal mask change for a stack capture that unwinds the slow way, instead of
 * libunwind's several per frame, and none for one that does not (unwind_signals.c says
 * why and how). */
#ifndef REFSHIM_UNWIND_SIGNALS_H
#define REFSHIM_UNWIND_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

struct unwind_signals_thread {
    bool capturing;         /* inside a capture: libunwind's first mask change blocks all */
    bool held;              /* this thread's capture has blocked every signal itself */
    sigset_t saved;         /* the mask to give back when HELD ends */
};

extern __thread struct unwind_signals_thread unwind_signals_tls;

/* Redirects libunwind's sigprocmask to the folding one; once, at start. */
void unwind_signals_init(void);

void unwind_signals_unblock(struct unwind_signals_thread *t);

/* Around a capture, or any other use of libunwind by the shim: from here, libunwind's
 * first change of the signal mask blocks every signal until unwind_signals_release, and
 * its other changes make no system call. Returns what to give unwind_signals_release.
 * Holds nest: the shim's stack learning inside a capture, and a signal handler's capture
 * inside one that has not blocked yet (which the handler's return unblocks, so the hold
 * that blocked is the one that unblocks). */
#define UNWIND_WAS_CAPTURING 1u
#define UNWIND_WAS_HELD 2u

static inline unsigned unwind_signals_hold(void)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    unsigned before = (t->capturing ? UNWIND_WAS_CAPTURING : 0) | (t->held ? UNWIND_WAS_HELD : 0);
    t->capturing = true;
    return before;
}

static inline void unwind_signals_release(unsigned before)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    t->capturing = before & UNWIND_WAS_CAPTURING;
    if (!(before & UNWIND_WAS_HELD) && t->held)
        unwind_signals_unblock(t);
}

#endif
