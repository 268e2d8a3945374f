/* Relocation of an x86-64 function's first instructions: see relocate_x86_64.h.
 * Instructions are decoded with Capstone, never by hand. */
#include "relocate_x86_64.h"

#include <stdio.h>
#include <string.h>

uint8_t *x86_emit_jmp_abs(uint8_t *out, uint64_t to)
{
    out[0] = 0xff;
    out[1] = 0x25;
    memset(out + 2, 0, 4);
    memcpy(out + 6, &to, 8);
    return out + JMP_ABS_LEN;
}

bool x86_is_relative_branch(const cs_insn *insn)
{
    const cs_x86 *x86 = &insn->detail->x86;
    if (x86->op_count != 1 || x86->operands[0].type != X86_OP_IMM)
        return false;
    for (uint8_t i = 0; i < insn->detail->groups_count; i++) {
        uint8_t g = insn->detail->groups[i];
        if (g == X86_GRP_JUMP || g == X86_GRP_CALL || g == X86_GRP_BRANCH_RELATIVE)
            return true;
    }
    return false;
}

static uint8_t *relocate_branch(const cs_insn *insn, uint8_t *out, char *err, size_t errlen)
{
    uint64_t dest = (uint64_t)insn->detail->x86.operands[0].imm;
    if (insn->id == X86_INS_JMP)
        return x86_emit_jmp_abs(out, dest);
    if (insn->id == X86_INS_CALL) {
        /* call *2(%rip); jmp over the address; .quad dest */
        static const uint8_t call_abs[] = {0xff, 0x15, 0x02, 0, 0, 0, 0xeb, 0x08};
        memcpy(out, call_abs, sizeof call_abs);
        memcpy(out + sizeof call_abs, &dest, 8);
        return out + sizeof call_abs + 8;
    }
    uint8_t op = insn->bytes[0];
    uint8_t cc;
    if (insn->size == 2 && op >= 0x70 && op <= 0x7f)
        cc = op & 0x0f;
    else if (insn->size == 6 && op == 0x0f && insn->bytes[1] >= 0x80 && insn->bytes[1] <= 0x8f)
        cc = insn->bytes[1] & 0x0f;
    else {
        snprintf(err, errlen, "cannot move \"%s %s\" from the entry", insn->mnemonic, insn->op_str);
        return NULL;
    }
    out[0] = (uint8_t)(0x70 | (cc ^ 1));   /* inverted condition skips the far jump */
    out[1] = JMP_ABS_LEN;
    return x86_emit_jmp_abs(out + 2, dest);
}

/* Copies one displaced instruction to OUT, which will run at NEW_ADDR, rewriting what
 * depends on where it runs. Returns the end of what was written, or NULL. */
static uint8_t *relocate(const cs_insn *insn, uint8_t *out, uint64_t new_addr, char *err,
                         size_t errlen)
{
    if (x86_is_relative_branch(insn))
        return relocate_branch(insn, out, err, errlen);
    const cs_x86 *x86 = &insn->detail->x86;
    memcpy(out, insn->bytes, insn->size);
    for (uint8_t i = 0; i < x86->op_count; i++) {
        const cs_x86_op *op = &x86->operands[i];
        if (op->type != X86_OP_MEM || op->mem.base != X86_REG_RIP)
            continue;
        if (x86->encoding.disp_size != 4) {
            snprintf(err, errlen, "unexpected rip-relative encoding in \"%s\"", insn->mnemonic);
            return NULL;
        }
        int64_t target = (int64_t)insn->address + insn->size + op->mem.disp;
        int64_t disp = target - (int64_t)(new_addr + insn->size);
        if (disp != (int32_t)disp) {
            snprintf(err, errlen, "rip-relative operand out of reach after moving");
            return NULL;
        }
        int32_t d32 = (int32_t)disp;
        memcpy(out + x86->encoding.disp_offset, &d32, 4);
    }
    return out + insn->size;
}

bool x86_relocate_entry(csh cs, const uint8_t *code, size_t avail, uint64_t code_address,
                        size_t min, uint8_t *out, uint64_t out_address,
                        struct x86_moved *moved, char *err, size_t errlen)
{
    cs_insn *insn = cs_malloc(cs);
    const uint8_t *p = code;
    uint64_t addr = code_address;
    uint8_t *end = out;
    moved->displaced = moved->written = 0;
    while (end != NULL && moved->displaced < min) {
        if (!cs_disasm_iter(cs, &p, &avail, &addr, insn)) {
            snprintf(err, errlen, "the function is too short or cannot be decoded");
            end = NULL;
            break;
        }
        end = relocate(insn, end, out_address + (uint64_t)(end - out), err, errlen);
        moved->displaced += insn->size;
    }
    cs_free(insn, 1);
    if (end == NULL)
        return false;
    moved->written = (size_t)(end - out);
    return true;
}
