/* Unit tests for what the holder scan skips to stay cheap: pages of anonymous memory never
 * touched (they read as zeros), the files libelf maps for the symbolizer and the data of
 * the libraries only the shim needs, while the pages the program wrote, its own file
 * mappings and the libraries it needs too are still read. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan_memory.h"

#define PAGE_BYTES 4096u

START_TEST(page_runs_tell_touched_pages_from_untouched_ones)
{
    size_t size = 64 * PAGE_BYTES;
    char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(memory, MAP_FAILED);
    memory[10 * PAGE_BYTES + 5] = 1;
    memory[11 * PAGE_BYTES] = 1;
    uintptr_t start = (uintptr_t)memory, end = start + size;
    bool untouched;
    size_t run = scan_page_run(start, end, &untouched);
    ck_assert(untouched);
    ck_assert_uint_eq(run, 10 * PAGE_BYTES);
    run = scan_page_run(start + 10 * PAGE_BYTES, end, &untouched);
    ck_assert(!untouched);
    ck_assert_uint_eq(run, 2 * PAGE_BYTES);
    run = scan_page_run(start + 12 * PAGE_BYTES, end, &untouched);
    ck_assert(untouched);
    ck_assert_uint_eq(run, 52 * PAGE_BYTES);
    /* From the middle of a page, to the middle of another. */
    run = scan_page_run(start + 10 * PAGE_BYTES + 8, start + 11 * PAGE_BYTES + 16, &untouched);
    ck_assert(!untouched);
    ck_assert_uint_eq(run, PAGE_BYTES + 8);
    scan_pages_close();
    munmap(memory, size);
}
END_TEST

static bool lists_region_at(uintptr_t start, const struct scan_exclusion *files, size_t count)
{
    struct scan_region *regions;
    size_t region_count, bytes;
    char here;
    ck_assert(scan_memory_regions((uintptr_t)&here, files, count, &regions, &region_count, &bytes));
    bool found = false;
    for (size_t i = 0; i < region_count; i++)
        if (regions[i].start == start)
            found = true;
    scan_free(regions, bytes);
    return found;
}

/* The mappings asked of the kernel one by one (PROCMAP_QUERY) are those the text of
 * /proc/self/maps lists, with the same labels, kinds and bounds. */
START_TEST(mappings_asked_and_read_as_text_agree)
{
    char here;
    struct scan_region *asked, *read;
    size_t asked_count, read_count, asked_bytes, read_bytes;
    ck_assert(scan_memory_regions((uintptr_t)&here, NULL, 0, &asked, &asked_count, &asked_bytes));
    scan_memory_read_maps_text(true);
    ck_assert(scan_memory_regions((uintptr_t)&here, NULL, 0, &read, &read_count, &read_bytes));
    scan_memory_read_maps_text(false);
    ck_assert_uint_gt(read_count, 3);
    ck_assert_uint_eq(asked_count, read_count);
    for (size_t i = 0; i < read_count; i++) {
        ck_assert_uint_eq(asked[i].start, read[i].start);
        ck_assert_uint_eq(asked[i].end, read[i].end);
        ck_assert_int_eq(asked[i].kind, read[i].kind);
        ck_assert_int_eq(asked[i].anonymous, read[i].anonymous);
        ck_assert_str_eq(asked[i].label, read[i].label);
    }
    scan_free(asked, asked_bytes);
    scan_free(read, read_bytes);
}
END_TEST

START_TEST(maps_lines_are_read_field_by_field)
{
    unsigned long start, end, inode;
    const char *perms, *path;
    ck_assert(scan_parse_maps_line("7f01a2b3c000-7f01a2b3e000 rw-p 0001c000 fe:01 1835042                    /usr/lib/x86_64-linux-gnu/libz.so.1.2.13",
                                   &start, &end, &perms, &inode, &path));
    ck_assert_uint_eq(start, 0x7f01a2b3c000ul);
    ck_assert_uint_eq(end, 0x7f01a2b3e000ul);
    ck_assert_int_eq(strncmp(perms, "rw-p ", 5), 0);
    ck_assert_uint_eq(inode, 1835042);
    ck_assert_str_eq(path, "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
    ck_assert(scan_parse_maps_line("55d0c8a1f000-55d0c8a40000 rw-p 00000000 00:00 0 ", &start, &end,
                                   &perms, &inode, &path));
    ck_assert_uint_eq(inode, 0);
    ck_assert_str_eq(path, "");
    ck_assert(scan_parse_maps_line("1000-2000 rw-s 00000000 00:05 77 /tmp/a b (deleted)", &start, &end,
                                   &perms, &inode, &path));
    ck_assert_str_eq(path, "/tmp/a b (deleted)");
    ck_assert(!scan_parse_maps_line("1000-2000 rw-p", &start, &end, &perms, &inode, &path));
    ck_assert(!scan_parse_maps_line("1000 2000 rw-p 0 00:00 0", &start, &end, &perms, &inode, &path));
    ck_assert(!scan_parse_maps_line("", &start, &end, &perms, &inode, &path));
}
END_TEST

START_TEST(shim_files_are_left_out_and_other_file_mappings_kept)
{
    char path[] = "/tmp/refshim_scan_memory_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    size_t size = 3 * PAGE_BYTES;
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    char *image = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    ck_assert_ptr_ne(image, MAP_FAILED);
    close(fd);
    uintptr_t start = (uintptr_t)image;
    ck_assert(lists_region_at(start, NULL, 0));
    /* libelf's size need not end on a page: the mapping does. */
    struct scan_exclusion file = {start, start + size - 100};
    ck_assert(!lists_region_at(start, &file, 1));
    struct scan_exclusion part = {start, start + PAGE_BYTES};
    ck_assert(lists_region_at(start, &part, 1));
    munmap(image, size);
}
END_TEST

/* The strings a fake module's DT_NEEDED entries point into, and the offset of each. */
static const char needed_strings[] = "\0libc.so.6\0libZydis.so.4.0\0libdw.so.1\0libelf.so.1\0"
                                     "libz.so.1\0libglib-2.0.so.0\0ld-linux-x86-64.so.2";
enum { LIBC = 1, ZYDIS = 11, DW = 27, ELF = 38, Z = 50, GLIB = 60, LD = 77 };

#define NEEDS(...) ((const ElfW(Dyn)[]){__VA_ARGS__, {DT_NULL, {0}}})
#define N(at) {DT_NEEDED, {at}}

static void list_shim_only(const struct scan_module *modules, size_t count, char *out)
{
    out[0] = '\0';
    for (size_t i = 0; i < count; i++)
        if (modules[i].shim_only) {
            strcat(out, modules[i].name ? modules[i].name : "(program)");
            strcat(out, " ");
        }
}

START_TEST(libraries_only_the_shim_needs_are_told_from_the_programs)
{
    struct scan_module modules[] = {
        {NULL, NEEDS(N(GLIB), N(LIBC)), needed_strings, false, false},          /* the program */
        {"librefshim.so", NEEDS(N(ZYDIS), N(DW), N(LIBC)), needed_strings, true, false},
        {"libZydis.so.4.0", NEEDS(N(LIBC)), needed_strings, false, false},
        {"libdw.so.1", NEEDS(N(ELF), N(Z)), needed_strings, false, false},
        {"libelf.so.1", NEEDS(N(Z)), needed_strings, false, false},
        {"libz.so.1", NULL, NULL, false, false},
        {"libglib-2.0.so.0", NEEDS(N(Z), N(LIBC)), needed_strings, false, false},
        {"libc.so.6", NEEDS(N(LD)), needed_strings, false, false},
        {"ld-linux-x86-64.so.2", NULL, NULL, false, false},
    };
    char names[256];
    scan_find_shim_only(modules, sizeof modules / sizeof modules[0]);
    list_shim_only(modules, sizeof modules / sizeof modules[0], names);
    /* libz: the program's glib needs it too; the shim itself is left out on its own. */
    ck_assert_str_eq(names, "libZydis.so.4.0 libdw.so.1 libelf.so.1 ");
}
END_TEST

START_TEST(a_library_the_program_needs_is_read)
{
    struct scan_module modules[] = {
        {NULL, NEEDS(N(ZYDIS)), needed_strings, false, false},
        {"librefshim.so", NEEDS(N(ZYDIS)), needed_strings, true, false},
        {"libZydis.so.4.0", NULL, NULL, false, false},
    };
    char names[256];
    scan_find_shim_only(modules, 3);
    list_shim_only(modules, 3, names);
    ck_assert_str_eq(names, "");
    /* Without the program's need, the same library is the shim's alone. */
    modules[0].dyn = NULL;
    scan_find_shim_only(modules, 3);
    list_shim_only(modules, 3, names);
    ck_assert_str_eq(names, "libZydis.so.4.0 ");
}
END_TEST

Suite *scan_memory_suite(void)
{
    Suite *s = suite_create("scan_memory");
    TCase *tc = tcase_create("skipping");
    tcase_add_test(tc, page_runs_tell_touched_pages_from_untouched_ones);
    tcase_add_test(tc, maps_lines_are_read_field_by_field);
    tcase_add_test(tc, mappings_asked_and_read_as_text_agree);
    tcase_add_test(tc, shim_files_are_left_out_and_other_file_mappings_kept);
    tcase_add_test(tc, libraries_only_the_shim_needs_are_told_from_the_programs);
    tcase_add_test(tc, a_library_the_program_needs_is_read);
    suite_add_tcase(s, tc);
    return s;
}
