/* Unit tests for a loaded module's dynamic symbols read where the dynamic linker mapped
 * them (dl_module.c): for every shared library of this process, the same symbols, in the
 * same order, as libelf reads from the file's .dynsym. */
#include <check.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "dl_module.h"

struct compared {
    size_t libraries;
};

/* The file's .dynsym through libelf, against the mapped table. */
static void compare_with_file(const struct dl_phdr_info *info, const struct dl_module_symbols *t)
{
    int fd = open(info->dlpi_name, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    ck_assert_ptr_nonnull(elf);
    Elf_Scn *scn = NULL;
    bool found = false;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        ck_assert_ptr_nonnull(gelf_getshdr(scn, &shdr));
        if (shdr.sh_type != SHT_DYNSYM)
            continue;
        found = true;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t count = shdr.sh_size / shdr.sh_entsize;
        ck_assert_uint_eq(t->count, count);
        for (size_t i = 1; i < count; i++) {
            GElf_Sym sym;
            ck_assert_ptr_nonnull(gelf_getsym(data, (int)i, &sym));
            ck_assert_uint_eq(t->symbols[i].st_value, sym.st_value);
            ck_assert_uint_eq(t->symbols[i].st_size, sym.st_size);
            ck_assert_uint_lt(t->symbols[i].st_name, t->strings_size);
            ck_assert_str_eq(t->strings + t->symbols[i].st_name,
                             elf_strptr(elf, shdr.sh_link, sym.st_name));
        }
    }
    ck_assert(found);
    elf_end(elf);
    close(fd);
}

static int compare_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct compared *c = arg;
    if (info->dlpi_name == NULL || info->dlpi_name[0] != '/')
        return 0;               /* the program itself, the vDSO */
    struct dl_module_symbols table;
    ck_assert(dl_module_symbols(dl_module_names_of(info).dyn, info->dlpi_addr, &table));
    compare_with_file(info, &table);
    c->libraries++;
    return 0;
}

START_TEST(mapped_dynamic_symbols_are_the_files)
{
    elf_version(EV_CURRENT);
    struct compared c = {0};
    dl_iterate_phdr(compare_module, &c);
    ck_assert_uint_ge(c.libraries, 4);          /* libc, libelf, libcheck, libZydis... */
}
END_TEST

START_TEST(a_module_without_tables_has_no_symbols)
{
    static const ElfW(Dyn) empty[] = {{DT_NULL, {0}}};
    struct dl_module_symbols table;
    ck_assert(!dl_module_symbols(empty, 0, &table));
    ck_assert(!dl_module_symbols(NULL, 0, &table));
}
END_TEST

Suite *dl_module_suite(void)
{
    Suite *s = suite_create("dl_module");
    TCase *tc = tcase_create("dynamic symbols");
    tcase_add_test(tc, mapped_dynamic_symbols_are_the_files);
    tcase_add_test(tc, a_module_without_tables_has_no_symbols);
    suite_add_tcase(s, tc);
    return s;
}
