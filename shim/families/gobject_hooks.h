/* GObject reference counting, built in: active whenever libgobject-2.0 is loaded. */
#ifndef REFSHIM_GOBJECT_HOOKS_H
#define REFSHIM_GOBJECT_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "depot.h"
#include "hooks.h"

/* Hooks NAME if it is one of libgobject's functions that create, reference, unreference
 * or free objects (and remembers the type helpers it needs). Returns true when it did. */
bool gobject_hooks_consider(const struct hook_site *site);

/* For other kinds of GType instances (GStreamer's mini objects): TYPE's name when
 * REFLOG_CLASSES selects it, else NULL; *CACHE then holds its log number. From the same
 * per-thread cache as GObjects' types. */
const char *gobject_wanted_type(uintptr_t type, struct class_cache **cache);

/* For an object still alive when the process ends: "may-be-leaked" when GStreamer marked
 * it as living until the end on purpose, with its type's name in *CLASS_NAME, else NULL. */
const char *gobject_survivor_note(void *object, const char **class_name);

/* In a forked child: another thread may have held the type table's lock at the fork. */
void gobject_hooks_after_fork_child(void);

#endif
