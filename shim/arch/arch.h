/* The architecture-specific half of the shim: saving a hooked call's arguments, calling the
 * original through its trampoline, patching a function's entry, waiting in a spin loop.
 * shim/arch/$(ARCH)/ implements it (arch_cpu.h for the inline parts, then the patcher and
 * the dispatch stubs); only x86_64/ exists today, and an aarch64 port is a folder beside it.
 * Code outside shim/arch/ names no register and no instruction. */
#ifndef REFSHIM_ARCH_H
#define REFSHIM_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct saved_regs, saved_arg(), arch_cpu_relax(), arch_is_sigreturn_trampoline(): from
 * the folder of the CPU the shim is built for (make ARCH=...). */
#include "arch_cpu.h"

/* A hook's CONTEXT (what arch_patch_entry was given) starts with this function, which
 * refshim_dispatch calls in place of the hooked function with the context and the saved
 * registers; its result is what the caller receives. */
typedef uint64_t (*arch_call_handler)(void *context, struct saved_regs *regs);
/* The second member of a CONTEXT: NULL, or a filter that refshim_dispatch calls first,
 * before it has saved any vector register. It returns a function (the original) to enter
 * with the hooked call's own registers and stack, as if the hook were not there, or NULL
 * to go on to the handler. It must not touch a vector register, nor call anything that
 * may: ARCH_NO_VECTOR_REGS (arch_cpu.h) on it and on every function it calls, which then
 * inline only functions marked the same way. This spares calls the handler would not
 * record the cost of keeping the vector state (REGISTERS_NOTE in the dispatch code). */
typedef void *(*arch_call_filter)(void *context, const struct saved_regs *regs);

/* Calls FN with the saved registers (and the caller's first stack arguments), and keeps
 * what FN left in the registers for the hooked call's caller (the argument values stay). */
uint64_t refshim_invoke(void *fn, const struct saved_regs *regs);
/* The same for a lean hook: the argument registers only; the caller gets back the entry
 * values of the registers, and the result. */
uint64_t refshim_invoke_lean(void *fn, const struct saved_regs *regs);

/* Bounds of refshim_dispatch's code, to find where the hooked call's caller starts in a
 * captured stack. */
extern const char refshim_dispatch[], refshim_dispatch_end[], refshim_dispatch_lean[];

static inline void *saved_first_arg(const struct saved_regs *regs)
{
    return (void *)(uintptr_t)saved_arg(regs, 0);
}

/* Patches the entry of the function at TARGET (SIZE bytes long, 0 if unknown) so that it
 * enters refshim_dispatch with CONTEXT, or refshim_dispatch_lean when LEAN (the function
 * takes at most six integer or pointer arguments and no vector ones, and returns at most
 * one integer or pointer). Either way the hooked call returns with every register the
 * caller may rely on, even beyond the ABI (GCC's -fipa-ra), as the original left it; a
 * handler calls the original at most once. *ORIGINAL receives a trampoline that behaves like
 * the unpatched function. On failure returns false and a reason in ERR; nothing is changed. */
bool arch_patch_entry(void *target, size_t size, void *context, bool lean, void **original,
                      char *err, size_t errlen);

/* What a dynamic relocation of this architecture writes, for got_redirect.c. */
enum reloc_kind {
    RELOC_OTHER,
    RELOC_RELATIVE,             /* base + addend: local pointers, vtables of the module */
    RELOC_SYMBOL_POINTER,       /* a symbol's address: GOT entries, absolute pointers */
    RELOC_PLT_SLOT,             /* a symbol's address, bound lazily: PLT GOT entries */
};
enum reloc_kind arch_reloc_kind(unsigned type);

/* In a forked child: another thread may have held the patching lock at the fork. */
void arch_after_fork_child(void);

/* Makes a stub that enters refshim_dispatch with CONTEXT, for pointers (GOT entries,
 * vtable slots) redirected to it when the entry cannot be patched. NULL on failure. */
void *arch_make_stub(void *context, bool lean);

#endif
