/* Hooks on functions that run for every reference taken (g_object_ref, gst_mini_object_ref
 * and their unrefs) are installed only once an object of a logged class exists: before
 * that no reference can concern one, and a program whose logged classes are rare runs at
 * full speed. The functions are found while scanning modules and kept here until then. */
#include "deferred_hooks.h"

#include <stdlib.h>
#include <string.h>

void deferred_hooks_add(struct deferred_hooks *set, const struct hook_site *site,
                        hook_handler handler)
{
    pthread_mutex_lock(&set->lock);
    if (set->installed) {
        pthread_mutex_unlock(&set->lock);
        hook_install(site, handler, NULL, 0);
        return;
    }
    if (set->count < DEFERRED_HOOKS_MAX) {
        struct deferred_hook *d = &set->entries[set->count];
        char *symbol = strdup(site->symbol), *name = strdup(site->name);
        char *module = strdup(site->module);
        if (symbol != NULL && name != NULL && module != NULL) {
            d->site = *site;
            d->site.symbol = symbol;
            d->site.name = name;
            d->site.module = module;
            d->handler = handler;
            set->count++;
        } else {
            free(symbol);
            free(name);
            free(module);
        }
    }
    pthread_mutex_unlock(&set->lock);
}

void deferred_hooks_install(struct deferred_hooks *set)
{
    if (__atomic_load_n(&set->installed, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&set->lock);
    for (size_t i = 0; !set->installed && i < set->count; i++)
        hook_install(&set->entries[i].site, set->entries[i].handler, NULL, 0);
    __atomic_store_n(&set->installed, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&set->lock);
}

void deferred_hooks_after_fork_child(struct deferred_hooks *set)
{
    pthread_mutex_init(&set->lock, NULL);
}
