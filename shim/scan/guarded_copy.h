/* Copies of this process's memory that stop at a page that is gone instead of faulting,
 * without a system call each (guarded_copy.c says how and why). */
#ifndef REFSHIM_GUARDED_COPY_H
#define REFSHIM_GUARDED_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sets the fault handlers for the calling thread's copies; false when it cannot (the
 * thread blocks SIGSEGV or SIGBUS, or sigaction fails): copy some other way then. */
bool guarded_copy_begin(void);
/* Gives the program its handlers back. */
void guarded_copy_end(void);
/* Whether the calling thread is between a successful begin and its end. */
bool guarded_copy_active(void);
/* Copies up to LEN bytes at FROM into TO; returns how many it copied before the first
 * page that faulted (LEN when none did). Only between begin and end. */
size_t guarded_copy(void *to, uintptr_t from, size_t len);
/* Runs RUN(ARG), in which guarded_load may read anything: false when a read faulted, and
 * RUN was left there. Only between begin and end. */
bool guarded_run(void (*run)(void *), void *arg);
/* The 8 bytes at AT; only inside guarded_run. */
uint64_t guarded_load(uintptr_t at);

#endif
