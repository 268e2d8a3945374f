/* Test doubles for what the stack depot (shim/record/depot.c) calls: a symbolizer over
 * modules the test loads and unloads by hand, and a log writer that keeps the definitions
 * in memory, so that test_depot.c can check exactly which records the depot writes. */
#ifndef REFSHIM_DEPOT_DOUBLES_H
#define REFSHIM_DEPOT_DOUBLES_H

#include <stddef.h>
#include <stdint.h>

/* Addresses in [START, END) now belong to the module PATH (BUILD_ID may be NULL). Its
 * frames are named "fn_<offset in hex>" (the shim names no source at capture). */
void fake_module_load(const char *path, const char *build_id, uintptr_t start, uintptr_t end);
/* The module at START is gone; its addresses belong to no module until another is loaded. */
void fake_module_unload(uintptr_t start);
/* How many times the depot asked the symbolizer about an address. */
unsigned fake_symbolizer_calls(void);

/* The definitions written since the last call (or since the log was reset), as one
 * string; "" when there are none. Valid until the next definition is written. */
const char *fake_log_take(void);
/* A new, empty log (a forked child's): offsets start again at 0. */
void fake_log_reset(void);
/* A new log, no modules and no symbolizer calls counted: for each test's start. */
void fake_doubles_reset(void);

#endif
