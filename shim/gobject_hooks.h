/* GObject reference counting, built in: active whenever libgobject-2.0 is loaded. */
#ifndef REFSHIM_GOBJECT_HOOKS_H
#define REFSHIM_GOBJECT_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hooks NAME if it is one of libgobject's functions that create, reference, unreference
 * or free objects (and remembers the type helpers it needs). Returns true when it did. */
bool gobject_hooks_consider(const char *module, const char *name, uintptr_t address, size_t size);

#endif
