/* x86-64 entry path of every hooked function.
 *
 * A patched function entry jumps to a per-hook stub that parks the caller's r11 just below
 * the stack pointer, loads the hook's context into r11 and jumps here. refshim_dispatch
 * saves the registers and calls the context's handler, handler(context, regs), the first
 * member of the context (arch.h), which calls the original through refshim_invoke and
 * records the event; a context with a filter (arch.h) runs it first, and a call it lets
 * through enters the original as if unhooked, without the vector state ever being saved
 * (FILTER_NOTE). Both routines keep a frame pointer and full CFI so that libunwind
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
 *     back the entry value of every register but rax, which holds the handler's result;
 *   - a call a filter lets through enters the original with the entry registers and
 *     stack, and the original returns to the caller itself.
 * The vector registers are kept as wide as they are (xmm0-15; ymm0-15 with AVX; zmm0-31
 * and k0-7 with AVX-512), one move each: xsave and xrstor would also do it, but cost about
 * 200 ns a pair on some CPUs, against about 15 ns. Not kept: the x87 stack (it holds a
 * long double result and is empty otherwise) and MXCSR, whose control bits C code keeps
 * and whose status bits the ABI lets any callee set. */

/* ALIGN_NOTE: a hooked function may be entered with a stack aligned to 8 only: GCC
 * calls a function of the same file whose needs it knows without keeping the ABI's
 * 16-byte alignment (-fipa-stack-alignment, even at -O0). Every routine here aligns its
 * frame itself, for its aligned moves and for the handler and original it calls. */

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

#define CONTEXT_FILTER 8         /* a hook's context: handler, then filter (arch.h) */

#define STACK_ARGS_COPIED 128   /* bytes of caller stack arguments passed on: 16 words */

/* enum vector_save_kind, arch_x86_64.c */
#define VECTOR_SSE 0
#define VECTOR_AVX 1
#define VECTOR_AVX512 2         /* without AVX512BW: 16-bit mask registers */
#define VECTOR_AVX512_BW 3

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

/* The general call-clobbered registers but r11 back from the struct saved_regs at BASE,
 * from member FIRST on, as STORE_GENERAL put them. */
        .macro RESTORE_GENERAL base, first
        movq    \first+ARG_RDI(\base), %rdi
        movq    \first+ARG_RSI(\base), %rsi
        movq    \first+ARG_RDX(\base), %rdx
        movq    \first+ARG_RCX(\base), %rcx
        movq    \first+ARG_R8(\base), %r8
        movq    \first+ARG_R9(\base), %r9
        movq    \first+ARG_RAX(\base), %rax
        movq    \first+ARG_R10(\base), %r10
        .endm

/* INSN moves each vector register PREFIX0..PREFIXn (n in NUMBERS) to or from its SIZE-byte
 * slot at OFFSET + n * SIZE of the area at rdi; TO_AREA says which way. */
        .macro MOVE_VECTORS insn, prefix, size, offset, to_area, numbers:vararg
        .irp    n, \numbers
        .if \to_area
        \insn  %\prefix\()\n, \offset+\n*\size(%rdi)
        .else
        \insn  \offset+\n*\size(%rdi), %\prefix\()\n
        .endif
        .endr
        .endm

#define REGS_8 0,1,2,3,4,5,6,7
#define REGS_16 REGS_8,8,9,10,11,12,13,14,15
#define REGS_32 REGS_16,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31

/* The vector registers into the 64-byte aligned area at rdi, as wide as the CPU and the
 * kernel make them (arch_x86_64.c chose the kind); clobbers nothing else. */
        .macro SAVE_VECTOR_STATE
        cmpb    $VECTOR_AVX, refshim_vector_kind(%rip)
        je      .Lavx\@
        jb      .Lsse\@
        MOVE_VECTORS vmovdqa64, zmm, 64, 0, 1, REGS_32
        cmpb    $VECTOR_AVX512_BW, refshim_vector_kind(%rip)
        jne     .Lmask16\@
        MOVE_VECTORS kmovq, k, 8, 2048, 1, REGS_8
        jmp     .Lsaved\@
.Lmask16\@:
        MOVE_VECTORS kmovw, k, 8, 2048, 1, REGS_8
        jmp     .Lsaved\@
.Lavx\@:
        MOVE_VECTORS vmovdqa, ymm, 32, 0, 1, REGS_16
        jmp     .Lsaved\@
.Lsse\@:
        MOVE_VECTORS movdqa, xmm, 16, 0, 1, REGS_16
.Lsaved\@:
        .endm

/* The vector registers from the area at rdi. */
        .macro RESTORE_VECTOR_STATE
        cmpb    $VECTOR_AVX, refshim_vector_kind(%rip)
        je      .Lavx\@
        jb      .Lsse\@
        MOVE_VECTORS vmovdqa64, zmm, 64, 0, 0, REGS_32
        cmpb    $VECTOR_AVX512_BW, refshim_vector_kind(%rip)
        jne     .Lmask16\@
        MOVE_VECTORS kmovq, k, 8, 2048, 0, REGS_8
        jmp     .Lrestored\@
.Lmask16\@:
        MOVE_VECTORS kmovw, k, 8, 2048, 0, REGS_8
        jmp     .Lrestored\@
.Lavx\@:
        MOVE_VECTORS vmovdqa, ymm, 32, 0, 0, REGS_16
        jmp     .Lrestored\@
.Lsse\@:
        MOVE_VECTORS movdqa, xmm, 16, 0, 0, REGS_16
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
        andq    $-64, %rsp              /* for vmovdqa64; see ALIGN_NOTE */
        subq    $SAVE_SIZE, %rsp
        STORE_GENERAL %rsp, 0
        movq    -8(%rbp), %rax
        movq    %rax, ARG_R11(%rsp)
        leaq    16(%rbp), %rax          /* above our saved rbp and the return address */
        movq    %rax, STACK_ARGS(%rsp)
        leaq    SAVE_SIZE(%rsp), %rax
        movq    %rax, VECTOR_STATE(%rsp)
        movq    CONTEXT_FILTER(%r11), %rax
        testq   %rax, %rax
        jz      .Lhandle

        /* FILTER_NOTE: the filter touches no vector register (arch.h), so they still hold
         * the caller's values. It sees the argument part of the saved registers only. */
        movq    %r11, BACK+ARG_R11(%rsp)        /* the context, over the call */
        movq    %r11, %rdi
        movq    %rsp, %rsi
        call    *%rax
        testq   %rax, %rax
        jnz     .Lpass
        movq    BACK+ARG_R11(%rsp), %r11
        RESTORE_GENERAL %rsp, 0

.Lhandle:                               /* rax: BACK+ARG_RAX gets the handler's result */
        STORE_GENERAL %rsp, BACK
        movq    ARG_R11(%rsp), %rax
        movq    %rax, BACK+ARG_R11(%rsp)
        movq    VECTOR_STATE(%rsp), %rdi
        SAVE_VECTOR_STATE

        movq    %r11, %rdi
        movq    %rsp, %rsi
        call    *(%r11)

        movq    %rax, BACK+ARG_RAX(%rsp)        /* the handler's result */
        movq    VECTOR_STATE(%rsp), %rdi
        RESTORE_VECTOR_STATE
        RESTORE_GENERAL %rsp, BACK
        movq    BACK+ARG_R11(%rsp), %r11
        .cfi_remember_state
        leave
        .cfi_def_cfa %rsp, 8
        ret

        /* The filter let the call through to the function in rax: entered with every
         * register and the stack of the hooked call's entry, it returns to the caller
         * itself. Its address waits in the red zone, below the return address, where a
         * signal frame never goes, since no register is free to hold it. */
.Lpass:
        .cfi_restore_state
        movq    %rax, -16(%rbp)
        RESTORE_GENERAL %rsp, 0
        movq    -8(%rbp), %r11
        leave
        .cfi_def_cfa %rsp, 8
        jmp     *-24(%rsp)
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
        RESTORE_GENERAL %rbx, 0
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
