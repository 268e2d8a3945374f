/* Asterisk's ao2 objects, built in: active whenever a module defines __ao2_ref and
 * __ao2_alloc (the asterisk executable), with no setting. */
#ifndef REFSHIM_AO2_HOOKS_H
#define REFSHIM_AO2_HOOKS_H

#include <stdbool.h>

#include "config.h"
#include "hooks.h"

/* Hooks SITE if it is one of ao2's allocators or __ao2_ref. Returns true when it did. */
bool ao2_hooks_consider(const struct config *config, const struct hook_site *site);

/* For an ao2 object still alive when the process ends: "no-ref-debug" when Asterisk
 * allocated it with AO2_ALLOC_OPT_NO_REF_DEBUG (its own refs log leaves it out), else
 * NULL. */
const char *ao2_survivor_note(void *object, const char **class_name);

/* In a forked child: another thread may have held the class table's lock at the fork. */
void ao2_hooks_after_fork_child(void);

#endif
