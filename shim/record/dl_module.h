/* What the dynamic linker's list (dl_iterate_phdr) tells of one loaded module: its
 * dynamic section, string table and soname, and whether an address lies in it. The
 * symbolizer, the holder scan and the GOT redirection each walk that list. */
#ifndef REFSHIM_DL_MODULE_H
#define REFSHIM_DL_MODULE_H

#include <link.h>
#include <stdbool.h>
#include <stdint.h>

struct dl_module_names {
    const ElfW(Dyn) *dyn;       /* its dynamic section (DT_NULL-ended), or NULL */
    const char *strtab;         /* the strings its DT_NEEDED and DT_SONAME point into */
    const char *soname;         /* its DT_SONAME, else its file's base name; NULL: none */
};

struct dl_module_names dl_module_names_of(const struct dl_phdr_info *info);

/* A loaded module's dynamic symbols (.dynsym), where the dynamic linker mapped them:
 * reading them costs no file access, where libelf opens the module's file. */
struct dl_module_symbols {
    const ElfW(Sym) *symbols;
    size_t count;               /* the null symbol 0 included */
    const char *strings;
    size_t strings_size;
};

/* Fills OUT from the dynamic section DYN of the module loaded with bias BIAS; false when it
 * has no symbol, string or hash table. */
bool dl_module_symbols(const ElfW(Dyn) *dyn, uintptr_t bias, struct dl_module_symbols *out);

/* Whether ADDRESS lies in one of INFO's loaded segments. */
bool dl_module_holds(const struct dl_phdr_info *info, uintptr_t address);

#endif
