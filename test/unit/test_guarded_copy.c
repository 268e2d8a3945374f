/* Unit tests for the exit scan's in-place copies (guarded_copy.c): they copy what is
 * readable, stop at the first page that is not, as process_vm_readv does, and leave the
 * program's own fault handling as it was, during the scan and after it. */
#include <check.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "guarded_copy.h"
#include "scan_memory.h"

#define PAGE_BYTES 4096u

/* Three pages of a pattern, the middle one unreadable when HOLE. */
static unsigned char *three_pages(bool hole)
{
    unsigned char *m = mmap(NULL, 3 * PAGE_BYTES, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(m, MAP_FAILED);
    for (size_t i = 0; i < 3 * PAGE_BYTES; i++)
        m[i] = (unsigned char)(i * 7 + 3);
    if (hole)
        ck_assert_int_eq(mprotect(m + PAGE_BYTES, PAGE_BYTES, PROT_NONE), 0);
    return m;
}

START_TEST(readable_memory_is_copied_whole)
{
    unsigned char *m = three_pages(false), copy[3 * PAGE_BYTES];
    ck_assert(guarded_copy_begin());
    ck_assert(guarded_copy_active());
    /* An odd start and length: the tail is copied byte by byte. */
    ck_assert_uint_eq(guarded_copy(copy, (uintptr_t)(m + 5), 3 * PAGE_BYTES - 8), 3 * PAGE_BYTES - 8);
    guarded_copy_end();
    ck_assert(!guarded_copy_active());
    ck_assert_int_eq(memcmp(copy, m + 5, 3 * PAGE_BYTES - 8), 0);
}
END_TEST

START_TEST(a_copy_stops_at_the_first_unreadable_page)
{
    unsigned char *m = three_pages(true), copy[3 * PAGE_BYTES];
    ck_assert(guarded_copy_begin());
    ck_assert_uint_eq(guarded_copy(copy, (uintptr_t)(m + 100), 2 * PAGE_BYTES), PAGE_BYTES - 100);
    ck_assert_uint_eq(guarded_copy(copy, (uintptr_t)(m + PAGE_BYTES), 16), 0);
    /* The copy goes on working after a fault. */
    ck_assert_uint_eq(guarded_copy(copy, (uintptr_t)(m + 2 * PAGE_BYTES), PAGE_BYTES), PAGE_BYTES);
    guarded_copy_end();
    ck_assert_int_eq(memcmp(copy, m + 2 * PAGE_BYTES, PAGE_BYTES), 0);
}
END_TEST

/* scan_read gives the same answer copied in place as through the kernel. */
START_TEST(scan_reads_agree_in_place_and_through_the_kernel)
{
    unsigned char *m = three_pages(true), kernel[2 * PAGE_BYTES], in_place[2 * PAGE_BYTES];
    size_t by_kernel = scan_read((uintptr_t)(m + 8), kernel, 2 * PAGE_BYTES);
    ck_assert(guarded_copy_begin());
    size_t by_copy = scan_read((uintptr_t)(m + 8), in_place, 2 * PAGE_BYTES);
    guarded_copy_end();
    ck_assert_uint_eq(by_kernel, PAGE_BYTES - 8);
    ck_assert_uint_eq(by_copy, by_kernel);
    ck_assert_int_eq(memcmp(kernel, in_place, by_copy), 0);
}
END_TEST

struct walk {
    uintptr_t from;
    size_t words;
    uint64_t sum;
    size_t read;
};

static void sum_words(void *arg)
{
    struct walk *w = arg;
    for (size_t i = 0; i < w->words; i++, w->read++)
        w->sum += guarded_load(w->from + i * 8);
}

static unsigned char *hole;
static bool copied_none;

static void copy_then_load(void *arg)
{
    (void)arg;
    unsigned char copy[16];
    copied_none = guarded_copy(copy, (uintptr_t)hole, sizeof copy) == 0;
    guarded_load((uintptr_t)hole);
}

/* A walk that reads words where they are (the heap's chunks) is left at a fault, and the
 * words before it were read. */
START_TEST(a_run_is_left_at_its_first_fault)
{
    unsigned char *m = three_pages(true);
    struct walk whole = {(uintptr_t)(m + 2 * PAGE_BYTES), PAGE_BYTES / 8, 0, 0};
    struct walk into_hole = {(uintptr_t)(m + PAGE_BYTES - 16), 4, 0, 0};
    ck_assert(guarded_copy_begin());
    ck_assert(guarded_run(sum_words, &whole));
    ck_assert(!guarded_run(sum_words, &into_hole));
    ck_assert_uint_eq(into_hole.read, 2);
    /* A copy inside a run leaves the run's guard in place for what follows it. */
    hole = m + PAGE_BYTES;
    ck_assert(!guarded_run(copy_then_load, NULL));
    ck_assert(copied_none);
    guarded_copy_end();
    uint64_t sum = 0;
    for (size_t i = 0; i < PAGE_BYTES / 8; i++) {
        uint64_t word;
        memcpy(&word, m + 2 * PAGE_BYTES + i * 8, 8);
        sum += word;
    }
    ck_assert_uint_eq(whole.sum, sum);
}
END_TEST

/* The program's handler, which makes the faulting page readable: a garbage collector's
 * write barrier, a JIT's lazy mapping. */
static unsigned char *fixable_page;
static int program_faults;

static void program_handler(int sig, siginfo_t *info, void *context)
{
    (void)sig, (void)context;
    program_faults++;
    if ((unsigned char *)info->si_addr >= fixable_page &&
        (unsigned char *)info->si_addr < fixable_page + PAGE_BYTES)
        mprotect(fixable_page, PAGE_BYTES, PROT_READ | PROT_WRITE);
}

START_TEST(faults_outside_a_copy_reach_the_programs_handler)
{
    unsigned char *m = three_pages(true);
    fixable_page = m + PAGE_BYTES;
    struct sigaction program, now;
    memset(&program, 0, sizeof program);
    program.sa_sigaction = program_handler;
    program.sa_flags = SA_SIGINFO;
    sigemptyset(&program.sa_mask);
    ck_assert_int_eq(sigaction(SIGSEGV, &program, NULL), 0);
    ck_assert(guarded_copy_begin());
    volatile unsigned char *page = fixable_page;
    page[0] = 42;               /* faults once; the program's handler makes it writable */
    ck_assert_int_eq(program_faults, 1);
    ck_assert_uint_eq(fixable_page[0], 42);
    guarded_copy_end();
    ck_assert_int_eq(sigaction(SIGSEGV, NULL, &now), 0);
    ck_assert_ptr_eq((void *)now.sa_sigaction, (void *)program_handler);
}
END_TEST

/* A thread that blocks SIGSEGV would die of a fault in the copy: it is refused. */
START_TEST(a_thread_that_blocks_faults_is_refused)
{
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, &segv, NULL), 0);
    ck_assert(!guarded_copy_begin());
    ck_assert(!guarded_copy_active());
    ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &segv, NULL), 0);
    ck_assert(guarded_copy_begin());
    ck_assert(!guarded_copy_begin());           /* once at a time */
    guarded_copy_end();
}
END_TEST

Suite *guarded_copy_suite(void)
{
    Suite *s = suite_create("guarded_copy");
    TCase *tc = tcase_create("copies");
    tcase_add_test(tc, readable_memory_is_copied_whole);
    tcase_add_test(tc, a_copy_stops_at_the_first_unreadable_page);
    tcase_add_test(tc, scan_reads_agree_in_place_and_through_the_kernel);
    tcase_add_test(tc, a_run_is_left_at_its_first_fault);
    tcase_add_test(tc, faults_outside_a_copy_reach_the_programs_handler);
    tcase_add_test(tc, a_thread_that_blocks_faults_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
