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

/* The argument registers and rax, r10 back from the struct saved_regs at BASE. */
        .macro RESTORE_ARGUMENTS base
        movq    ARG_RDI(\base), %rdi
        movq    ARG_RSI(\base), %rsi
        movq    ARG_RDX(\base), %rdx
        movq    ARG_RCX(\base), %rcx
        movq    ARG_R8(\base), %r8
        movq    ARG_R9(\base), %r9
        movq    ARG_RAX(\base), %rax
        movq    ARG_R10(\base), %r10
        .endm

/* The vector registers into the 64-byte aligned area at rdi, as wide as the CPU and the
 * kernel make them (arch_x86_64.c chose the kind); clobbers nothing else. */
        .macro SAVE_VECTOR_STATE
        cmpb    $VECTOR_AVX, refshim_vector_kind(%rip)
        je      .Lavx\@
        jb      .Lsse\@
        vmovdqa64 %zmm0, 0(%rdi)
        vmovdqa64 %zmm1, 64(%rdi)
        vmovdqa64 %zmm2, 128(%rdi)
        vmovdqa64 %zmm3, 192(%rdi)
        vmovdqa64 %zmm4, 256(%rdi)
        vmovdqa64 %zmm5, 320(%rdi)
        vmovdqa64 %zmm6, 384(%rdi)
        vmovdqa64 %zmm7, 448(%rdi)
        vmovdqa64 %zmm8, 512(%rdi)
        vmovdqa64 %zmm9, 576(%rdi)
        vmovdqa64 %zmm10, 640(%rdi)
        vmovdqa64 %zmm11, 704(%rdi)
        vmovdqa64 %zmm12, 768(%rdi)
        vmovdqa64 %zmm13, 832(%rdi)
        vmovdqa64 %zmm14, 896(%rdi)
        vmovdqa64 %zmm15, 960(%rdi)
        vmovdqa64 %zmm16, 1024(%rdi)
        vmovdqa64 %zmm17, 1088(%rdi)
        vmovdqa64 %zmm18, 1152(%rdi)
        vmovdqa64 %zmm19, 1216(%rdi)
        vmovdqa64 %zmm20, 1280(%rdi)
        vmovdqa64 %zmm21, 1344(%rdi)
        vmovdqa64 %zmm22, 1408(%rdi)
        vmovdqa64 %zmm23, 1472(%rdi)
        vmovdqa64 %zmm24, 1536(%rdi)
        vmovdqa64 %zmm25, 1600(%rdi)
        vmovdqa64 %zmm26, 1664(%rdi)
        vmovdqa64 %zmm27, 1728(%rdi)
        vmovdqa64 %zmm28, 1792(%rdi)
        vmovdqa64 %zmm29, 1856(%rdi)
        vmovdqa64 %zmm30, 1920(%rdi)
        vmovdqa64 %zmm31, 1984(%rdi)
        cmpb    $VECTOR_AVX512_BW, refshim_vector_kind(%rip)
        jne     .Lmask16\@
        kmovq   %k0, 2048(%rdi)
        kmovq   %k1, 2056(%rdi)
        kmovq   %k2, 2064(%rdi)
        kmovq   %k3, 2072(%rdi)
        kmovq   %k4, 2080(%rdi)
        kmovq   %k5, 2088(%rdi)
        kmovq   %k6, 2096(%rdi)
        kmovq   %k7, 2104(%rdi)
        jmp     .Lsaved\@
.Lmask16\@:
        kmovw   %k0, 2048(%rdi)
        kmovw   %k1, 2056(%rdi)
        kmovw   %k2, 2064(%rdi)
        kmovw   %k3, 2072(%rdi)
        kmovw   %k4, 2080(%rdi)
        kmovw   %k5, 2088(%rdi)
        kmovw   %k6, 2096(%rdi)
        kmovw   %k7, 2104(%rdi)
        jmp     .Lsaved\@
.Lavx\@:
        vmovdqa %ymm0, 0(%rdi)
        vmovdqa %ymm1, 32(%rdi)
        vmovdqa %ymm2, 64(%rdi)
        vmovdqa %ymm3, 96(%rdi)
        vmovdqa %ymm4, 128(%rdi)
        vmovdqa %ymm5, 160(%rdi)
        vmovdqa %ymm6, 192(%rdi)
        vmovdqa %ymm7, 224(%rdi)
        vmovdqa %ymm8, 256(%rdi)
        vmovdqa %ymm9, 288(%rdi)
        vmovdqa %ymm10, 320(%rdi)
        vmovdqa %ymm11, 352(%rdi)
        vmovdqa %ymm12, 384(%rdi)
        vmovdqa %ymm13, 416(%rdi)
        vmovdqa %ymm14, 448(%rdi)
        vmovdqa %ymm15, 480(%rdi)
        jmp     .Lsaved\@
.Lsse\@:
        movdqa  %xmm0, 0(%rdi)
        movdqa  %xmm1, 16(%rdi)
        movdqa  %xmm2, 32(%rdi)
        movdqa  %xmm3, 48(%rdi)
        movdqa  %xmm4, 64(%rdi)
        movdqa  %xmm5, 80(%rdi)
        movdqa  %xmm6, 96(%rdi)
        movdqa  %xmm7, 112(%rdi)
        movdqa  %xmm8, 128(%rdi)
        movdqa  %xmm9, 144(%rdi)
        movdqa  %xmm10, 160(%rdi)
        movdqa  %xmm11, 176(%rdi)
        movdqa  %xmm12, 192(%rdi)
        movdqa  %xmm13, 208(%rdi)
        movdqa  %xmm14, 224(%rdi)
        movdqa  %xmm15, 240(%rdi)
.Lsaved\@:
        .endm

/* The vector registers from the area at rdi. */
        .macro RESTORE_VECTOR_STATE
        cmpb    $VECTOR_AVX, refshim_vector_kind(%rip)
        je      .Lavx\@
        jb      .Lsse\@
        vmovdqa64 0(%rdi), %zmm0
        vmovdqa64 64(%rdi), %zmm1
        vmovdqa64 128(%rdi), %zmm2
        vmovdqa64 192(%rdi), %zmm3
        vmovdqa64 256(%rdi), %zmm4
        vmovdqa64 320(%rdi), %zmm5
        vmovdqa64 384(%rdi), %zmm6
        vmovdqa64 448(%rdi), %zmm7
        vmovdqa64 512(%rdi), %zmm8
        vmovdqa64 576(%rdi), %zmm9
        vmovdqa64 640(%rdi), %zmm10
        vmovdqa64 704(%rdi), %zmm11
        vmovdqa64 768(%rdi), %zmm12
        vmovdqa64 832(%rdi), %zmm13
        vmovdqa64 896(%rdi), %zmm14
        vmovdqa64 960(%rdi), %zmm15
        vmovdqa64 1024(%rdi), %zmm16
        vmovdqa64 1088(%rdi), %zmm17
        vmovdqa64 1152(%rdi), %zmm18
        vmovdqa64 1216(%rdi), %zmm19
        vmovdqa64 1280(%rdi), %zmm20
        vmovdqa64 1344(%rdi), %zmm21
        vmovdqa64 1408(%rdi), %zmm22
        vmovdqa64 1472(%rdi), %zmm23
        vmovdqa64 1536(%rdi), %zmm24
        vmovdqa64 1600(%rdi), %zmm25
        vmovdqa64 1664(%rdi), %zmm26
        vmovdqa64 1728(%rdi), %zmm27
        vmovdqa64 1792(%rdi), %zmm28
        vmovdqa64 1856(%rdi), %zmm29
        vmovdqa64 1920(%rdi), %zmm30
        vmovdqa64 1984(%rdi), %zmm31
        cmpb    $VECTOR_AVX512_BW, refshim_vector_kind(%rip)
        jne     .Lmask16\@
        kmovq   2048(%rdi), %k0
        kmovq   2056(%rdi), %k1
        kmovq   2064(%rdi), %k2
        kmovq   2072(%rdi), %k3
        kmovq   2080(%rdi), %k4
        kmovq   2088(%rdi), %k5
        kmovq   2096(%rdi), %k6
        kmovq   2104(%rdi), %k7
        jmp     .Lrestored\@
.Lmask16\@:
        kmovw   2048(%rdi), %k0
        kmovw   2056(%rdi), %k1
        kmovw   2064(%rdi), %k2
        kmovw   2072(%rdi), %k3
        kmovw   2080(%rdi), %k4
        kmovw   2088(%rdi), %k5
        kmovw   2096(%rdi), %k6
        kmovw   2104(%rdi), %k7
        jmp     .Lrestored\@
.Lavx\@:
        vmovdqa 0(%rdi), %ymm0
        vmovdqa 32(%rdi), %ymm1
        vmovdqa 64(%rdi), %ymm2
        vmovdqa 96(%rdi), %ymm3
        vmovdqa 128(%rdi), %ymm4
        vmovdqa 160(%rdi), %ymm5
        vmovdqa 192(%rdi), %ymm6
        vmovdqa 224(%rdi), %ymm7
        vmovdqa 256(%rdi), %ymm8
        vmovdqa 288(%rdi), %ymm9
        vmovdqa 320(%rdi), %ymm10
        vmovdqa 352(%rdi), %ymm11
        vmovdqa 384(%rdi), %ymm12
        vmovdqa 416(%rdi), %ymm13
        vmovdqa 448(%rdi), %ymm14
        vmovdqa 480(%rdi), %ymm15
        jmp     .Lrestored\@
.Lsse\@:
        movdqa  0(%rdi), %xmm0
        movdqa  16(%rdi), %xmm1
        movdqa  32(%rdi), %xmm2
        movdqa  48(%rdi), %xmm3
        movdqa  64(%rdi), %xmm4
        movdqa  80(%rdi), %xmm5
        movdqa  96(%rdi), %xmm6
        movdqa  112(%rdi), %xmm7
        movdqa  128(%rdi), %xmm8
        movdqa  144(%rdi), %xmm9
        movdqa  160(%rdi), %xmm10
        movdqa  176(%rdi), %xmm11
        movdqa  192(%rdi), %xmm12
        movdqa  208(%rdi), %xmm13
        movdqa  224(%rdi), %xmm14
        movdqa  240(%rdi), %xmm15
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
        RESTORE_ARGUMENTS %rsp

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
        movq    BACK+ARG_RDI(%rsp), %rdi
        movq    BACK+ARG_RSI(%rsp), %rsi
        movq    BACK+ARG_RDX(%rsp), %rdx
        movq    BACK+ARG_RCX(%rsp), %rcx
        movq    BACK+ARG_R8(%rsp), %r8
        movq    BACK+ARG_R9(%rsp), %r9
        movq    BACK+ARG_RAX(%rsp), %rax
        movq    BACK+ARG_R10(%rsp), %r10
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
        RESTORE_ARGUMENTS %rsp
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
