/* x86-64 entry path of every hooked function.
 *
 * A patched function entry jumps to a per-hook stub that loads the hook's context into r11
 * and jumps here. refshim_dispatch saves the argument registers and calls the context's
 * handler, handler(context, regs), the first member of the context (arch.h), which calls
 * the original through refshim_invoke and records the event. Both routines keep a frame pointer and full CFI so that libunwind
 * walks through them to the hooked function's caller. Layout of struct saved_regs: arch_cpu.h. */

/* ALIGN_NOTE: a hooked function may be entered with a stack aligned to 8 only: GCC
 * calls a function of the same file whose needs it knows without keeping the ABI's
 * 16-byte alignment (-fipa-stack-alignment, even at -O0). Every routine here aligns its
 * frame itself, for its movdqa and for the handler and original it calls. */
#define SAVE_SIZE 208   /* sizeof(struct saved_regs), a multiple of 16 */
#define STACK_ARGS_COPIED 128   /* bytes of caller stack arguments passed on: 16 words */

/* The frame every routine here keeps, with its CFI: libunwind walks through it. */
        .macro FRAME_ENTER
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        .endm

/* The integer argument registers, rax and r10 into the first 64 bytes of struct
 * saved_regs at the stack pointer. */
        .macro SAVE_ARGUMENT_REGISTERS
        movq    %rdi, 0(%rsp)
        movq    %rsi, 8(%rsp)
        movq    %rdx, 16(%rsp)
        movq    %rcx, 24(%rsp)
        movq    %r8, 32(%rsp)
        movq    %r9, 40(%rsp)
        movq    %rax, 48(%rsp)
        movq    %r10, 56(%rsp)
        .endm

/* Calls the context's handler (r11 holds the context, the saved registers are at the
 * stack pointer) and returns its result to the hooked function's caller. */
        .macro CALL_HANDLER_AND_RETURN
        movq    %r11, %rdi
        movq    %rsp, %rsi
        call    *(%r11)
        leave
        .cfi_def_cfa %rsp, 8
        ret
        .endm

        .text
        .globl  refshim_dispatch
        .hidden refshim_dispatch
        .type   refshim_dispatch, @function
        .p2align 4
refshim_dispatch:
        .cfi_startproc
        FRAME_ENTER
        andq    $-16, %rsp              /* see ALIGN_NOTE */
        subq    $SAVE_SIZE, %rsp
        SAVE_ARGUMENT_REGISTERS
        leaq    16(%rbp), %rax          /* above our saved rbp and the return address */
        movq    %rax, 64(%rsp)
        movdqa  %xmm0, 80(%rsp)
        movdqa  %xmm1, 96(%rsp)
        movdqa  %xmm2, 112(%rsp)
        movdqa  %xmm3, 128(%rsp)
        movdqa  %xmm4, 144(%rsp)
        movdqa  %xmm5, 160(%rsp)
        movdqa  %xmm6, 176(%rsp)
        movdqa  %xmm7, 192(%rsp)
        CALL_HANDLER_AND_RETURN
        .cfi_endproc
        .globl  refshim_dispatch_end
        .hidden refshim_dispatch_end
refshim_dispatch_end:
        .size   refshim_dispatch, . - refshim_dispatch

/* uint64_t refshim_invoke(void *fn, const struct saved_regs *regs)
 * Calls fn with the saved registers and a copy of the caller's first stack words, so that
 * functions with up to 16 words of stack arguments (variadic g_object_new, for one) still
 * receive them. */
        .globl  refshim_invoke
        .hidden refshim_invoke
        .type   refshim_invoke, @function
        .p2align 4
refshim_invoke:
        .cfi_startproc
        FRAME_ENTER
        pushq   %rbx
        .cfi_offset %rbx, -24
        andq    $-16, %rsp
        subq    $STACK_ARGS_COPIED, %rsp
        movq    %rdi, %r11
        movq    %rsi, %rbx
        movq    64(%rbx), %rsi          /* copy the caller's stack arguments */
        xorl    %ecx, %ecx
1:      movq    (%rsi,%rcx,8), %rax
        movq    %rax, (%rsp,%rcx,8)
        incl    %ecx
        cmpl    $(STACK_ARGS_COPIED / 8), %ecx
        jb      1b
        movdqa  80(%rbx), %xmm0
        movdqa  96(%rbx), %xmm1
        movdqa  112(%rbx), %xmm2
        movdqa  128(%rbx), %xmm3
        movdqa  144(%rbx), %xmm4
        movdqa  160(%rbx), %xmm5
        movdqa  176(%rbx), %xmm6
        movdqa  192(%rbx), %xmm7
        movq    0(%rbx), %rdi
        movq    8(%rbx), %rsi
        movq    16(%rbx), %rdx
        movq    24(%rbx), %rcx
        movq    32(%rbx), %r8
        movq    40(%rbx), %r9
        movq    48(%rbx), %rax
        movq    56(%rbx), %r10
        call    *%r11
        movq    -8(%rbp), %rbx
        leave
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   refshim_invoke, . - refshim_invoke

/* The lean path, for functions known to take at most six integer or pointer arguments
 * and no vector ones (AddRef, Release, g_object_ref...): only the argument registers are
 * saved (the first 64 bytes of struct saved_regs), and the original is reached by a tail
 * jump. About half the cost of the full path, which matters for calls that are filtered
 * out. */
        .globl  refshim_dispatch_lean
        .hidden refshim_dispatch_lean
        .type   refshim_dispatch_lean, @function
        .p2align 4
refshim_dispatch_lean:
        .cfi_startproc
        FRAME_ENTER
        andq    $-16, %rsp
        subq    $64, %rsp
        SAVE_ARGUMENT_REGISTERS
        CALL_HANDLER_AND_RETURN
        .cfi_endproc
        .size   refshim_dispatch_lean, . - refshim_dispatch_lean

/* uint64_t refshim_invoke_lean(void *fn, const struct saved_regs *regs) */
        .globl  refshim_invoke_lean
        .hidden refshim_invoke_lean
        .type   refshim_invoke_lean, @function
        .p2align 4
refshim_invoke_lean:
        .cfi_startproc
        movq    %rdi, %r11
        movq    0(%rsi), %rdi
        movq    16(%rsi), %rdx
        movq    24(%rsi), %rcx
        movq    32(%rsi), %r8
        movq    40(%rsi), %r9
        movq    48(%rsi), %rax
        movq    56(%rsi), %r10
        movq    8(%rsi), %rsi
        jmp     *%r11
        .cfi_endproc
        .size   refshim_invoke_lean, . - refshim_invoke_lean

        .section .note.GNU-stack,"",@progbits
