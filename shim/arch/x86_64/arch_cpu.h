/* What the rest of the shim may know of the x86-64 CPU, behind the names of arch.h: the
 * registers a hooked call's arguments arrive in, how a spinning thread waits, and the
 * signal return trampoline. Another CPU has a file of this name in its own folder. */
#ifndef REFSHIM_ARCH_CPU_H
#define REFSHIM_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The registers of a hooked call, as refshim_dispatch saved them, and what it gives the
 * caller back (dispatch_x86_64.S, REGISTERS_NOTE).
 * Layout is shared with dispatch_x86_64.S: change both together. */
struct saved_regs {
    uint64_t args[6];           /* rdi, rsi, rdx, rcx, r8, r9 */
    uint64_t rax;               /* vector-register count for variadic calls */
    uint64_t r10;               /* static chain */
    uint64_t stack_args;        /* address of the caller's stack arguments */
    uint64_t r11;
    void *vector_state;         /* the vector registers, beside this struct in the frame */
    uint64_t pad;
    uint64_t back[10];          /* rdi, rsi, rdx, rcx, r8, r9, rax, r10, r11 for the caller */
};

/* libunwind's name of the frame pointer. */
#define ARCH_UNW_FRAME_POINTER UNW_X86_64_RBP

/* How many integer or pointer arguments arrive in registers. */
#define ARCH_REGISTER_ARGS 6

/* The integer or pointer argument N (from 0) of the hooked call; N < ARCH_REGISTER_ARGS. */
static inline uint64_t saved_arg(const struct saved_regs *regs, unsigned n)
{
    return regs->args[n];
}

/* The integer or pointer argument ARCH_REGISTER_ARGS + N of the hooked call, the N-th
 * (from 0) passed on the stack; 0 when the dispatch path did not keep the stack's place. */
static inline uint64_t saved_stack_arg(const struct saved_regs *regs, unsigned n)
{
    return regs->stack_args ? ((const uint64_t *)(uintptr_t)regs->stack_args)[n] : 0;
}

/* A function that uses no vector or x87 register: an arch_call_filter and what it calls
 * (arch.h). Sanitizers would add calls to their runtime, which may use vector registers. */
#define ARCH_NO_VECTOR_REGS                                                                  \
    __attribute__((target("general-regs-only"), no_sanitize_address, no_sanitize_undefined))

/* saved_arg() for an ARCH_NO_VECTOR_REGS function, into which saved_arg cannot inline. */
ARCH_NO_VECTOR_REGS static inline uint64_t saved_arg_no_vector(const struct saved_regs *regs,
                                                               unsigned n)
{
    return regs->args[n];
}

/* In a spin-wait loop: lets the other hyperthread run and saves power. */
static inline void arch_cpu_relax(void)
{
    __builtin_ia32_pause();
}

/* True when IP is the sa_restorer through which a signal handler returns: mov $15, %rax
 * (the rt_sigreturn system call); syscall. libunwind's unw_is_signal_frame does not always
 * recognize it once the frame has been stepped through from the handler. */
static inline bool arch_is_sigreturn_trampoline(uintptr_t ip)
{
    static const unsigned char rt_sigreturn[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00,
                                                 0x0f, 0x05};
    return memcmp((const void *)ip, rt_sigreturn, sizeof rt_sigreturn) == 0;
}

#endif
