// Callers that keep values in call-clobbered registers across hooked calls, as GCC's
// -fipa-ra (on at -O2) lets them when it knows the callee leaves those registers alone
// (issue 8). Built by test/e2e/cases/registers.sh at -O2, with -mavx and -mavx512f where
// the CPU has them; the case checks in the disassembly that the callers really do it.
// Every mode prints numbers that depend on all the values kept; under the shim they must
// be the same as without it. Built with -DREGISTERS_GOBJECT and AVX-512BW, the gobject mode
// checks the AVX-512 registers across g_object_ref/unref directly (vector_probe).
#include <cstdint>
#include <cstdio>
#include <cstring>

struct Obj {
    unsigned long mRefCnt = 0;
    unsigned AddRef();
    unsigned Release();
};

// noinline and noclone keep the calls to these very symbols, which the shim hooks; they
// touch no register but rax, so the callers below may keep anything anywhere else.
__attribute__((noinline, noclone)) unsigned Obj::AddRef() { return ++mRefCnt; }
__attribute__((noinline, noclone)) unsigned Obj::Release() { return --mRefCnt; }

// Named with REFLOG_ADDREF / REFLOG_RELEASE: the full dispatch path, results in rax:rdx
// and in xmm0.
struct Counted {
    uint64_t count;
};
struct Pair {
    uint64_t count, twice;
};
extern "C" __attribute__((noinline, noclone)) Pair counted_ref(Counted *c)
{
    c->count++;
    return Pair{c->count, 2 * c->count};
}
extern "C" __attribute__((noinline, noclone)) double counted_unref(Counted *c)
{
    return (double)--c->count;
}

__attribute__((noinline, noclone)) uint64_t integers(Obj *o, uint64_t n)
{
    uint64_t a = n, b = n * 3, c = n ^ 0x55, d = n + 7, e = n * 11, f = n ^ 0x1234, g = n + 99,
             h = n * 5, i = n + 1, j = n * 13;
    for (uint64_t k = 0; k < n; k++) {
        o->AddRef();
        a = a * 3 + b; b ^= c + k; c += d; d = d * 7 + e; e ^= f; f += g * 3; g ^= h + k;
        h += i; i = i * 5 + j; j ^= a;
        o->Release();
        a += j; b += i; c ^= h;
    }
    return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ i ^ j;
}

// The floating-point callers turn their values slowly around a circle: nothing is
// forgotten, nothing grows, so one clobbered register changes every digit printed.
__attribute__((noinline, noclone)) double doubles(Obj *o, int n)
{
    double a = 1.5, b = 2.25, c = 3.125, d = 0.5, e = 7, f = 11, g = 13, h = 17, x = 0.75;
    for (int k = 0; k < n; k++) {
        o->AddRef();
        a += b * 0.01; b += c * 0.01; c += d * 0.01; d += e * 0.01; e += f * 0.01;
        f += g * 0.01; g += h * 0.01; h += x * 0.01; x -= a * 0.01;
        o->Release();
        a += x * 0.01; x -= h * 0.01;
    }
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * x;
}

// Integers kept across functions on the full path, whose results come in rax:rdx and xmm0.
__attribute__((noinline, noclone)) uint64_t named(Counted *c, uint64_t n)
{
    uint64_t a = n, b = n * 3, d = n + 7, e = n * 11, f = n ^ 0x1234, g = n + 99, h = n * 5;
    double sum = 0;
    for (uint64_t k = 0; k < n; k++) {
        Pair p = counted_ref(c);
        a = a * 3 + b + p.count; b ^= d + k + p.twice; d = d * 7 + e; e ^= f; f += g * 3;
        g ^= h + k; h += a;
        sum += counted_unref(c);
        a += h; b += g;
    }
    return a ^ b ^ d ^ e ^ f ^ g ^ h ^ (uint64_t)sum;
}

#ifdef __AVX__
typedef double v4d __attribute__((vector_size(32)));

static double sum_of(v4d v)
{
    double parts[4];
    memcpy(parts, &v, sizeof parts);
    return parts[0] + 10 * parts[1] + 100 * parts[2] + 1000 * parts[3];
}

// 256-bit values kept whole across the calls: their upper halves too.
__attribute__((noinline, noclone)) double vectors(Obj *o, int n)
{
    v4d a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = {0.5, 0.25, 0.125, 2};
    for (int k = 0; k < n; k++) {
        o->AddRef();
        a += b * 0.01;
        b += c * 0.01;
        o->Release();
        c -= a * 0.01;
    }
    return sum_of(a + b + c);
}
#endif

#ifdef __AVX512F__
// More live values than ymm0-15 hold: some live in ymm16-31, which only EVEX code (AVX-512
// builds of memcpy and strlen, for one) touches.
__attribute__((noinline, noclone)) double many_vectors(Obj *o, int n)
{
    v4d v[20];
    for (int i = 0; i < 20; i++)
        v[i] = (v4d){i + 1.0, i + 2.0, i + 3.0, i + 4.0};
    for (int k = 0; k < n; k++) {
        o->AddRef();
#pragma GCC unroll 20
        for (int i = 0; i < 20; i++)
            v[i] += (i == 19 ? -0.01 : 0.01) * v[(i + 1) % 20];
        o->Release();
    }
    v4d total = {0, 0, 0, 0};
#pragma GCC unroll 20
    for (int i = 0; i < 20; i++)
        total += v[i] * (i + 1);
    return sum_of(total);
}
#endif


#if defined(REGISTERS_GOBJECT) && defined(__AVX512BW__)
#include <glib-object.h>

// uint64_t vector_probe(void (*fn)(void *), void *arg): fills zmm0-31 and k0-7 with
// values of their own, calls fn(arg), and returns which of them fn did not give back: bit
// N for zmmN, bit 32 + N for kN. A caller compiled by GCC could keep any of them across a
// call to a function whose body it knows leaves them alone; no compiler flag makes it keep
// them all, so the probe is written by hand.
extern "C" uint64_t vector_probe(void (*fn)(void *), void *arg);
asm(R"(
        .text
        .p2align 4
        .type   vector_probe, @function
vector_probe:
        pushq   %rbp
        movq    %rsp, %rbp
        pushq   %rbx
        pushq   %r12
        movq    %rdi, %rbx
        movq    %rsi, %rdi
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        vpbroadcastq .Lprobe_values+8*\i(%rip), %zmm\i
        .endr
        .irp    i, 0,1,2,3,4,5,6,7
        kmovq   .Lprobe_values+8*\i(%rip), %k\i
        .endr
        call    *%rbx
        xorl    %r12d, %r12d
        .irp    i, 0,1,2,3,4,5,6,7
        kmovq   %k\i, %rax
        cmpq    .Lprobe_values+8*\i(%rip), %rax
        je      1f
        btsq    $(32 + \i), %r12
1:
        .endr
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        vpcmpq  $4, .Lprobe_values+8*\i(%rip){1to8}, %zmm\i, %k0
        kortestb %k0, %k0
        jz      1f
        btsq    $\i, %r12
1:
        .endr
        vzeroupper
        movq    %r12, %rax
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   vector_probe, . - vector_probe
        .section .rodata
        .p2align 3
.Lprobe_values:
        .irp    i, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32
        .quad   0x0101010101010101 * \i + 0x5a00
        .endr
        .text
)");

static void ref(void *object) { g_object_ref(object); }
static void unref(void *object) { g_object_unref(object); }

// N g_object_ref/unref pairs on OBJECT, each call probed; the registers any call lost.
static uint64_t probe_pairs(void *object, int n)
{
    uint64_t lost = 0;
    for (int k = 0; k < n; k++) {
        lost |= vector_probe(ref, object);
        lost |= vector_probe(unref, object);
    }
    return lost;
}

// Run with REFLOG_CLASSES=RegsLogged: the first RegsLogged makes the shim hook
// g_object_ref/unref; the calls on the plain GObject are then filtered out by its class
// (the filter path of the dispatch), those on the RegsLogged logged (the handler's path).
static void gobject_calls(int n)
{
    GType logged = g_type_register_static_simple(G_TYPE_OBJECT, "RegsLogged",
                                                 sizeof(GObjectClass), NULL, sizeof(GObject),
                                                 NULL, (GTypeFlags)0);
    void *kept = g_object_new(logged, NULL);
    void *plain = g_object_new(G_TYPE_OBJECT, NULL);
    printf("filtered out: registers lost %#llx\n", (unsigned long long)probe_pairs(plain, n));
    printf("logged: registers lost %#llx\n", (unsigned long long)probe_pairs(kept, n));
    g_object_unref(plain);
    g_object_unref(kept);
}
#endif

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    Obj o;
    Counted c = {1};
    if (strcmp(mode, "integers") == 0)
        printf("%llu\n", (unsigned long long)integers(&o, 1000));
    else if (strcmp(mode, "doubles") == 0)
        printf("%.6f\n", doubles(&o, 1000));
    else if (strcmp(mode, "named") == 0)
        printf("%llu %llu\n", (unsigned long long)named(&c, 1000), (unsigned long long)c.count);
#ifdef __AVX__
    else if (strcmp(mode, "vectors") == 0)
        printf("%.6f\n", vectors(&o, 1000));
#endif
#ifdef __AVX512F__
    else if (strcmp(mode, "many_vectors") == 0)
        printf("%.6f\n", many_vectors(&o, 1000));
#endif
#if defined(REGISTERS_GOBJECT) && defined(__AVX512BW__)
    else if (strcmp(mode, "gobject") == 0)
        gobject_calls(1000);
#endif
    else
        return 2;
    printf("count %lu\n", o.mRefCnt);
    return 0;
}
