/* Data symbols from a module's .symtab (or .dynsym when it is stripped), read with libelf
 * the few times a holder is a global: the symbolizer only keeps functions. */
#include "global_names.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"

/* The data symbol of ELF containing OFFSET (a link-time address): its name and start. */
static bool find_data_symbol(Elf *elf, uintptr_t offset, char *name, size_t size,
                             uintptr_t *symbol_start)
{
    for (int pass = 0; pass < 2; pass++) {
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(elf, scn)) != NULL) {
            GElf_Shdr shdr;
            if (gelf_getshdr(scn, &shdr) == NULL ||
                shdr.sh_type != (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM) || shdr.sh_entsize == 0)
                continue;
            Elf_Data *data = elf_getdata(scn, NULL);
            size_t n = data ? shdr.sh_size / shdr.sh_entsize : 0;
            for (size_t i = 0; i < n; i++) {
                GElf_Sym sym;
                if (gelf_getsym(data, (int)i, &sym) == NULL ||
                    GELF_ST_TYPE(sym.st_info) != STT_OBJECT || sym.st_shndx == SHN_UNDEF ||
                    offset < sym.st_value || offset >= sym.st_value + (sym.st_size ? sym.st_size : 1))
                    continue;
                const char *raw = elf_strptr(elf, shdr.sh_link, sym.st_name);
                if (raw == NULL || raw[0] == '\0')
                    continue;
                char *pretty = demangle(raw);
                snprintf(name, size, "%s", pretty ? pretty : raw);
                free(pretty);
                *symbol_start = sym.st_value;
                return true;
            }
        }
    }
    return false;
}

/* The module last opened stays open until global_names_close: the globals that hold a
 * program's objects are often the same module's (gst-launch: three in one plugin), and
 * opening it again for each was a tenth of the exit scan. */
static char open_path[4096];
static int open_fd = -1;
static Elf *open_elf;

static Elf *open_module(const char *path)
{
    if (open_fd >= 0 && strcmp(path, open_path) == 0)
        return open_elf;
    global_names_close();
    if (strlen(path) >= sizeof open_path)
        return NULL;
    elf_version(EV_CURRENT);
    if ((open_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    snprintf(open_path, sizeof open_path, "%s", path);
    open_elf = elf_begin(open_fd, ELF_C_READ, NULL);
    return open_elf;
}

void global_name(const char *path, uintptr_t bias, uintptr_t address, char *out, size_t size)
{
    uintptr_t offset = address - bias;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(path, "/proc/self/exe") == 0)
        base = program_invocation_short_name;
    snprintf(out, size, "%s+0x%lx", base, (unsigned long)offset);
    Elf *elf = open_module(path);
    char name[256];
    uintptr_t start;
    if (elf != NULL && find_data_symbol(elf, offset, name, sizeof name, &start)) {
        if (offset == start)
            snprintf(out, size, "%s", name);
        else
            snprintf(out, size, "%s+%lu", name, (unsigned long)(offset - start));
    }
}

void global_names_close(void)
{
    if (open_elf != NULL)
        elf_end(open_elf);
    if (open_fd >= 0)
        close(open_fd);
    open_elf = NULL;
    open_fd = -1;
    open_path[0] = '\0';
}
