/* Unit tests for moving an x86-64 function's first instructions into a trampoline
 * (shim/arch/x86_64/relocate_x86_64.c): known instruction bytes in, exact bytes out. The
 * code "runs" at CODE_AT and the trampoline at OUT_AT; nothing is executed. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "relocate_x86_64.h"

#define CODE_AT 0x400000ull
#define OUT_AT 0x10400000ull            /* 256 MiB away: within a 32-bit displacement */

static csh cs;
static uint8_t out[4 * RELOCATED_MAX];
static struct x86_moved moved;
static char err[160];

static void open_capstone(void)
{
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    memset(out, 0xcc, sizeof out);
    err[0] = '\0';
}

static void close_capstone(void)
{
    cs_close(&cs);
}

static bool move_entry(const uint8_t *code, size_t len, uint64_t out_at)
{
    return x86_relocate_entry(cs, code, len, CODE_AT, JMP_REL32_LEN, out, out_at, &moved, err,
                              sizeof err);
}

static uint64_t quad_at(size_t offset)
{
    uint64_t v;
    memcpy(&v, out + offset, 8);
    return v;
}

static int32_t disp32_at(size_t offset)
{
    int32_t v;
    memcpy(&v, out + offset, 4);
    return v;
}

/* jmp *0(%rip) followed by its 8-byte destination. */
static void assert_jmp_abs(size_t offset, uint64_t dest)
{
    static const uint8_t jmp_abs[] = {0xff, 0x25, 0, 0, 0, 0};
    ck_assert_mem_eq(out + offset, jmp_abs, sizeof jmp_abs);
    ck_assert_uint_eq(quad_at(offset + 6), dest);
}

START_TEST(position_independent_instructions_are_copied)
{
    /* push %rbp; mov %rsp,%rbp; sub $0x10,%rsp */
    static const uint8_t code[] = {0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec, 0x10, 0xc3};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 8);
    ck_assert_uint_eq(moved.written, 8);
    ck_assert_mem_eq(out, code, 8);
}
END_TEST

START_TEST(rip_relative_mov_gets_a_new_displacement)
{
    /* mov 0x10(%rip),%rax: reads CODE_AT + 7 + 0x10 */
    static const uint8_t code[] = {0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 7);
    ck_assert_uint_eq(moved.written, 7);
    ck_assert_mem_eq(out, code, 3);
    ck_assert_int_eq(disp32_at(3), (int64_t)(CODE_AT + 7 + 0x10) - (int64_t)(OUT_AT + 7));
}
END_TEST

START_TEST(rip_relative_lea_after_another_instruction)
{
    /* push %rbx; lea 0x20(%rip),%rdi: the lea moves to OUT_AT + 1 */
    static const uint8_t code[] = {0x53, 0x48, 0x8d, 0x3d, 0x20, 0x00, 0x00, 0x00};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 8);
    ck_assert_uint_eq(out[0], 0x53);
    ck_assert_mem_eq(out + 1, code + 1, 3);
    ck_assert_int_eq(disp32_at(4), (int64_t)(CODE_AT + 8 + 0x20) - (int64_t)(OUT_AT + 8));
}
END_TEST

START_TEST(rip_relative_out_of_reach_is_refused)
{
    static const uint8_t code[] = {0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00};
    ck_assert(!move_entry(code, sizeof code, CODE_AT + 0x100000000ull));
    ck_assert_str_eq(err, "rip-relative operand out of reach after moving");
}
END_TEST

START_TEST(jmp_rel8_becomes_absolute)
{
    /* jmp .+0x12 (to CODE_AT + 2 + 0x10); the nops after it complete the five bytes */
    static const uint8_t code[] = {0xeb, 0x10, 0x90, 0x90, 0x90};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 5);
    ck_assert_uint_eq(moved.written, JMP_ABS_LEN + 3);
    assert_jmp_abs(0, CODE_AT + 2 + 0x10);
    ck_assert_uint_eq(out[JMP_ABS_LEN], 0x90);
}
END_TEST

START_TEST(jmp_rel32_becomes_absolute)
{
    static const uint8_t code[] = {0xe9, 0x00, 0x01, 0x00, 0x00};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 5);
    ck_assert_uint_eq(moved.written, JMP_ABS_LEN);
    assert_jmp_abs(0, CODE_AT + 5 + 0x100);
}
END_TEST

START_TEST(call_rel32_becomes_call_through_an_address)
{
    /* call .-0x20: to CODE_AT + 5 - 0x20 */
    static const uint8_t code[] = {0xe8, 0xe0, 0xff, 0xff, 0xff};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.written, 16);
    static const uint8_t call_abs[] = {0xff, 0x15, 0x02, 0, 0, 0, 0xeb, 0x08};
    ck_assert_mem_eq(out, call_abs, sizeof call_abs);
    ck_assert_uint_eq(quad_at(8), CODE_AT + 5 - 0x20);
}
END_TEST

START_TEST(jcc_rel8_becomes_inverted_skip_over_absolute_jump)
{
    /* je .+0x12; three nops */
    static const uint8_t code[] = {0x74, 0x10, 0x90, 0x90, 0x90};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 5);
    ck_assert_uint_eq(out[0], 0x75);              /* jne */
    ck_assert_uint_eq(out[1], JMP_ABS_LEN);       /* over the absolute jump */
    assert_jmp_abs(2, CODE_AT + 2 + 0x10);
}
END_TEST

START_TEST(jcc_rel32_becomes_inverted_skip_over_absolute_jump)
{
    /* jl .+0x406: to CODE_AT + 6 + 0x400 */
    static const uint8_t code[] = {0x0f, 0x8c, 0x00, 0x04, 0x00, 0x00};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 6);
    ck_assert_uint_eq(out[0], 0x7d);              /* jge */
    ck_assert_uint_eq(out[1], JMP_ABS_LEN);
    assert_jmp_abs(2, CODE_AT + 6 + 0x400);
    ck_assert_uint_eq(moved.written, 2 + JMP_ABS_LEN);
}
END_TEST

START_TEST(jrcxz_cannot_be_moved)
{
    static const uint8_t code[] = {0xe3, 0x10, 0x90, 0x90, 0x90};
    ck_assert(!move_entry(code, sizeof code, OUT_AT));
    ck_assert_str_eq(err, "cannot move \"jrcxz 0x400012\" from the entry");
}
END_TEST

START_TEST(too_short_a_function_is_refused)
{
    static const uint8_t code[] = {0x90, 0xc3};
    ck_assert(!move_entry(code, sizeof code, OUT_AT));
    ck_assert_str_eq(err, "the function is too short or cannot be decoded");
}
END_TEST

Suite *relocate_suite(void)
{
    Suite *s = suite_create("relocate_x86_64");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, open_capstone, close_capstone);
    tcase_add_test(tc, position_independent_instructions_are_copied);
    tcase_add_test(tc, rip_relative_mov_gets_a_new_displacement);
    tcase_add_test(tc, rip_relative_lea_after_another_instruction);
    tcase_add_test(tc, rip_relative_out_of_reach_is_refused);
    tcase_add_test(tc, jmp_rel8_becomes_absolute);
    tcase_add_test(tc, jmp_rel32_becomes_absolute);
    tcase_add_test(tc, call_rel32_becomes_call_through_an_address);
    tcase_add_test(tc, jcc_rel8_becomes_inverted_skip_over_absolute_jump);
    tcase_add_test(tc, jcc_rel32_becomes_inverted_skip_over_absolute_jump);
    tcase_add_test(tc, jrcxz_cannot_be_moved);
    tcase_add_test(tc, too_short_a_function_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
