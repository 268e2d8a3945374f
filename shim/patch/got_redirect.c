/* GOT/PLT interposition, the fallback for functions whose entry cannot be patched (a
 * retry loop that jumps back to the entry, for one). The dynamic linker wrote the
 * function's address into GOT entries, into absolute pointers and, inside the defining
 * module, into vtables (relative relocations; arch_reloc_kind tells which); rewriting those
 * slots catches calls through the PLT and through vtables, but not direct calls inside the
 * defining module, which the shim says when it falls back. */
#include "got_redirect.h"

#include "arch.h"
#include "dl_module.h"
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct redirect {
    uintptr_t target, replacement;
    const char *name;
    uintptr_t only_in;          /* nonzero: only the module whose segments hold it */
    size_t changed;
};

struct dynamic_info {
    uintptr_t base;
    const ElfW(Sym) *symtab;
    const char *strtab;
    const ElfW(Rela) *rela, *jmprel;
    size_t rela_size, jmprel_size;
    uintptr_t relro_start, relro_end;
};

/* glibc stores most d_ptr values already relocated; the rest are module offsets. */
static uintptr_t dyn_address(const struct dynamic_info *info, ElfW(Addr) value)
{
    return value < info->base ? info->base + value : value;
}

/* A relocated pointer need not be aligned: Zydis's packed tables hold 1,767 of them. */
static uintptr_t read_slot(uintptr_t slot)
{
    uintptr_t value;
    memcpy(&value, (const void *)slot, sizeof value);
    return value;
}

static void write_slot(const struct dynamic_info *info, uintptr_t slot, uintptr_t value)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = slot & ~(uintptr_t)(page - 1);
    bool relro = slot >= info->relro_start && slot < info->relro_end;
    if (relro && mprotect((void *)start, (size_t)page, PROT_READ | PROT_WRITE) != 0)
        return;
    if (slot % sizeof value == 0)
        __atomic_store_n((uintptr_t *)slot, value, __ATOMIC_RELEASE);
    else
        memcpy((void *)slot, &value, sizeof value);
    if (relro)
        mprotect((void *)start, (size_t)page, PROT_READ);
}

static bool names_symbol(const struct dynamic_info *info, const ElfW(Rela) *r, const char *name)
{
    size_t index = ELF64_R_SYM(r->r_info);
    return index != 0 && info->symtab != NULL && info->strtab != NULL &&
           strcmp(info->strtab + info->symtab[index].st_name, name) == 0;
}

static void redirect_relocations(const struct dynamic_info *info, const ElfW(Rela) *rela,
                                 size_t size, struct redirect *want)
{
    for (size_t i = 0; rela != NULL && i < size / sizeof *rela; i++) {
        const ElfW(Rela) *r = &rela[i];
        uintptr_t slot = info->base + r->r_offset;
        uintptr_t value = read_slot(slot);
        enum reloc_kind kind = arch_reloc_kind((unsigned)ELF64_R_TYPE(r->r_info));
        bool match = false;
        if (kind == RELOC_RELATIVE)
            match = value == want->target;
        else if (kind == RELOC_SYMBOL_POINTER || kind == RELOC_PLT_SLOT)
            match = value == want->target ||
                    /* a lazy PLT slot not bound yet: bind it to us now */
                    (kind == RELOC_PLT_SLOT && value != want->replacement &&
                     names_symbol(info, r, want->name) && value >= info->base &&
                     value - info->base < 0x10000000);
        if (match && (kind == RELOC_RELATIVE || names_symbol(info, r, want->name))) {
            write_slot(info, slot, want->replacement);
            want->changed++;
        }
    }
}

static int redirect_in_module(struct dl_phdr_info *phdr, size_t size, void *arg)
{
    (void)size;
    const struct redirect *want = arg;
    if (want->only_in != 0 && !dl_module_holds(phdr, want->only_in))
        return 0;
    struct dynamic_info info = {.base = phdr->dlpi_addr};
    const ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < phdr->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &phdr->dlpi_phdr[i];
        if (ph->p_type == PT_DYNAMIC)
            dyn = (const ElfW(Dyn) *)(info.base + ph->p_vaddr);
        else if (ph->p_type == PT_GNU_RELRO) {
            info.relro_start = info.base + ph->p_vaddr;
            info.relro_end = info.relro_start + ph->p_memsz;
        }
    }
    for (; dyn != NULL && dyn->d_tag != DT_NULL; dyn++) {
        switch (dyn->d_tag) {
        case DT_SYMTAB: info.symtab = (const ElfW(Sym) *)dyn_address(&info, dyn->d_un.d_ptr); break;
        case DT_STRTAB: info.strtab = (const char *)dyn_address(&info, dyn->d_un.d_ptr); break;
        case DT_RELA: info.rela = (const ElfW(Rela) *)dyn_address(&info, dyn->d_un.d_ptr); break;
        case DT_RELASZ: info.rela_size = dyn->d_un.d_val; break;
        case DT_JMPREL: info.jmprel = (const ElfW(Rela) *)dyn_address(&info, dyn->d_un.d_ptr); break;
        case DT_PLTRELSZ: info.jmprel_size = dyn->d_un.d_val; break;
        default: break;
        }
    }
    redirect_relocations(&info, info.rela, info.rela_size, arg);
    redirect_relocations(&info, info.jmprel, info.jmprel_size, arg);
    return 0;
}

size_t got_redirect(uintptr_t target, const char *name, uintptr_t replacement)
{
    struct redirect want = {target, replacement, name, 0, 0};
    dl_iterate_phdr(redirect_in_module, &want);
    return want.changed;
}

size_t got_redirect_in(uintptr_t module_address, uintptr_t target, const char *name,
                       uintptr_t replacement)
{
    struct redirect want = {target, replacement, name, module_address, 0};
    dl_iterate_phdr(redirect_in_module, &want);
    return want.changed;
}
