/* GObject reference counting, built in: active whenever libgobject-2.0 is loaded. */
#ifndef REFSHIM_GOBJECT_HOOKS_H
#define REFSHIM_GOBJECT_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "depot.h"
#include "hooks.h"

/* For other kinds of GType instances (GStreamer's mini objects): TYPE's name when
 * REFLOG_CLASSES selects it, else NULL; *CACHE then holds its log number. From the same
 * per-thread cache as GObjects' types. */
const char *gobject_wanted_type(uintptr_t type, struct class_cache **cache);

#endif
