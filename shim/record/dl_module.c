/* dl_module.c - the names, extent and dynamic symbols of a loaded module, from its
 * program headers and dynamic section, in the memory the dynamic linker mapped. */
#include "dl_module.h"

#include <string.h>

struct dl_module_names dl_module_names_of(const struct dl_phdr_info *info)
{
    struct dl_module_names names = {NULL, NULL, NULL};
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            names.dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    size_t soname = SIZE_MAX;
    for (const ElfW(Dyn) *d = names.dyn; d != NULL && d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_STRTAB)      /* glibc relocates most d_ptr values, not all */
            names.strtab = (const char *)(d->d_un.d_ptr < info->dlpi_addr
                                              ? info->dlpi_addr + d->d_un.d_ptr
                                              : d->d_un.d_ptr);
        else if (d->d_tag == DT_SONAME)
            soname = d->d_un.d_val;
    }
    if (names.strtab != NULL && soname != SIZE_MAX) {
        names.soname = names.strtab + soname;
    } else if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0') {
        const char *slash = strrchr(info->dlpi_name, '/');
        names.soname = slash ? slash + 1 : info->dlpi_name;
    }
    return names;
}

/* A dynamic section's pointer: glibc relocates most d_ptr values in place, not all. */
static uintptr_t dyn_pointer(const ElfW(Dyn) *d, uintptr_t bias)
{
    return d->d_un.d_ptr < bias ? bias + d->d_un.d_ptr : d->d_un.d_ptr;
}

/* The number of .dynsym entries, which no dynamic tag gives: a SysV hash table's chain
 * count, else one past the highest index a GNU hash table's buckets and chains reach. */
static size_t gnu_hash_count(const uint32_t *table)
{
    uint32_t buckets = table[0], first = table[1], bloom_words = table[2];
    const uint32_t *bucket = table + 4 + bloom_words * (sizeof(ElfW(Addr)) / 4);
    const uint32_t *chain = bucket + buckets;
    uint32_t last = 0;
    for (uint32_t i = 0; i < buckets; i++)
        if (bucket[i] > last)
            last = bucket[i];
    if (last < first)
        return first;
    while (!(chain[last - first] & 1))      /* the low bit ends a chain */
        last++;
    return (size_t)last + 1;
}

bool dl_module_symbols(const ElfW(Dyn) *dyn, uintptr_t bias, struct dl_module_symbols *out)
{
    memset(out, 0, sizeof *out);
    const uint32_t *sysv = NULL, *gnu = NULL;
    for (const ElfW(Dyn) *d = dyn; d != NULL && d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_SYMTAB: out->symbols = (const ElfW(Sym) *)dyn_pointer(d, bias); break;
        case DT_STRTAB: out->strings = (const char *)dyn_pointer(d, bias); break;
        case DT_STRSZ: out->strings_size = d->d_un.d_val; break;
        case DT_HASH: sysv = (const uint32_t *)dyn_pointer(d, bias); break;
        case DT_GNU_HASH: gnu = (const uint32_t *)dyn_pointer(d, bias); break;
        default: break;
        }
    }
    if (out->symbols == NULL || out->strings == NULL || out->strings_size == 0 ||
        (sysv == NULL && gnu == NULL))
        return false;
    out->count = sysv != NULL ? sysv[1] : gnu_hash_count(gnu);
    return true;
}

bool dl_module_holds(const struct dl_phdr_info *info, uintptr_t address)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && address >= start && address - start < ph->p_memsz)
            return true;
    }
    return false;
}
