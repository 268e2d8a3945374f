/* Unit tests for last_first_dl_iterate_phdr (shim/record/unwind_modules.c), which libunwind
 * calls instead of dl_iterate_phdr: it must find the same module for any address as the
 * loader's walk does, offer each module at most once, and never offer its remembered
 * module once a library was loaded since. */
#include <check.h>
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unwind_modules.h"

/* What libunwind's callback does: stops at the module whose loaded segments hold ADDRESS. */
struct search {
    uintptr_t address;
    uintptr_t found_base;
    const char *found_name;
    int offered;
};

static int find_holder(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct search *search = arg;
    search->offered++;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        if (segment->p_type == PT_LOAD && search->address >= start &&
            search->address < start + segment->p_memsz) {
            search->found_base = info->dlpi_addr;
            search->found_name = info->dlpi_name;
            return 1;
        }
    }
    return 0;
}

/* Notes every module offered, to count them and tell one offered twice. */
enum { MAX_MODULES = 512 };
struct census {
    const ElfW(Phdr) *seen[MAX_MODULES];
    int count, twice;
};

static int count_all(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct census *census = arg;
    for (int i = 0; i < census->count; i++)
        if (census->seen[i] == info->dlpi_phdr)
            census->twice++;
    if (census->count < MAX_MODULES)
        census->seen[census->count++] = info->dlpi_phdr;
    return 0;
}

static void expect_same_answer(uintptr_t address)
{
    struct search loader = {address, 0, NULL, 0}, ours = {address, 0, NULL, 0};
    ck_assert_int_eq(dl_iterate_phdr(find_holder, &loader), 1);
    ck_assert_int_eq(last_first_dl_iterate_phdr(find_holder, &ours), 1);
    ck_assert_uint_eq(ours.found_base, loader.found_base);
    ck_assert_str_eq(ours.found_name, loader.found_name);
}

static void expect_every_module_once(void)
{
    struct census loader = {.count = 0}, ours = {.count = 0};
    dl_iterate_phdr(count_all, &loader);
    ck_assert_int_eq(last_first_dl_iterate_phdr(count_all, &ours), 0);
    ck_assert_int_eq(ours.twice, 0);
    ck_assert_int_eq(ours.count, loader.count);
}

START_TEST(finds_the_module_the_loader_finds)
{
    uintptr_t in_program = (uintptr_t)expect_same_answer, in_libc = (uintptr_t)snprintf,
              in_check = (uintptr_t)srunner_create;
    for (int round = 0; round < 3; round++) {
        expect_same_answer(in_program);
        expect_same_answer(in_libc);
        expect_same_answer(in_libc);        /* the remembered module, offered first */
        expect_same_answer(in_check);
    }
    /* the module found last comes first */
    struct search again = {in_check, 0, NULL, 0};
    last_first_dl_iterate_phdr(find_holder, &again);
    ck_assert_int_eq(again.offered, 1);
    /* an address in no module: every module says no, each once */
    struct search nowhere = {(uintptr_t)8, 0, NULL, 0}, loader = {(uintptr_t)8, 0, NULL, 0};
    ck_assert_int_eq(last_first_dl_iterate_phdr(find_holder, &nowhere), 0);
    dl_iterate_phdr(find_holder, &loader);
    ck_assert_int_eq(nowhere.offered, loader.offered);
    expect_every_module_once();
}
END_TEST

/* After a load the remembered copy may describe memory reused by another module: it is
 * not offered until a search finds a module again. */
START_TEST(a_load_since_makes_the_remembered_module_stale)
{
    expect_same_answer((uintptr_t)snprintf);
    void *library = dlopen("libanl.so.1", RTLD_NOW | RTLD_LOCAL);
    ck_assert_ptr_nonnull(library);
    void *function = dlsym(library, "getaddrinfo_a");
    ck_assert_ptr_nonnull(function);
    struct search after_load = {(uintptr_t)snprintf, 0, NULL, 0};
    struct search loader = {(uintptr_t)snprintf, 0, NULL, 0};
    last_first_dl_iterate_phdr(find_holder, &after_load);
    dl_iterate_phdr(find_holder, &loader);
    ck_assert_int_eq(after_load.offered, loader.offered);  /* the loader's order, no copy */
    expect_same_answer((uintptr_t)function);
    expect_every_module_once();
    dlclose(library);
    expect_same_answer((uintptr_t)snprintf);
    expect_every_module_once();
}
END_TEST

Suite *unwind_modules_suite(void)
{
    Suite *s = suite_create("unwind_modules");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, finds_the_module_the_loader_finds);
    tcase_add_test(tc, a_load_since_makes_the_remembered_module_stale);
    suite_add_tcase(s, tc);
    return s;
}
