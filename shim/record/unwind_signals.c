/* unwind_signals.c - libunwind's signal masking, folded into one change per capture.
 *
 * Debian's libunwind keeps one cache for all threads and blocks every signal while it
 * holds the cache's lock, and again while it walks the loaded modules for a frame's
 * unwind table: some eight sigprocmask system calls for every frame it has not met. A
 * program's start-up meets a thousand (gst-launch: 8,448 calls, 1.4 ms of the 12 ms the
 * shim added to it). The calls matter: a signal handler that unwinds while its thread
 * holds the lock would wait for itself.
 *
 * So libunwind's own sigprocmask import is redirected here. A capture that expects the
 * slow path (one of the thread's last few captures made libunwind mask signals; see
 * UNWIND_FAST_RUN) blocks every signal itself before it unwinds, and gives the mask back
 * after; inside, libunwind's calls have nothing left to do and make no system call. Every
 * other call is passed on: captures that find their frames in libunwind's per-thread
 * trace cache (a program past its start) make none, and a program that calls libunwind
 * itself is never inside a held capture, since no handler runs while every signal is
 * blocked. */
#include "unwind_signals.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <stdint.h>

#include "got_redirect.h"

__thread struct unwind_signals_thread unwind_signals_tls;
bool unwind_signals_folding;

static int folding_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    t->calls++;
    if (!t->held)
        return sigprocmask(how, set, old);
    /* Every signal is blocked already, and stays so until the capture ends. */
    if (old != NULL)
        sigfillset(old);
    return 0;
}

void unwind_signals_init(void)
{
    unwind_signals_folding = got_redirect_in((uintptr_t)unw_backtrace, (uintptr_t)sigprocmask,
                                             "sigprocmask", (uintptr_t)folding_sigprocmask) > 0;
}

bool unwind_signals_block(struct unwind_signals_thread *t)
{
    sigset_t all;
    sigfillset(&all);
    if (pthread_sigmask(SIG_BLOCK, &all, &t->saved) != 0)
        return false;
    t->held = true;
    return true;
}

void unwind_signals_unblock(struct unwind_signals_thread *t)
{
    t->held = false;
    pthread_sigmask(SIG_SETMASK, &t->saved, NULL);
}
