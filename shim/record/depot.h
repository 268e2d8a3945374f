/* Interning of modules, frames, stacks and class names: each is written to the log once,
 * as a definition record, and referred to by its number afterwards (doc/log-format.md).
 * Thread-safe; a stack seen before by the same thread is found without any lock. */
#ifndef REFSHIM_DEPOT_H
#define REFSHIM_DEPOT_H

#include <stddef.h>
#include <stdint.h>

/* Callers keep one of these per class name they use often (a hook, a GType), so that the
 * class's number is found without a lookup. Zero-initialized is empty. */
struct class_cache {
    uint32_t id;
    unsigned generation;
    size_t defined_end;                 /* the log offset its definition ends before */
};

/* Returns the stack node of the stack IPS (return addresses, innermost first), writing the
 * m/f/s records of whatever is new to the log first. 0 is the empty stack. *DEFINED_END is
 * raised to where in the log those definitions end (a record using the number goes
 * after it). */
uint32_t depot_stack(const uintptr_t *ips, int count, size_t *defined_end);
/* Returns the number of class NAME, writing its c record first when it is new, and raises
 * *DEFINED_END like depot_stack. CACHE may be NULL. */
uint32_t depot_class(const char *name, struct class_cache *cache, size_t *defined_end);
/* Forgets the frames at addresses in [START, END): their module was unloaded, and new
 * code there gets new frame records. */
void depot_forget_frames(uintptr_t start, uintptr_t end);

/* fork(2): the depot is locked across it; the child's log is new, so the child forgets
 * everything and defines all again. */
void depot_lock(void);
void depot_unlock(void);
void depot_reset_in_child(void);

#endif
