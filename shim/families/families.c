/* The table of hook families, and the walks over it that the core makes. A new family is
 * a file that defines `const struct hook_family NAME_family` and one line in
 * HOOK_FAMILIES below. */
#include "families.h"

#include <stddef.h>

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

static void offer_function(const struct module_facts *module, const char *name,
                           uintptr_t address, size_t size, void *arg)
{
    const struct config *config = arg;
    if (hook_exists(address))
        return;                 /* an alias of a function already hooked */
    struct hook_site site = {.address = address, .size = size, .symbol = name, .name = name,
                             .module = module->path};
    for (size_t i = 0; i < FAMILY_COUNT; i++) {
        const struct hook_family *family = families[i];
        if (family->offer == NULL || (family->skips_shim_needs && module->shim_needs))
            continue;
        if (family->offer(config, &site))
            return;
    }
}

void families_scan_new_modules(const struct config *config)
{
    bool entered = shim_enter();
    symbolizer_each_new_function(offer_function, (void *)config);
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
