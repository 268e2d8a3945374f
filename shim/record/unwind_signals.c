/* unwind_signals.c - libunwind's signal masking, folded into one change per capture.
 *
 * Debian's libunwind keeps one cache for all threads and blocks every signal while it
 * holds the cache's lock, and again while it walks the loaded modules for a frame's
 * unwind table: some eight sigprocmask system calls for every frame it has not met. A
 * program's start-up meets a thousand (gst-launch: 8,448 calls, 1.4 ms of the 12 ms the
 * shim added to it). The calls matter: a signal handler that unwinds while its thread
 * holds the lock would wait for itself.
 *
 * So libunwind's own sigprocmask import is redirected here. Inside a capture, its first
 * call blocks every signal, as it asked, and they stay blocked until the capture ends;
 * its other calls then have nothing left to do and make no system call. A capture that
 * finds all its frames in libunwind's per-thread trace cache (most of them, once a
 * program is past its start) makes no call at all. Blocking at libunwind's first call,
 * rather than before every capture that might need it, spared a third of the system
 * calls of gst-launch's start (2,242 of them, 0.5 ms). Calls from outside a capture (a
 * program that uses libunwind itself) are passed on. */
#include "unwind_signals.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <stdint.h>

#include "got_redirect.h"

__thread struct unwind_signals_thread unwind_signals_tls;

static int folding_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    struct unwind_signals_thread *t = &unwind_signals_tls;
    if (!t->held) {
        sigset_t all;
        sigfillset(&all);
        if (!t->capturing || pthread_sigmask(SIG_BLOCK, &all, &t->saved) != 0)
            return sigprocmask(how, set, old);
        t->held = true;
        if (old != NULL)
            *old = t->saved;
        return 0;
    }
    /* Every signal is blocked already, and stays so until the capture ends. */
    if (old != NULL)
        sigfillset(old);
    return 0;
}

void unwind_signals_init(void)
{
    got_redirect_in((uintptr_t)unw_backtrace, (uintptr_t)sigprocmask, "sigprocmask",
                    (uintptr_t)folding_sigprocmask);
}

void unwind_signals_unblock(struct unwind_signals_thread *t)
{
    t->held = false;
    pthread_sigmask(SIG_SETMASK, &t->saved, NULL);
}
