/* Copying this process's memory in place during the exit scan, surviving a page that is
 * gone.
 *
 * The holder scan reads what /proc/self/maps listed a moment before; a thread still
 * running may unmap some of it meanwhile, and a file mapping may end before its last page.
 * process_vm_readv fails cleanly there, but each call is a system call that pins every
 * page it copies: at a short program's exit (gst-launch doing nothing) that was 0.8 of the
 * scan's 2.1 ms, a tenth of what the shim adds to the run. So while the exit scan runs, a
 * SIGSEGV and SIGBUS handler sends a fault of the scanning thread's copy back to the copy,
 * which gives the whole pages before it; a fault of any other thread goes on to what the
 * program had set, as if the handler were not there. A thread that blocks those signals
 * would be killed by a fault, handler or not: it copies with process_vm_readv. */
#include "guarded_copy.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#define PAGE 4096u

static __thread sigjmp_buf *landing;    /* set while this thread copies */
static __thread bool active;
static struct sigaction program_segv, program_bus;

static void on_fault(int sig, siginfo_t *info, void *context)
{
    if (landing != NULL)
        siglongjmp(*landing, 1);
    const struct sigaction *program = sig == SIGBUS ? &program_bus : &program_segv;
    if (program->sa_flags & SA_SIGINFO)
        program->sa_sigaction(sig, info, context);
    else if (program->sa_handler != SIG_DFL && program->sa_handler != SIG_IGN)
        program->sa_handler(sig);
    else        /* the instruction faults again, and the fault takes the program's course */
        sigaction(sig, program, NULL);
}

bool guarded_copy_begin(void)
{
    sigset_t mask;
    if (active || pthread_sigmask(SIG_SETMASK, NULL, &mask) != 0 ||
        sigismember(&mask, SIGSEGV) || sigismember(&mask, SIGBUS))
        return false;
    struct sigaction guard;
    memset(&guard, 0, sizeof guard);
    guard.sa_sigaction = on_fault;
    /* NODEFER: siglongjmp leaves the handler without restoring the mask (sigsetjmp does
     * not save it, which would be a system call per copy), so SIGSEGV must not be added. */
    guard.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&guard.sa_mask);
    if (sigaction(SIGSEGV, &guard, &program_segv) != 0)
        return false;
    if (sigaction(SIGBUS, &guard, &program_bus) != 0) {
        sigaction(SIGSEGV, &program_segv, NULL);
        return false;
    }
    active = true;
    return true;
}

void guarded_copy_end(void)
{
    if (!active)
        return;
    active = false;
    sigaction(SIGBUS, &program_bus, NULL);
    sigaction(SIGSEGV, &program_segv, NULL);
}

bool guarded_copy_active(void)
{
    return active;
}

/* A plain copy the sanitizers do not look at: the program's memory may be poisoned (an
 * ASan redzone, a freed block), which is no error of the scan's. Eight bytes at a time,
 * by fixed-size memcpy that the compiler inlines (a call to memcpy would be ASan's). */
__attribute__((no_sanitize_address, no_sanitize_undefined))
static void copy_bytes(char *to, const char *from, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        __builtin_memcpy(&word, from + i, 8);
        __builtin_memcpy(to + i, &word, 8);
        __asm__("" ::: "memory");      /* not to be made a call to memcpy again */
    }
    for (; i < len; i++)
        to[i] = from[i];
}

bool guarded_run(void (*run)(void *), void *arg)
{
    sigjmp_buf here, *outer = landing;
    if (sigsetjmp(here, 0) != 0) {
        landing = outer;
        return false;
    }
    landing = &here;
    run(arg);
    landing = outer;
    return true;
}

/* A copy page by page: DONE, in memory (a fault leaves the loop), counts the whole pages
 * copied before the one that faulted. */
struct page_copy {
    char *to;
    uintptr_t from;
    size_t len;
    volatile size_t done;
};

static void copy_pages(void *arg)
{
    struct page_copy *c = arg;
    while (c->done < c->len) {
        size_t piece = PAGE - (c->from + c->done) % PAGE;
        if (piece > c->len - c->done)
            piece = c->len - c->done;
        copy_bytes(c->to + c->done, (const char *)(c->from + c->done), piece);
        c->done += piece;
    }
}

size_t guarded_copy(void *to, uintptr_t from, size_t len)
{
    struct page_copy copy = {to, from, len, 0};
    guarded_run(copy_pages, &copy);
    return copy.done;
}

__attribute__((no_sanitize_address, no_sanitize_undefined))
uint64_t guarded_load(uintptr_t at)
{
    uint64_t word;
    __builtin_memcpy(&word, (const void *)at, 8);
    return word;
}
