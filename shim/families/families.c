/* The table of hook families, and the walks over it that the core makes. A new family is
 * a file that defines `const struct hook_family NAME_family` and one line in
 * HOOK_FAMILIES below. */
#include "families.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "symbolizer.h"

/* In the order functions are offered: the first family that takes a function keeps it.
 * Named functions come after the built-in families, whose functions the users' patterns
 * may also match; the loader watch offers nothing and starts after the first scan. */
#define HOOK_FAMILIES(F)                                                                  \
    F(cxx_methods_family)                                                                 \
    F(gobject_family)                                                                     \
    F(gst_mini_family)                                                                    \
    F(ao2_family)                                                                         \
    F(exec_family)                                                                        \
    F(delta_functions_family)                                                             \
    F(named_functions_family)                                                             \
    F(loader_watch_family)

#define DECLARE_FAMILY(family) extern const struct hook_family family;
HOOK_FAMILIES(DECLARE_FAMILY)
#define FAMILY_ENTRY(family) &family,
static const struct hook_family *const families[] = {HOOK_FAMILIES(FAMILY_ENTRY)};
#define FAMILY_COUNT (sizeof families / sizeof families[0])

/* Which families may take a function, by the first byte of its name, one bit per family in
 * the table's order. Every function of every module is offered (9,000 at a GStreamer
 * program's start), and walking the whole table for each was a third of the scan: most
 * names now meet one family, or none. It depends on the configuration alone, so it is made
 * once: scans after a dlopen in two threads at once read it while neither writes it. */
_Static_assert(FAMILY_COUNT <= 16, "a bit per family");
static uint16_t families_by_first_byte[256];
/* A family that can be idle hooks the users' patterns, which may name any function, a
 * static one too: with one of them at work every module's whole symbol table is read. */
static bool patterns_given;
static pthread_once_t first_bytes_once = PTHREAD_ONCE_INIT;
static const struct config *first_bytes_config;

static void note_first_bytes(void)
{
    const struct config *config = __atomic_load_n(&first_bytes_config, __ATOMIC_RELAXED);
    for (size_t i = 0; i < FAMILY_COUNT; i++) {
        const struct hook_family *family = families[i];
        if (family->offer == NULL || (family->idle != NULL && family->idle(config)))
            continue;
        if (family->idle != NULL)
            patterns_given = true;
        uint16_t bit = (uint16_t)(1u << i);
        if (family->first_bytes == NULL) {
            for (size_t byte = 0; byte < 256; byte++)
                families_by_first_byte[byte] |= bit;
            continue;
        }
        for (const char *byte = family->first_bytes; *byte != '\0'; byte++)
            families_by_first_byte[(unsigned char)*byte] |= bit;
    }
}

static void offer_function(const struct module_facts *module, const char *name,
                           uintptr_t address, size_t size, void *arg)
{
    const struct config *config = arg;
    unsigned wanted = families_by_first_byte[(unsigned char)name[0]];
    if (wanted == 0 || hook_exists(address))
        return;                 /* nobody's, or an alias of a function already hooked */
    struct hook_site site = {.address = address, .size = size, .symbol = name, .name = name,
                             .module = module->path};
    for (size_t i = 0; wanted != 0; i++, wanted >>= 1) {
        const struct hook_family *family = families[i];
        if (!(wanted & 1) || (family->skips_shim_needs && module->shim_needs))
            continue;
        if (family->offer(config, &site))
            return;
    }
}

void families_scan_new_modules(const struct config *config)
{
    bool entered = shim_enter();
    /* always the one configuration, whichever thread stores it */
    __atomic_store_n(&first_bytes_config, config, __ATOMIC_RELAXED);
    pthread_once(&first_bytes_once, note_first_bytes);
    symbolizer_each_new_function(offer_function, (void *)config, !patterns_given);
    hooks_redirect_in_new_modules();
    for (size_t i = 0; i < FAMILY_COUNT; i++)
        if (families[i]->after_scan != NULL)
            families[i]->after_scan();
    if (entered)
        shim_leave();
}

void families_start(const struct config *config)
{
    for (size_t i = 0; i < FAMILY_COUNT; i++)
        if (families[i]->start != NULL)
            families[i]->start(config);
}

void families_after_fork_child(void)
{
    for (size_t i = 0; i < FAMILY_COUNT; i++)
        if (families[i]->after_fork_child != NULL)
            families[i]->after_fork_child();
}

void families_at_exit(void)
{
    for (size_t i = 0; i < FAMILY_COUNT; i++)
        if (families[i]->at_exit != NULL)
            families[i]->at_exit();
}
