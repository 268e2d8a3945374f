/* dl_module.c - the names and extent of a loaded module, from its program headers. */
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
