/* x86-64 entry patching: a function's first instructions are replaced by a 5-byte jump to
 * a per-hook stub, and moved (relocated where they are position-dependent) into a
 * trampoline that then jumps back into the function. Instructions are decoded with
 * Zydis, never by hand. Stubs and trampolines live within +-2 GiB of the function so
 * that the entry jump and relocated rip-relative operands keep 32-bit displacements. */
#include "arch.h"
#include "relocate_x86_64.h"

#include <cpuid.h>
#include <elf.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HOOK_CODE_SIZE 160      /* stub + trampoline, per hook */
#define NEAR_PAGE_SIZE (64 * 1024)
#define NEAR_RANGE ((int64_t)0x7ff00000)

struct near_page {
    uint8_t *base;
    size_t used;
};

static struct near_page near_pages[256];
static size_t near_page_count;

static bool within_rel32(uintptr_t from, uintptr_t to)
{
    int64_t d = (int64_t)(to - from);
    return d > -NEAR_RANGE && d < NEAR_RANGE;
}

/* Finds HOOK_CODE_SIZE bytes of executable memory close enough to TARGET. */
static uint8_t *near_alloc(uintptr_t target)
{
    for (size_t i = 0; i < near_page_count; i++) {
        struct near_page *p = &near_pages[i];
        if (p->used + HOOK_CODE_SIZE <= NEAR_PAGE_SIZE &&
            within_rel32(target, (uintptr_t)p->base) &&
            within_rel32(target, (uintptr_t)p->base + NEAR_PAGE_SIZE)) {
            uint8_t *code = p->base + p->used;
            p->used += HOOK_CODE_SIZE;
            return code;
        }
    }
    if (near_page_count == sizeof near_pages / sizeof near_pages[0])
        return NULL;
    /* Try addresses below, then above, the target in 16 MiB steps. */
    uintptr_t start = target & ~(uintptr_t)(NEAR_PAGE_SIZE - 1);
    for (int step = 1; step < 120; step++) {
        for (int side = -1; side <= 1; side += 2) {
            uintptr_t hint = start + (uintptr_t)((int64_t)side * step * (16 << 20));
            if (side < 0 && hint > start)
                continue;       /* wrapped below zero */
            void *m = mmap((void *)hint, NEAR_PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (m == MAP_FAILED)
                continue;
            if (!within_rel32(target, (uintptr_t)m) ||
                !within_rel32(target, (uintptr_t)m + NEAR_PAGE_SIZE)) {
                munmap(m, NEAR_PAGE_SIZE);      /* old kernels ignore NOREPLACE */
                continue;
            }
            struct near_page *p = &near_pages[near_page_count++];
            p->base = m;
            p->used = HOOK_CODE_SIZE;
            return m;
        }
    }
    return NULL;
}

/* The per-hook stub: movq %r11, -16(%rsp); movabs $context, %r11; jmp refshim_dispatch.
 * The caller's r11 waits below the stack pointer, where a signal frame never goes (the red
 * zone), for refshim_dispatch to find it above its frame pointer. Returns the stub's end. */
static uint8_t *emit_stub(uint8_t *out, void *context, bool lean)
{
    static const uint8_t park_r11[] = {0x4c, 0x89, 0x5c, 0x24, 0xf0};
    memcpy(out, park_r11, sizeof park_r11);
    out += sizeof park_r11;
    out[0] = 0x49;
    out[1] = 0xbb;
    uint64_t ctx = (uint64_t)(uintptr_t)context;
    memcpy(out + 2, &ctx, 8);
    const char *dispatch = lean ? refshim_dispatch_lean : refshim_dispatch;
    return x86_emit_jmp_abs(out + 10, (uint64_t)(uintptr_t)dispatch);
}

/* How refshim_dispatch keeps the vector registers (REGISTERS_NOTE in dispatch_x86_64.S),
 * read there, and the size of its area. Until find_vector_state runs, xmm0-15, which every
 * x86-64 CPU has. */
enum vector_save_kind { VECTOR_SSE, VECTOR_AVX, VECTOR_AVX512, VECTOR_AVX512_BW };
__attribute__((visibility("hidden"))) uint8_t refshim_vector_kind = VECTOR_SSE;
__attribute__((visibility("hidden"))) uint64_t refshim_vector_size = 16 * 16;

_Static_assert(sizeof(struct saved_regs) == 176 && offsetof(struct saved_regs, back) == 96,
               "struct saved_regs and dispatch_x86_64.S disagree");

/* XCR0: the registers the kernel saves, so that a program may use them. */
#define XCR0_SSE_AVX 0x6u
#define XCR0_AVX512 0xe0u               /* mask registers, zmm0-15 upper halves, zmm16-31 */
#define CPUID_OSXSAVE (1u << 27)
#define CPUID_AVX (1u << 28)
#define CPUID_AVX512F (1u << 16)
#define CPUID_AVX512BW (1u << 30)

static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* Chooses how wide the vector registers are, once, before the first hook. */
static void find_vector_state(void)
{
    static bool found;
    unsigned eax, ebx, ecx, edx;
    if (found)
        return;
    found = true;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & CPUID_OSXSAVE) || !(ecx & CPUID_AVX))
        return;
    uint64_t xcr0 = read_xcr0();
    if ((xcr0 & XCR0_SSE_AVX) != XCR0_SSE_AVX)
        return;
    refshim_vector_kind = VECTOR_AVX;
    refshim_vector_size = 16 * 32;
    if ((xcr0 & XCR0_AVX512) != XCR0_AVX512 || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) ||
        !(ebx & CPUID_AVX512F))
        return;
    refshim_vector_kind = (ebx & CPUID_AVX512BW) ? VECTOR_AVX512_BW : VECTOR_AVX512;
    refshim_vector_size = 32 * 64 + 8 * 8;
}

/* True when some branch in the function lands strictly inside the bytes we displace:
 * jumping there after patching would execute half of our jump. */
static bool branches_into(const uint8_t *code, size_t size, uintptr_t from, uintptr_t to)
{
    struct x86_insn insn;
    size_t at = 0;
    bool found = false;
    while (!found && at < size &&
           x86_decode_relative(code + at, size - at, (uintptr_t)code + at, &insn)) {
        uint64_t dest;
        if (x86_relative_branch(&insn, &dest)) {
            /* A jump back to the entry itself would also enter the hook again, on every
             * turn of a compare-and-swap retry loop. A recursive call is a real call. */
            found = (dest > from && dest < to) ||
                    (dest == from && insn.zy.mnemonic != ZYDIS_MNEMONIC_CALL);
        }
        at += insn.zy.length;
    }
    return found;
}

/* Writes the 5-byte jump so that a thread running the function sees the old or the new
 * entry, never a mix: one atomic 8-byte store when the bytes share a cache line, which
 * they do for any function aligned as compilers align them. */
static void write_entry_jump(uint8_t *target, const uint8_t jump[JMP_REL32_LEN])
{
    uint8_t word[8];
    if (((uintptr_t)target & 63) <= 56) {
        memcpy(word, target, 8);
        memcpy(word, jump, JMP_REL32_LEN);
        uint64_t value;
        memcpy(&value, word, 8);
        __asm__ volatile("xchgq %0, (%1)" : "+r"(value) : "r"(target) : "memory");
    } else {
        memcpy(target, jump, JMP_REL32_LEN);
    }
}

static bool make_writable(uint8_t *target, size_t len, bool writable)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)target & ~(uintptr_t)(page - 1);
    uintptr_t end = ((uintptr_t)target + len + page - 1) & ~(uintptr_t)(page - 1);
    int prot = PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);
    return mprotect((void *)start, end - start, prot) == 0;
}

/* A function shorter than the entry jump can still be patched when the bytes after it, up
 * to the next 16-byte boundary, are alignment padding (nops or int3), as after glibc's
 * one-byte _dl_debug_state. Returns SIZE extended over that padding. */
static size_t size_with_padding(const uint8_t *target, size_t size)
{
    if (size == 0 || size >= JMP_REL32_LEN)
        return size;
    uintptr_t end = (uintptr_t)target + size;
    uintptr_t aligned = (end + 15) & ~(uintptr_t)15;
    struct x86_insn insn;
    size_t at = 0, avail = aligned - end;
    bool padding = true;
    while (padding && at < avail) {
        padding = x86_decode(target + size + at, avail - at, end + at, &insn) &&
                  (insn.zy.mnemonic == ZYDIS_MNEMONIC_NOP || insn.zy.mnemonic == ZYDIS_MNEMONIC_INT3);
        at += padding ? insn.zy.length : 0;
    }
    return padding ? aligned - (uintptr_t)target : size;
}

static pthread_mutex_t patch_lock = PTHREAD_MUTEX_INITIALIZER;

static bool patch_locked(uint8_t *target, size_t size, void *context, bool lean,
                         void **original, char *err, size_t errlen)
{
    size = size_with_padding(target, size);
    uint8_t *code = near_alloc((uintptr_t)target);
    if (code == NULL) {
        snprintf(err, errlen, "no free memory within 2 GiB of the function for its trampoline");
        return false;
    }
    uint8_t *stub = code;
    uint8_t *trampoline = emit_stub(stub, context, lean);

    /* Move whole instructions until the entry jump fits. */
    struct x86_moved moved;
    if (!x86_relocate_entry(target, size ? size : 64, (uint64_t)(uintptr_t)target,
                            JMP_REL32_LEN, trampoline, (uint64_t)(uintptr_t)trampoline, &moved,
                            err, errlen))
        return false;
    size_t displaced = moved.displaced;
    uint8_t *out = trampoline + moved.written;
    if (size != 0 && displaced > size) {
        snprintf(err, errlen, "the function is shorter than the entry jump");
        return false;
    }
    if (size != 0 && branches_into(target, size, (uintptr_t)target, (uintptr_t)target + displaced)) {
        snprintf(err, errlen, "the function branches back into its first instructions");
        return false;
    }
    x86_emit_jmp_abs(out, (uint64_t)(uintptr_t)target + displaced);
    __builtin___clear_cache((char *)code, (char *)code + HOOK_CODE_SIZE);

    uint8_t jump[JMP_REL32_LEN] = {0xe9};
    int32_t rel = (int32_t)((intptr_t)stub - (intptr_t)(target + JMP_REL32_LEN));
    memcpy(jump + 1, &rel, 4);
    if (!make_writable(target, JMP_REL32_LEN + 3, true)) {
        snprintf(err, errlen, "cannot make the code writable: %m");
        return false;
    }
    *original = trampoline;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    write_entry_jump(target, jump);
    make_writable(target, JMP_REL32_LEN + 3, false);
    return true;
}

bool arch_patch_entry(void *target, size_t size, void *context, bool lean, void **original,
                      char *err, size_t errlen)
{
    pthread_mutex_lock(&patch_lock);
    find_vector_state();
    bool ok = patch_locked(target, size, context, lean, original, err, errlen);
    pthread_mutex_unlock(&patch_lock);
    return ok;
}

void *arch_make_stub(void *context, bool lean)
{
    pthread_mutex_lock(&patch_lock);
    find_vector_state();
    /* Any address will do: the stub is reached through a 64-bit pointer. */
    uint8_t *code = near_alloc((uintptr_t)refshim_dispatch);
    if (code != NULL) {
        emit_stub(code, context, lean);
        __builtin___clear_cache((char *)code, (char *)code + HOOK_CODE_SIZE);
    }
    pthread_mutex_unlock(&patch_lock);
    return code;
}

void arch_after_fork_child(void)
{
    pthread_mutex_init(&patch_lock, NULL);
}

enum reloc_kind arch_reloc_kind(unsigned type)
{
    switch (type) {
    case R_X86_64_RELATIVE: return RELOC_RELATIVE;
    case R_X86_64_GLOB_DAT:
    case R_X86_64_64: return RELOC_SYMBOL_POINTER;
    case R_X86_64_JUMP_SLOT: return RELOC_PLT_SLOT;
    default: return RELOC_OTHER;
    }
}
