/* Moving the first instructions of an x86-64 function elsewhere (into a hook's
 * trampoline), rewriting what depends on where they run. Plain logic on bytes, apart from
 * the patcher, so that unit tests can feed it known instructions. */
#ifndef REFSHIM_RELOCATE_X86_64_H
#define REFSHIM_RELOCATE_X86_64_H

#include <Zydis/Decoder.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JMP_REL32_LEN 5
#define JMP_ABS_LEN 14          /* jmp *0(%rip); .quad target */
/* The most one instruction can become: a call through an absolute address. */
#define RELOCATED_MAX 16

/* One decoded instruction, with the bytes it was decoded from and where they run. */
struct x86_insn {
    ZydisDecodedInstruction zy;
    ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
    const uint8_t *bytes;
    uint64_t address;
};

/* Decodes the instruction at CODE (at most AVAIL bytes), which runs at ADDRESS. False
 * when the bytes are not a whole valid instruction. Allocates nothing. */
bool x86_decode(const uint8_t *code, size_t avail, uint64_t address, struct x86_insn *insn);
/* The same, with the operands only of an instruction that has position-relative ones (a
 * relative branch, a rip-relative operand); any other has none (operand_count 0). What a
 * walk over a whole function for its branches needs, at a fraction of the cost: a
 * program's start walks some 1,100 instructions. */
bool x86_decode_relative(const uint8_t *code, size_t avail, uint64_t address,
                         struct x86_insn *insn);
/* True for jmp, call, jcc, jrcxz, loop with an immediate (relative) destination; DEST
 * then gets that destination. */
bool x86_relative_branch(const struct x86_insn *insn, uint64_t *dest);
/* Writes jmp *0(%rip); .quad TO at OUT. Returns its end. */
uint8_t *x86_emit_jmp_abs(uint8_t *out, uint64_t to);

struct x86_moved {
    size_t displaced;           /* bytes taken from the entry: whole instructions */
    size_t written;             /* bytes written to OUT */
};

/* Moves whole instructions from CODE (AVAIL bytes, which run at CODE_ADDRESS) until at
 * least MIN bytes are taken, to OUT, which will run at OUT_ADDRESS and has room for
 * RELOCATED_MAX bytes per instruction. Relative jumps and calls become absolute ones,
 * conditional jumps an inverted short jump over an absolute one, rip-relative operands
 * get new displacements. On failure returns false with a reason in ERR. */
bool x86_relocate_entry(const uint8_t *code, size_t avail, uint64_t code_address, size_t min,
                        uint8_t *out, uint64_t out_address, struct x86_moved *moved, char *err,
                        size_t errlen);

#endif
