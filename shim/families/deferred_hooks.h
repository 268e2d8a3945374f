/* Hooks that wait to be installed until they are first needed. */
#ifndef REFSHIM_DEFERRED_HOOKS_H
#define REFSHIM_DEFERRED_HOOKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "hooks.h"

#define DEFERRED_HOOKS_MAX 8

struct deferred_hook {
    struct hook_site site;      /* its strings are copies, owned here */
    hook_handler handler;
};

/* A set of hooks installed together. Zero-initialized with DEFERRED_HOOKS_INIT. */
struct deferred_hooks {
    struct deferred_hook entries[DEFERRED_HOOKS_MAX];
    size_t count;
    bool installed;             /* atomic */
    pthread_mutex_t lock;
};
#define DEFERRED_HOOKS_INIT { .lock = PTHREAD_MUTEX_INITIALIZER }

/* Keeps SITE to be hooked with HANDLER, or hooks it at once if SET is already
 * installed (a module loaded later). */
void deferred_hooks_add(struct deferred_hooks *set, const struct hook_site *site,
                        hook_handler handler);
/* Installs every hook of SET, once; cheap when already done. */
void deferred_hooks_install(struct deferred_hooks *set);
/* In a forked child: another thread may have held SET's lock at the fork. */
void deferred_hooks_after_fork_child(struct deferred_hooks *set);

#endif
