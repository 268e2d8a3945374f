/* Addresses to function names (no source lines), and the functions each loaded module
 * defines (elfutils libdwfl). */
#ifndef REFSHIM_SYMBOLIZER_H
#define REFSHIM_SYMBOLIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbol_info {
    char *module;           /* malloc'd path of the module; NULL if none */
    uintptr_t offset;       /* from the module's load bias; the address itself if no module */
    char *function;         /* malloc'd, demangled; NULL when unknown */
    char *build_id;         /* malloc'd hex GNU build-id of the module; NULL if it has none */
};

bool symbolizer_init(void);
/* Re-reads the process's module list after dlopen or dlclose, and calls GONE with the
 * address range of each module offered by symbolizer_each_new_function that is no longer
 * loaded. */
typedef void (*module_gone_fn)(uintptr_t start, uintptr_t end);
void symbolizer_refresh(module_gone_fn gone);
/* Describes the return address RA (the call instruction just before it is looked up). */
void symbolizer_describe(uintptr_t ra, struct symbol_info *out);
void symbol_info_free(struct symbol_info *info);

/* Calls VISIT for each defined function symbol (.symtab where present, else .dynsym) of
 * each module that has not been visited before. NAME is the raw (mangled) name. */
struct module_facts {
    const char *path;
    bool shim_needs;    /* the shim or a library it runs on: named globs must not hook it */
};
typedef void (*function_visitor)(const struct module_facts *module, const char *name,
                                 uintptr_t address, size_t size, void *arg);
/* EXPORTED_ENOUGH: no function is looked for that a shared library of C would not
 * export (no user's pattern): such a library's functions are then its dynamic symbols,
 * read in memory without opening its file. */
void symbolizer_each_new_function(function_visitor visit, void *arg, bool exported_enough);

/* Calls TELL with each file image [START, END) libelf holds for the symbolizer (mapped
 * private and writable, or read into memory), for the holder scan to leave alone. */
typedef void (*file_image_fn)(uintptr_t start, uintptr_t end, void *arg);
void symbolizer_each_file_image(file_image_fn tell, void *arg);

/* In a forked child: another thread may have held the symbolizer's lock at the fork. */
void symbolizer_after_fork_child(void);

#endif
