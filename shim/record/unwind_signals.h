/* One signal mask change for a stack capture that unwinds the slow way, instead of
 * libunwind's several per frame (unwind_signals.c says why and how). */
#ifndef REFSHIM_UNWIND_SIGNALS_H
#define REFSHIM_UNWIND_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

struct unwind_signals_thread {
    bool held;              /* this thread's capture has blocked every signal itself */
    unsigned fast_run;      /* captures in a row in which libunwind blocked no signal */
    unsigned calls;         /* libunwind's sigprocmask calls in this capture */
    sigset_t saved;         /* the mask to give back when HELD ends */
};

extern __thread struct unwind_signals_thread unwind_signals_tls;
extern bool unwind_signals_folding;     /* libunwind's sigprocmask is redirected */

/* Redirects libunwind's sigprocmask to the folding one; once, at start. */
void unwind_signals_init(void);

bool unwind_signals_block(struct unwind_signals_thread *t);
void unwind_signals_unblock(struct unwind_signals_thread *t);

/* A slow capture expected wrongly costs two system calls; one expected fast wrongly,
 * eight for each new frame: a thread's captures are taken for fast after this many fast
 * ones in a row. */
#define UNWIND_FAST_RUN 4

/* Before a capture that may unwind: blocks every signal unless the thread's last captures
 * all took libunwind's fast path, so that libunwind's own mask changes need no system call.
 * Returns whether it blocked them; give that to unwind_signals_release after it. */
static inline bool unwind_signals_hold(void)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    t->calls = 0;
    if (t->fast_run >= UNWIND_FAST_RUN || t->held || !unwind_signals_folding)
        return false;
    return unwind_signals_block(t);
}

static inline void unwind_signals_release(bool blocked)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    t->fast_run = t->calls != 0 ? 0 : t->fast_run < UNWIND_FAST_RUN ? t->fast_run + 1 : t->fast_run;
    if (blocked)
        unwind_signals_unblock(t);
}

/* Around a walk that is slow for sure (libunwind step by step, as the stack cache learns
 * a stack): blocks every signal unless the thread's capture already has. Returns whether it
 * did; give that to unwind_signals_end_slow. */
static inline bool unwind_signals_begin_slow(void)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    if (t->held || !unwind_signals_folding)
        return false;
    return unwind_signals_block(t);
}

static inline void unwind_signals_end_slow(bool blocked)
{
    if (blocked)
        unwind_signals_unblock(&unwind_signals_tls);
}

#endif
