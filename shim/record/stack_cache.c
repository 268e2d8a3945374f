/* Per-thread memory of hooked calls' stacks. Unwinding was most of a logged AddRef/Release
 * (libunwind's fast unw_backtrace: some 6 ns a frame), and a program calls AddRef from the
 * same few places again and again.
 *
 * Why checking is enough: libunwind's walk from the hooked function's caller is a function
 * of where it starts (the caller's return address and stack pointer: the key of a
 * remembered stack), of the code, and of the stack words it reads on the way: each
 * frame's return address and, for a frame that finds its end through its frame pointer,
 * the word that pointer was restored from (and, for a frame that realigned its stack,
 * the word below its frame pointer that holds where its frame ends). Given the same
 * start, code and words, it walks the same frames. So a stack met again is walked once
 * more with libunwind's step-by-step API, which tells where it read each word, and from
 * then on the key is looked up and those words compared with what they held: equal, the
 * frames are the remembered ones; different (the same caller reached another way), the
 * stack is unwound as before, and learned anew if that keeps happening.
 *
 * A stack is learned only when the step-by-step walk gives exactly the frames the fast
 * walk just gave, and never through a signal frame. Everything here is the thread's own:
 * no lock, no atomic but the generation that an unload of code bumps. The words checked
 * lie between the caller's stack pointer and the top of the thread's stack, which stay
 * mapped while the thread runs on that stack; a program that frees a stack it switched
 * to (coroutines) and maps a smaller one at the same place could make them fall outside.
 * The instrumentation API has no hooked call (no key) and always unwinds. */
#include "stack_cache.h"
#include "unwind_signals.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "stack_capture.h"

#define SLOTS 512               /* per thread; a power of two */
#define WAYS 2                  /* slots a key may take: two hot keys of one home coexist */
#define LEARN_AFTER 8           /* misses of a key before its stack is learned: a walk costs some
                                 * microseconds, and start-up meets most stacks a few times only */
#define RELEARNS_MAX 4          /* a key whose stack keeps changing is left alone after this */
#define CALLER_SEARCH_MAX 32    /* the shim's own frames above the hooked call's caller */

struct stack_check {
    uintptr_t address;
    uintptr_t value;
};

struct learned_stack {
    int count;                  /* frames in ips */
    int max;                    /* the walk stopped at this many frames... */
    bool complete;              /* ...or at the stack's end */
    int checks;
    uintptr_t *ips;             /* after the checks */
    struct stack_check check[];
};

struct stack_slot {
    uintptr_t sp, ret;          /* the caller's stack pointer and return address */
    unsigned generation;
    unsigned misses;            /* since the key came or was last learned */
    unsigned learned;           /* how often its stack was learned */
    struct learned_stack *stack;
};

struct thread_stacks {
    struct stack_slot slots[SLOTS];
};

static __thread struct thread_stacks *thread_stacks;
static __thread uintptr_t current_caller_sp;
static unsigned generation = 1;         /* atomic */
static pthread_key_t stacks_key;        /* frees a thread's stacks when it exits */
static pthread_once_t stacks_key_once = PTHREAD_ONCE_INIT;
static bool stacks_key_made;

void stack_cache_set_caller(uintptr_t caller_sp)
{
    current_caller_sp = caller_sp;
}

uintptr_t stack_cache_caller(void)
{
    return current_caller_sp;
}

/* The return address, just below the caller's stack pointer. */
static uintptr_t caller_return_address(uintptr_t sp)
{
    return ((const uintptr_t *)sp)[-1];
}

/* The first of the WAYS slots where the key SP, RET may be. */
static struct stack_slot *home_of(struct thread_stacks *t, uintptr_t sp, uintptr_t ret)
{
    uint64_t h = (sp ^ (ret << 17) ^ (ret >> 5)) * 0x9e3779b97f4a7c15ull;
    return &t->slots[(h >> (64 - __builtin_ctz(SLOTS))) & ~(uint64_t)(WAYS - 1)];
}

/* The slot that holds the key SP, RET, or NULL. */
static struct stack_slot *slot_of(struct thread_stacks *t, uintptr_t sp, uintptr_t ret)
{
    struct stack_slot *home = home_of(t, sp, ret);
    for (int i = 0; i < WAYS; i++)
        if (home[i].sp == sp && home[i].ret == ret)
            return &home[i];
    return NULL;
}

__attribute__((no_sanitize_address)) static bool checks_hold(const struct learned_stack *l)
{
    for (int i = 0; i < l->checks; i++)
        if (*(const volatile uintptr_t *)l->check[i].address != l->check[i].value)
            return false;
    return true;
}

int stack_cache_find(uintptr_t sp, uintptr_t *ips, int max)
{
    struct thread_stacks *t = thread_stacks;
    if (t == NULL)
        return -1;
    uintptr_t ret = caller_return_address(sp);
    const struct stack_slot *s = slot_of(t, sp, ret);
    const struct learned_stack *l = s != NULL ? s->stack : NULL;
    if (l == NULL || s->generation != __atomic_load_n(&generation, __ATOMIC_RELAXED) ||
        (max > l->max && !l->complete) || !checks_hold(l))
        return -1;
    int n = l->count < max ? l->count : max;
    memcpy(ips, l->ips, (size_t)n * sizeof *ips);
    return n;
}

static void free_thread_stacks(void *arg)
{
    struct thread_stacks *t = arg;
    if (thread_stacks == t)
        thread_stacks = NULL;
    for (int i = 0; i < SLOTS; i++)
        free(t->slots[i].stack);
    free(t);
}

static void make_stacks_key(void)
{
    stacks_key_made = pthread_key_create(&stacks_key, free_thread_stacks) == 0;
}

static struct thread_stacks *own_stacks(void)
{
    if (thread_stacks != NULL)
        return thread_stacks;
    pthread_once(&stacks_key_once, make_stacks_key);
    if (!stacks_key_made)
        return NULL;                    /* it could never be freed */
    struct thread_stacks *t = calloc(1, sizeof *t);
    if (t != NULL)
        pthread_setspecific(stacks_key, t);
    return thread_stacks = t;
}

/* What a step-by-step walk gathers: frames as capture_stack keeps them, and the words
 * they came from. */
struct walk {
    uintptr_t *ips;
    int count, max;
    bool complete;
    struct stack_check *check;
    int checks, checks_max;
};

static bool add_check(struct walk *w, uintptr_t address)
{
    for (int i = w->checks - 1; i >= 0 && i >= w->checks - 2; i--)
        if (w->check[i].address == address)
            return true;                /* a frame that kept its caller's frame pointer */
    if (w->checks == w->checks_max)
        return false;
    w->check[w->checks++] = (struct stack_check){address, *(const uintptr_t *)address};
    return true;
}

/* The stack address where the cursor's frame found REG; 0 if not in memory. */
static uintptr_t saved_at(unw_cursor_t *cursor, int reg)
{
    unw_save_loc_t loc;
    if (unw_get_save_loc(cursor, reg, &loc) != 0 || loc.type != UNW_SLT_MEMORY)
        return 0;
    return (uintptr_t)loc.u.addr;
}

static bool reg_of(unw_cursor_t *cursor, int reg, uintptr_t *value)
{
    unw_word_t v;
    if (unw_get_reg(cursor, reg, &v) != 0)
        return false;
    *value = (uintptr_t)v;
    return true;
}

/* Steps the cursor out of the shim's own frames to the frame of the caller at SP. */
static bool step_to_caller(unw_cursor_t *cursor, uintptr_t sp)
{
    for (int i = 0; i < CALLER_SEARCH_MAX; i++) {
        uintptr_t at;
        if (unw_step(cursor) <= 0 || !reg_of(cursor, UNW_REG_SP, &at) || at > sp)
            return false;
        if (at == sp)
            return true;
    }
    return false;
}

/* One step from the caller's frame on: the words the step read become checks. A frame
 * pointer is a word libunwind depends on only where a frame finds its frame's end from
 * it: elsewhere it may be any value (a loop counter, in code without frame pointers), and
 * checking it would miss every time. */
static bool step_and_note(unw_cursor_t *cursor, struct walk *w)
{
    uintptr_t sp, fp;
    bool had_fp = reg_of(cursor, ARCH_UNW_FRAME_POINTER, &fp);
    uintptr_t fp_from = saved_at(cursor, ARCH_UNW_FRAME_POINTER);
    if (!reg_of(cursor, UNW_REG_SP, &sp) || unw_is_signal_frame(cursor) > 0)
        return false;
    int r = unw_step(cursor);
    if (r == 0) {
        w->complete = true;
        return true;
    }
    uintptr_t ret_at = saved_at(cursor, UNW_REG_IP), fp_at = saved_at(cursor, ARCH_UNW_FRAME_POINTER);
    uintptr_t cfa;
    if (r < 0 || ret_at == 0 || !reg_of(cursor, UNW_REG_SP, &cfa) || !add_check(w, ret_at))
        return false;
    bool ends_at_fp = cfa == fp + 2 * sizeof(uintptr_t);
    bool saved_fp_at_fp = fp_at == fp;
    if (!had_fp || (!ends_at_fp && !saved_fp_at_fp))
        return true;                    /* its frame pointer was not used */
    if (fp_from == 0 || !add_check(w, fp_from))
        return false;
    /* A frame that saved its caller's frame pointer where its own points, but whose frame
     * does not end just above it, realigned its stack and keeps where the frame ends in
     * the word below (GCC's DRAP); libunwind reads that word too. */
    if (saved_fp_at_fp && !ends_at_fp && fp - sizeof(uintptr_t) >= sp)
        return add_check(w, fp - sizeof(uintptr_t));
    return true;
}

static bool walk_from_caller(unw_cursor_t *cursor, struct walk *w)
{
    for (;;) {
        uintptr_t ip;
        if (!reg_of(cursor, UNW_REG_IP, &ip))
            return false;
        if (ip < shim_text_start || ip >= shim_text_end)
            w->ips[w->count++] = ip;
        if (w->count == w->max)
            return true;
        if (!step_and_note(cursor, w))
            return false;
        if (w->complete)
            return true;
    }
}

/* Walks the stack step by step from the hooked call's caller at SP; the stack learned, or
 * NULL when it cannot be (or does not give the frames FAST, COUNT of them, that the fast
 * walk gave). */
__attribute__((noinline)) static struct learned_stack *learn(uintptr_t sp, const uintptr_t *fast,
                                                             int count, int max)
{
    int checks_max = 3 * (max + CALLER_SEARCH_MAX) + 4;
    struct learned_stack *l = malloc(sizeof *l + (size_t)checks_max * sizeof l->check[0] +
                                     (size_t)max * sizeof(uintptr_t));
    if (l == NULL)
        return NULL;
    uintptr_t *ips = (uintptr_t *)(void *)&l->check[checks_max];
    struct walk w = {ips, 0, max, false, l->check, 0, checks_max};
    unw_context_t context;
    unw_cursor_t cursor;
    bool ok = unw_getcontext(&context) == 0 && unw_init_local(&cursor, &context) == 0 &&
              step_to_caller(&cursor, sp) && walk_from_caller(&cursor, &w) &&
              w.count == count && memcmp(ips, fast, (size_t)count * sizeof *ips) == 0;
    if (!ok) {
        free(l);
        return NULL;
    }
    /* Packed: the frames right after the checks. */
    memmove(&l->check[w.checks], ips, (size_t)count * sizeof *ips);
    l->ips = (uintptr_t *)(void *)&l->check[w.checks];
    l->count = count;
    l->max = max;
    l->complete = w.complete;
    l->checks = w.checks;
    struct learned_stack *packed = realloc(l, sizeof *l + (size_t)w.checks * sizeof l->check[0] +
                                                  (size_t)count * sizeof(uintptr_t));
    if (packed != NULL) {
        l = packed;
        l->ips = (uintptr_t *)(void *)&l->check[w.checks];
    }
    return l;
}

void stack_cache_learn(uintptr_t sp, const uintptr_t *ips, int count, int max)
{
    struct thread_stacks *t = own_stacks();
    if (t == NULL)
        return;
    uintptr_t ret = caller_return_address(sp);
    unsigned current = __atomic_load_n(&generation, __ATOMIC_RELAXED);
    struct stack_slot *s = slot_of(t, sp, ret);
    if (s == NULL || s->generation != current) {
        /* A new key takes the first way; the key there moves down, the last one goes. */
        struct stack_slot *home = home_of(t, sp, ret);
        if (s == NULL) {
            s = home;
            free(home[WAYS - 1].stack);
            memmove(&home[1], &home[0], (WAYS - 1) * sizeof home[0]);
        } else {
            free(s->stack);
        }
        *s = (struct stack_slot){sp, ret, current, 1, 0, NULL};
        return;
    }
    if (++s->misses < (unsigned)LEARN_AFTER << s->learned || s->learned >= RELEARNS_MAX)
        return;
    s->misses = 0;
    s->learned++;
    free(s->stack);
    unsigned outer = unwind_signals_hold();
    s->stack = learn(sp, ips, count, max);
    unwind_signals_release(outer);
}

void stack_cache_forget_all(void)
{
    __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED);
}
