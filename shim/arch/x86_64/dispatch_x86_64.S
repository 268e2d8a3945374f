/* x86-64 entry path of every hooked function.
 *
 * A patched function entry jumps to a per-hook stub that parks the caller's r11 just below
 * the stack pointer, loads the hook's context into r11 and jumps here. refshim_dispatch
 * saves the registers and calls the context's handler, handler(context, regs), the first
 * member of the context (arch.h), which calls the original through refshim_invoke and
 * records the event. Both routines keep a frame pointer and full CFI so that libunwind
 * walks through them to the hooked function's caller. Layout of struct saved_regs:
 * arch_cpu.h. */

/* REGISTERS_NOTE: the caller may rely on more than the ABI promises. GCC's -fipa-ra (on at
 * -O2) lets a caller keep values in call-clobbered registers, general and vector, that it
 * knows the real callee leaves alone; the handler, libc and libunwind it runs clobber them.
 * So the hooked call returns with every call-clobbered register holding what the original
 * left there, given that it started from the caller's values:
 *   - on the full path refshim_invoke enters the original with the registers of the entry
 *     (vector state included) and writes back what the original left; the return
 *     registers (rdx, xmm0, xmm1, ymm and zmm upper halves) come from there too;
 *   - a lean function returns at most an integer in rax (arch.h), so the lean path gives
 *     back the entry value of every register but rax, which holds the handler's result.
 * The vector state (SSE, AVX, AVX-512 and its mask registers; never the x87 stack, which
 * holds a long double result) is kept with xsavec, xsave or, on CPUs without XSAVE,
 * fxsave, into an area of the size arch_x86_64.c found with cpuid. MXCSR comes with it. */

/* ALIGN_NOTE: a hooked function may be entered with a stack aligned to 8 only: GCC
 * calls a function of the same file whose needs it knows without keeping the ABI's
 * 16-byte alignment (-fipa-stack-alignment, even at -O0). Every routine here aligns its
 * frame itself, for xsave and for the handler and original it calls. */

/* struct saved_regs (arch_cpu.h): offsets of its members. */
#define ARG_RDI 0
#define ARG_RSI 8
#define ARG_RDX 16
#define ARG_RCX 24
#define ARG_R8 32
#define ARG_R9 40
#define ARG_RAX 48
#define ARG_R10 56
#define STACK_ARGS 64
#define ARG_R11 72
#define VECTOR_STATE 80
#define BACK 96                 /* what the caller gets back: the same order, rdi to r11 */
#define SAVE_SIZE 176           /* sizeof(struct saved_regs), a multiple of 16 */

#define STACK_ARGS_COPIED 128   /* bytes of caller stack arguments passed on: 16 words */
#define XSAVE_HEADER 512        /* offset of the XSAVE header in the vector state area */

/* enum vector_save_kind, arch_x86_64.c */
#define VECTOR_FXSAVE 0
#define VECTOR_XSAVE 1
#define VECTOR_XSAVEC 2

/* The frame every routine here keeps, with its CFI: libunwind walks through it. */
        .macro FRAME_ENTER
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        .endm

/* The general call-clobbered registers but r11 into the struct saved_regs at BASE, from
 * member FIRST on (0 for the argument registers, BACK for what the caller gets back). */
        .macro STORE_GENERAL base, first
        movq    %rdi, \first+ARG_RDI(\base)
        movq    %rsi, \first+ARG_RSI(\base)
        movq    %rdx, \first+ARG_RDX(\base)
        movq    %rcx, \first+ARG_RCX(\base)
        movq    %r8, \first+ARG_R8(\base)
        movq    %r9, \first+ARG_R9(\base)
        movq    %rax, \first+ARG_RAX(\base)
        movq    %r10, \first+ARG_R10(\base)
        .endm

/* The vector state into the 64-byte aligned area at rdi; clobbers rax and rdx. */
        .macro SAVE_VECTOR_STATE
        movl    refshim_vector_mask(%rip), %eax
        xorl    %edx, %edx
        cmpb    $VECTOR_XSAVEC, refshim_vector_kind(%rip)
        jne     .Lnot_xsavec\@
        xsavec64 (%rdi)
        jmp     .Lsaved\@
.Lnot_xsavec\@:
        cmpb    $VECTOR_XSAVE, refshim_vector_kind(%rip)
        jne     .Lfxsave\@
        xsave64 (%rdi)
        jmp     .Lsaved\@
.Lfxsave\@:
        fxsave64 (%rdi)
.Lsaved\@:
        .endm

/* The vector state from the area at rdi; clobbers rax and rdx. */
        .macro RESTORE_VECTOR_STATE
        movl    refshim_vector_mask(%rip), %eax
        xorl    %edx, %edx
        cmpb    $VECTOR_FXSAVE, refshim_vector_kind(%rip)
        je      .Lfxrstor\@
        xrstor64 (%rdi)
        jmp     .Lrestored\@
.Lfxrstor\@:
        fxrstor64 (%rdi)
.Lrestored\@:
        .endm

        .text
/* The same code serves both paths: they differ in the invoke routine hooks.h picks. */
        .globl  refshim_dispatch
        .hidden refshim_dispatch
        .type   refshim_dispatch, @function
        .globl  refshim_dispatch_lean
        .hidden refshim_dispatch_lean
        .type   refshim_dispatch_lean, @function
        .p2align 4
refshim_dispatch:
refshim_dispatch_lean:
        .cfi_startproc
        FRAME_ENTER                     /* the caller's r11 is now at -8(%rbp) */
        subq    $8, %rsp
        subq    refshim_vector_size(%rip), %rsp
        andq    $-64, %rsp              /* for xsave; see ALIGN_NOTE */
        subq    $SAVE_SIZE, %rsp
        STORE_GENERAL %rsp, 0
        STORE_GENERAL %rsp, BACK
        movq    -8(%rbp), %rax
        movq    %rax, ARG_R11(%rsp)
        movq    %rax, BACK+ARG_R11(%rsp)
        leaq    16(%rbp), %rax          /* above our saved rbp and the return address */
        movq    %rax, STACK_ARGS(%rsp)
        leaq    SAVE_SIZE(%rsp), %rdi
        movq    %rdi, VECTOR_STATE(%rsp)
        xorl    %eax, %eax              /* XRSTOR wants the header's reserved bytes zero */
        movq    %rax, XSAVE_HEADER+8(%rdi)
        movq    %rax, XSAVE_HEADER+16(%rdi)
        movq    %rax, XSAVE_HEADER+24(%rdi)
        movq    %rax, XSAVE_HEADER+32(%rdi)
        movq    %rax, XSAVE_HEADER+40(%rdi)
        movq    %rax, XSAVE_HEADER+48(%rdi)
        movq    %rax, XSAVE_HEADER+56(%rdi)
        SAVE_VECTOR_STATE

        movq    %r11, %rdi
        movq    %rsp, %rsi
        call    *(%r11)

        movq    %rax, BACK+ARG_RAX(%rsp)        /* the handler's result */
        movq    VECTOR_STATE(%rsp), %rdi
        RESTORE_VECTOR_STATE
        movq    BACK+ARG_RDI(%rsp), %rdi
        movq    BACK+ARG_RSI(%rsp), %rsi
        movq    BACK+ARG_RDX(%rsp), %rdx
        movq    BACK+ARG_RCX(%rsp), %rcx
        movq    BACK+ARG_R8(%rsp), %r8
        movq    BACK+ARG_R9(%rsp), %r9
        movq    BACK+ARG_RAX(%rsp), %rax
        movq    BACK+ARG_R10(%rsp), %r10
        movq    BACK+ARG_R11(%rsp), %r11
        leave
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .globl  refshim_dispatch_end
        .hidden refshim_dispatch_end
refshim_dispatch_end:
        .size   refshim_dispatch, . - refshim_dispatch
        .size   refshim_dispatch_lean, . - refshim_dispatch_lean

/* uint64_t refshim_invoke(void *fn, const struct saved_regs *regs)
 * Calls fn with the registers of the hooked call's entry, vector state included, and a
 * copy of the caller's first stack words, so that functions with up to 16 words of stack
 * arguments (variadic g_object_new, for one) still receive them. Then writes what fn left
 * in the registers to the part of REGS the caller gets back (REGISTERS_NOTE); the
 * argument part stays as it was, for the handler to read. */
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
        subq    $(STACK_ARGS_COPIED + 16), %rsp
        movq    %rdi, STACK_ARGS_COPIED(%rsp)   /* fn, above the copied arguments */
        movq    %rsi, %rbx
        movq    STACK_ARGS(%rbx), %rsi  /* copy the caller's stack arguments */
        xorl    %ecx, %ecx
1:      movq    (%rsi,%rcx,8), %rax
        movq    %rax, (%rsp,%rcx,8)
        incl    %ecx
        cmpl    $(STACK_ARGS_COPIED / 8), %ecx
        jb      1b
        movq    VECTOR_STATE(%rbx), %rdi
        RESTORE_VECTOR_STATE
        movq    ARG_RDI(%rbx), %rdi
        movq    ARG_RSI(%rbx), %rsi
        movq    ARG_RDX(%rbx), %rdx
        movq    ARG_RCX(%rbx), %rcx
        movq    ARG_R8(%rbx), %r8
        movq    ARG_R9(%rbx), %r9
        movq    ARG_RAX(%rbx), %rax
        movq    ARG_R10(%rbx), %r10
        movq    ARG_R11(%rbx), %r11
        call    *STACK_ARGS_COPIED(%rsp)
        STORE_GENERAL %rbx, BACK
        movq    %r11, BACK+ARG_R11(%rbx)
        movq    VECTOR_STATE(%rbx), %rdi
        SAVE_VECTOR_STATE
        movq    BACK+ARG_RAX(%rbx), %rax
        movq    -8(%rbp), %rbx
        leave
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   refshim_invoke, . - refshim_invoke

/* uint64_t refshim_invoke_lean(void *fn, const struct saved_regs *regs)
 * A tail jump with the argument registers: what the original leaves but rax does not
 * matter, refshim_dispatch gives the caller the entry values back (REGISTERS_NOTE). */
        .globl  refshim_invoke_lean
        .hidden refshim_invoke_lean
        .type   refshim_invoke_lean, @function
        .p2align 4
refshim_invoke_lean:
        .cfi_startproc
        movq    %rdi, %r11
        movq    ARG_RDI(%rsi), %rdi
        movq    ARG_RDX(%rsi), %rdx
        movq    ARG_RCX(%rsi), %rcx
        movq    ARG_R8(%rsi), %r8
        movq    ARG_R9(%rsi), %r9
        movq    ARG_RAX(%rsi), %rax
        movq    ARG_R10(%rsi), %r10
        movq    ARG_RSI(%rsi), %rsi
        jmp     *%r11
        .cfi_endproc
        .size   refshim_invoke_lean, . - refshim_invoke_lean

        .section .note.GNU-stack,"",@progbits
