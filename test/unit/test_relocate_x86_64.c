/* Unit tests for moving an x86-64 function's first instructions into a trampoline
 * (shim/arch/x86_64/relocate_x86_64.c): known instruction bytes in, exact bytes out. The
 * code "runs" at CODE_AT and the trampoline at OUT_AT; nothing is executed. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "relocate_x86_64.h"

#define CODE_AT 0x400000ull
#define OUT_AT 0x10400000ull            /* 256 MiB away: within a 32-bit displacement */

static uint8_t out[4 * RELOCATED_MAX];
static struct x86_moved moved;
static char err[160];

static void clear_output(void)
{
    memset(out, 0xcc, sizeof out);
    err[0] = '\0';
}

static bool move_entry(const uint8_t *code, size_t len, uint64_t out_at)
{
    return x86_relocate_entry(code, len, CODE_AT, JMP_REL32_LEN, out, out_at, &moved, err,
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

/* CODE, one instruction of SIZE bytes whose rip-relative displacement 0x10 is at
 * DISP_AT: copied but for the displacement, which points at the same place from the
 * trampoline (a displacement counts from the instruction's end). */
static void assert_rip_relative_moved(const uint8_t *code, size_t size, size_t disp_at)
{
    ck_assert(move_entry(code, size, OUT_AT));
    ck_assert_uint_eq(moved.written, size);
    ck_assert_mem_eq(out, code, disp_at);
    int64_t length = (int64_t)size;
    ck_assert_int_eq(disp32_at(disp_at),
                     ((int64_t)CODE_AT + length + 0x10) - ((int64_t)OUT_AT + length));
}

/* CODE's first COPIED bytes, whole instructions, moved as they are. */
static void assert_copied(const uint8_t *code, size_t size, size_t copied)
{
    ck_assert(move_entry(code, size, OUT_AT));
    ck_assert_uint_eq(moved.displaced, copied);
    ck_assert_uint_eq(moved.written, copied);
    ck_assert_mem_eq(out, code, copied);
}

START_TEST(position_independent_instructions_are_copied)
{
    /* push %rbp; mov %rsp,%rbp; sub $0x10,%rsp */
    static const uint8_t code[] = {0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec, 0x10, 0xc3};
    assert_copied(code, sizeof code, 8);
}
END_TEST

START_TEST(rip_relative_mov_gets_a_new_displacement)
{
    /* mov 0x10(%rip),%rax: reads CODE_AT + 7 + 0x10 */
    static const uint8_t code[] = {0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00};
    assert_rip_relative_moved(code, sizeof code, 3);
    ck_assert_uint_eq(moved.displaced, 7);
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

START_TEST(endbr64_prologue_is_copied)
{
    /* endbr64; push %rbp; mov %rsp,%rbp: the jump needs the first two */
    static const uint8_t code[] = {0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5};
    assert_copied(code, sizeof code, 5);
}
END_TEST

START_TEST(rip_relative_operand_before_an_immediate)
{
    /* cmpl $5,0x10(%rip): the displacement is counted from the end, after the immediate */
    static const uint8_t code[] = {0x83, 0x3d, 0x10, 0x00, 0x00, 0x00, 0x05};
    assert_rip_relative_moved(code, sizeof code, 2);
    ck_assert_uint_eq(out[6], 0x05);
}
END_TEST

START_TEST(rip_relative_vex_load_gets_a_new_displacement)
{
    /* vmovdqa 0x10(%rip),%xmm0: a two-byte VEX prefix before the opcode */
    static const uint8_t code[] = {0xc5, 0xf9, 0x6f, 0x05, 0x10, 0x00, 0x00, 0x00};
    assert_rip_relative_moved(code, sizeof code, 4);
}
END_TEST

START_TEST(rip_relative_sse_load_with_operand_size_prefix)
{
    /* movdqa 0x10(%rip),%xmm0: 66-prefixed, as in libm's and libcrypto's entries; Capstone
     * 4 misread its displacement's size and such entries could not be hooked */
    static const uint8_t code[] = {0x66, 0x0f, 0x6f, 0x05, 0x10, 0x00, 0x00, 0x00};
    assert_rip_relative_moved(code, sizeof code, 4);
}
END_TEST

START_TEST(indirect_jump_through_rip_is_not_a_relative_branch)
{
    /* jmp *0x10(%rip), as in a PLT entry: its memory operand moves, it stays a jmp */
    static const uint8_t code[] = {0xff, 0x25, 0x10, 0x00, 0x00, 0x00};
    assert_rip_relative_moved(code, sizeof code, 2);
}
END_TEST

START_TEST(bnd_jmp_becomes_absolute)
{
    /* bnd jmp .+0x106, as in a PLT built for MPX */
    static const uint8_t code[] = {0xf2, 0xe9, 0x00, 0x01, 0x00, 0x00};
    ck_assert(move_entry(code, sizeof code, OUT_AT));
    ck_assert_uint_eq(moved.displaced, 6);
    ck_assert_uint_eq(moved.written, JMP_ABS_LEN);
    assert_jmp_abs(0, CODE_AT + 6 + 0x100);
}
END_TEST

START_TEST(relative_branch_destinations)
{
    struct x86_insn insn;
    uint64_t dest = 0;
    static const uint8_t call[] = {0xe8, 0xe0, 0xff, 0xff, 0xff};
    ck_assert(x86_decode(call, sizeof call, CODE_AT, &insn));
    ck_assert_uint_eq(insn.zy.length, 5);
    ck_assert(x86_relative_branch(&insn, &dest));
    ck_assert_uint_eq(dest, CODE_AT + 5 - 0x20);
    static const uint8_t jne_back[] = {0x75, 0xfe};    /* jne to itself */
    ck_assert(x86_decode(jne_back, sizeof jne_back, CODE_AT, &insn));
    ck_assert(x86_relative_branch(&insn, &dest));
    ck_assert_uint_eq(dest, CODE_AT);
    static const uint8_t lea[] = {0x48, 0x8d, 0x3d, 0x20, 0x00, 0x00, 0x00};
    ck_assert(x86_decode(lea, sizeof lea, CODE_AT, &insn));
    ck_assert(!x86_relative_branch(&insn, &dest));
    static const uint8_t call_rax[] = {0xff, 0xd0};
    ck_assert(x86_decode(call_rax, sizeof call_rax, CODE_AT, &insn));
    ck_assert(!x86_relative_branch(&insn, &dest));
    /* A call cut short by the end of the bytes is no instruction. */
    ck_assert(!x86_decode(call, 3, CODE_AT, &insn));
}
END_TEST

/* The walk for branches decodes operands only of instructions with relative ones: its
 * answers are x86_decode's, for branches, rip-relative operands and everything else. */
START_TEST(decoding_for_branches_answers_as_a_full_decoding)
{
    static const uint8_t call[] = {0xe8, 0xe0, 0xff, 0xff, 0xff};
    static const uint8_t jne_back[] = {0x75, 0xfe};
    static const uint8_t jmp_rel32[] = {0xe9, 0x10, 0x00, 0x00, 0x00};
    static const uint8_t lea_rip[] = {0x48, 0x8d, 0x3d, 0x20, 0x00, 0x00, 0x00};
    static const uint8_t call_rax[] = {0xff, 0xd0};
    static const uint8_t mov_imm[] = {0x48, 0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00};
    static const uint8_t jmp_rip[] = {0xff, 0x25, 0x00, 0x10, 0x00, 0x00};
    const struct { const uint8_t *bytes; size_t size; } cases[] = {
        {call, sizeof call}, {jne_back, sizeof jne_back}, {jmp_rel32, sizeof jmp_rel32},
        {lea_rip, sizeof lea_rip}, {call_rax, sizeof call_rax}, {mov_imm, sizeof mov_imm},
        {jmp_rip, sizeof jmp_rip},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct x86_insn full, relative;
        uint64_t full_dest = 0, relative_dest = 0;
        ck_assert(x86_decode(cases[i].bytes, cases[i].size, CODE_AT, &full));
        ck_assert(x86_decode_relative(cases[i].bytes, cases[i].size, CODE_AT, &relative));
        ck_assert_uint_eq(relative.zy.length, full.zy.length);
        ck_assert_int_eq(x86_relative_branch(&relative, &relative_dest),
                         x86_relative_branch(&full, &full_dest));
        ck_assert_uint_eq(relative_dest, full_dest);
    }
    struct x86_insn insn;
    ck_assert(!x86_decode_relative(call, 3, CODE_AT, &insn));
}
END_TEST

START_TEST(loop_cannot_be_moved)
{
    static const uint8_t code[] = {0xe2, 0x10, 0x90, 0x90, 0x90};
    ck_assert(!move_entry(code, sizeof code, OUT_AT));
    ck_assert_str_eq(err, "cannot move \"loop 0x400012\" from the entry");
}
END_TEST

Suite *relocate_suite(void)
{
    Suite *s = suite_create("relocate_x86_64");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, clear_output, NULL);
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
    tcase_add_test(tc, endbr64_prologue_is_copied);
    tcase_add_test(tc, rip_relative_operand_before_an_immediate);
    tcase_add_test(tc, rip_relative_vex_load_gets_a_new_displacement);
    tcase_add_test(tc, rip_relative_sse_load_with_operand_size_prefix);
    tcase_add_test(tc, indirect_jump_through_rip_is_not_a_relative_branch);
    tcase_add_test(tc, bnd_jmp_becomes_absolute);
    tcase_add_test(tc, relative_branch_destinations);
    tcase_add_test(tc, loop_cannot_be_moved);
    tcase_add_test(tc, decoding_for_branches_answers_as_a_full_decoding);
    suite_add_tcase(s, tc);
    return s;
}
