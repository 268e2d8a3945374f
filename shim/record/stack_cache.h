/* Stacks of hooked calls remembered per thread, so that a call made again from the same
 * place is not unwound again: most of a logged AddRef/Release was libunwind's walk. */
#ifndef REFSHIM_STACK_CACHE_H
#define REFSHIM_STACK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

/* The hooked call being recorded on this thread entered with its caller's stack pointer
 * (after the return) at CALLER_SP; 0: no hooked call (the instrumentation API). Set by
 * hook_enter, cleared by shim_enter. */
void stack_cache_set_caller(uintptr_t caller_sp);
uintptr_t stack_cache_caller(void);

/* The frames of the current hooked call (what capture_stack would give, up to MAX) into
 * IPS, when this thread has walked this very stack before and it has not changed since:
 * the count, or -1 when the stack must be unwound. */
int stack_cache_find(uintptr_t caller_sp, uintptr_t *ips, int max);

/* After capture_stack unwound the current hooked call's stack to IPS (COUNT frames, up to
 * MAX): a stack met often enough is walked once more, slowly, to learn which stack words
 * its frames depend on, so that stack_cache_find can check them instead of unwinding. */
void stack_cache_learn(uintptr_t caller_sp, const uintptr_t *ips, int count, int max);

/* Code was unloaded: every remembered stack is dropped (its addresses may mean other code
 * from now on). */
void stack_cache_forget_all(void);

#endif
