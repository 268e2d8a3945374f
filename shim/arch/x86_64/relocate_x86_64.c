/* Relocation of an x86-64 function's first instructions: see relocate_x86_64.h.
 * Instructions are decoded with Zydis, never by hand: a decoder for x86 alone, which a
 * program loads and relocates in a fraction of the time Capstone's tables for every
 * architecture took (doc/performance.md). */
#include "relocate_x86_64.h"

#include <Zydis/Utils.h>
#include <Zydis/Zydis.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

_Static_assert(ZYDIS_VERSION_MAJOR(ZYDIS_VERSION) == 4, "the decoder calls are Zydis 4's");

static bool init_decoder(ZydisDecoder *decoder)
{
    return ZYAN_SUCCESS(ZydisDecoderInit(decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64));
}

bool x86_decode(const uint8_t *code, size_t avail, uint64_t address, struct x86_insn *insn)
{
    ZydisDecoder decoder;
    if (!init_decoder(&decoder) ||
        !ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, code, avail, &insn->zy, insn->operands)))
        return false;
    insn->bytes = code;
    insn->address = address;
    return true;
}

bool x86_decode_relative(const uint8_t *code, size_t avail, uint64_t address,
                         struct x86_insn *insn)
{
    /* Minimal mode: length, mnemonic and the raw fields, without the semantic analysis
     * that took half of a decoding. A relative immediate is a branch's destination (a
     * rip-relative operand is a displacement, not an immediate). */
    ZydisDecoder decoder;
    ZydisDecoderContext context;
    if (!init_decoder(&decoder) ||
        !ZYAN_SUCCESS(ZydisDecoderEnableMode(&decoder, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE)) ||
        !ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&decoder, &context, code, avail, &insn->zy)))
        return false;
    insn->bytes = code;
    insn->address = address;
    insn->zy.operand_count = insn->zy.operand_count_visible = 0;
    if (insn->zy.raw.imm[0].is_relative) {
        ZydisDecodedOperand *op = &insn->operands[0];
        memset(op, 0, sizeof *op);
        op->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        op->visibility = ZYDIS_OPERAND_VISIBILITY_EXPLICIT;
        op->imm.is_signed = ZYAN_TRUE;
        op->imm.is_relative = ZYAN_TRUE;
        op->imm.value.s = insn->zy.raw.imm[0].value.s;
        insn->zy.operand_count = insn->zy.operand_count_visible = 1;
    }
    return true;
}

uint8_t *x86_emit_jmp_abs(uint8_t *out, uint64_t to)
{
    out[0] = 0xff;
    out[1] = 0x25;
    memset(out + 2, 0, 4);
    memcpy(out + 6, &to, 8);
    return out + JMP_ABS_LEN;
}

bool x86_relative_branch(const struct x86_insn *insn, uint64_t *dest)
{
    const ZydisDecodedOperand *op = &insn->operands[0];
    if (insn->zy.operand_count_visible != 1 || op->type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
        !op->imm.is_relative)
        return false;
    ZyanU64 to;
    if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn->zy, op, insn->address, &to)))
        return false;
    *dest = to;
    return true;
}

static uint8_t *relocate_branch(const struct x86_insn *insn, uint64_t dest, uint8_t *out,
                                char *err, size_t errlen)
{
    if (insn->zy.mnemonic == ZYDIS_MNEMONIC_JMP)
        return x86_emit_jmp_abs(out, dest);
    if (insn->zy.mnemonic == ZYDIS_MNEMONIC_CALL) {
        /* call *2(%rip); jmp over the address; .quad dest */
        static const uint8_t call_abs[] = {0xff, 0x15, 0x02, 0, 0, 0, 0xeb, 0x08};
        memcpy(out, call_abs, sizeof call_abs);
        memcpy(out + sizeof call_abs, &dest, 8);
        return out + sizeof call_abs + 8;
    }
    const uint8_t *b = insn->bytes;
    uint8_t size = insn->zy.length;
    uint8_t cc;
    if (size == 2 && b[0] >= 0x70 && b[0] <= 0x7f)
        cc = b[0] & 0x0f;
    else if (size == 6 && b[0] == 0x0f && b[1] >= 0x80 && b[1] <= 0x8f)
        cc = b[1] & 0x0f;
    else {
        snprintf(err, errlen, "cannot move \"%s 0x%" PRIx64 "\" from the entry",
                 ZydisMnemonicGetString(insn->zy.mnemonic), dest);
        return NULL;
    }
    out[0] = (uint8_t)(0x70 | (cc ^ 1));   /* inverted condition skips the far jump */
    out[1] = JMP_ABS_LEN;
    return x86_emit_jmp_abs(out + 2, dest);
}

/* Copies one displaced instruction to OUT, which will run at NEW_ADDR, rewriting what
 * depends on where it runs. Returns the end of what was written, or NULL. */
static uint8_t *relocate(const struct x86_insn *insn, uint8_t *out, uint64_t new_addr,
                         char *err, size_t errlen)
{
    uint64_t dest;
    if (x86_relative_branch(insn, &dest))
        return relocate_branch(insn, dest, out, err, errlen);
    uint8_t size = insn->zy.length;
    memcpy(out, insn->bytes, size);
    for (uint8_t i = 0; i < insn->zy.operand_count; i++) {
        const ZydisDecodedOperand *op = &insn->operands[i];
        if (op->type != ZYDIS_OPERAND_TYPE_MEMORY || op->mem.base != ZYDIS_REGISTER_RIP)
            continue;
        if (insn->zy.raw.disp.size != 32) {
            snprintf(err, errlen, "unexpected rip-relative encoding in \"%s\"",
                     ZydisMnemonicGetString(insn->zy.mnemonic));
            return NULL;
        }
        int64_t target = (int64_t)insn->address + size + op->mem.disp.value;
        int64_t disp = target - (int64_t)(new_addr + size);
        if (disp != (int32_t)disp) {
            snprintf(err, errlen, "rip-relative operand out of reach after moving");
            return NULL;
        }
        int32_t d32 = (int32_t)disp;
        memcpy(out + insn->zy.raw.disp.offset, &d32, 4);
    }
    return out + size;
}

bool x86_relocate_entry(const uint8_t *code, size_t avail, uint64_t code_address, size_t min,
                        uint8_t *out, uint64_t out_address, struct x86_moved *moved, char *err,
                        size_t errlen)
{
    struct x86_insn insn;
    uint8_t *end = out;
    moved->displaced = moved->written = 0;
    while (moved->displaced < min) {
        size_t at = moved->displaced;
        if (!x86_decode(code + at, avail - at, code_address + at, &insn)) {
            snprintf(err, errlen, "the function is too short or cannot be decoded");
            return false;
        }
        end = relocate(&insn, end, out_address + (uint64_t)(end - out), err, errlen);
        if (end == NULL)
            return false;
        moved->displaced += insn.zy.length;
    }
    moved->written = (size_t)(end - out);
    return true;
}
