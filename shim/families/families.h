/* The interface between the shim's core and a family of hooked functions (C++ methods,
 * GObject, GStreamer mini objects, named functions, exec, the loader watch...). Each family
 * describes itself with a struct hook_family; the table in families.c lists them, and the
 * core (shim_init.c, the scan of new modules) only walks the table. */
#ifndef REFSHIM_FAMILIES_H
#define REFSHIM_FAMILIES_H

#include <stdbool.h>

#include "config.h"
#include "hooks.h"

/* Every member but NAME may be NULL: a family fills in what it needs. */
struct hook_family {
    const char *name;
    /* Not offered the functions of the shim and the libraries it runs on (patterns given
     * by users, which must not hook the shim's own code). */
    bool skips_shim_needs;
    /* Offered each function of each new module that no family before it in the table
     * took: hooks SITE if it is one of the family's and returns true then. */
    bool (*offer)(const struct config *config, const struct hook_site *site);
    /* The first bytes of the names OFFER may take ("g" for g_object_ref, "_" for mangled
     * C++): it is offered no other name. NULL: any name. */
    const char *first_bytes;
    /* True when the configuration gives the family nothing to hook (no patterns): it is
     * then offered nothing. NULL: never. */
    bool (*idle)(const struct config *config);
    /* After each scan of new modules (at start-up and after each dlopen). */
    void (*after_scan)(void);
    /* Once, after the first scan, when tracing starts. */
    void (*start)(const struct config *config);
    /* In a forked child: locks another thread may have held at the fork. */
    void (*after_fork_child)(void);
    /* At exit, before the log is cut to its length: notes on surviving objects. */
    void (*at_exit)(void);
};

/* Hooks what the configuration asks for in every module not scanned before: at start-up
 * and after each dlopen. Each function goes to the first family that takes it. */
void families_scan_new_modules(const struct config *config);
void families_start(const struct config *config);
void families_after_fork_child(void);
void families_at_exit(void);

#endif
