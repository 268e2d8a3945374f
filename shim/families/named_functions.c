/* Reference counting done by plain functions, named by the user: widget_new returns a new
 * object, widget_retain and widget_release take it as their first argument. Their return
 * values say nothing reliable about the count, so the shim keeps the count itself. The
 * class is the one the pattern names (pattern=class), else the one the function's name
 * implies (function_class_name).
 *
 * A glob often matches a function and the functions it calls for the same object:
 * hb_blob_create calls hb_blob_create_or_fail, a _ref may call another _ref. Such a change
 * is one change, recorded once, at the outermost call, whose caller is the user's code.
 * Each handler keeps its call on a per-thread chain of the named calls in progress, on
 * its own stack: an AddRef or Release inside one of the same kind for the same object is
 * not recorded; a creation inside a creation waits, with its stack, for the outer one to
 * return: if it returns the same object, only the outer one is recorded. */
#include "families.h"

#include <stdlib.h>
#include <string.h>

#include "deferred_events.h"
#include "demangle.h"
#include "hooks.h"
#include "recorder.h"
#include "report.h"

/* How many nested creations a creation keeps waiting, and how deep their stacks are:
 * a constructor makes its own object and maybe a few parts, which are rarely deep. */
#define PENDING_MAX 4
#define PENDING_DEPTH 64

/* A creation by a nested call, not recorded yet. */
struct pending_creation {
    struct hook *hook;
    void *object;
    int depth;
    uintptr_t ips[PENDING_DEPTH];
};

/* A named call in progress, on its handler's stack. */
struct named_call {
    struct named_call *self;            /* tells a live call from a reused stack slot */
    struct named_call *outer;
    enum ref_op op;
    void *object;                       /* an AddRef's or Release's argument */
    struct pending_creation *pending;   /* creations only: what nested ones made */
    int pending_count;
    void *created_inside[PENDING_MAX];  /* recorded by nested creations: a ring */
    unsigned created_count;
};

static __thread struct named_call *innermost;

/* The calls still in progress: a call left by longjmp or an exception never took itself
 * off the chain; its frame is dead when it is below the current one on the stack, or has
 * been written over. */
static struct named_call *live_calls(const void *here)
{
    struct named_call *call = innermost;
    while (call != NULL && ((const void *)call < here || call->self != call))
        call = call->outer;
    return call;
}

static void record_pending(struct named_call *call, const struct pending_creation *p)
{
    if (hook_enter(p->hook)) {
        recorder_kept_at(p->hook->class_name, &p->hook->class_cache, OP_CREATE, p->object,
                         p->ips, p->depth);
        shim_leave();
    }
    call->created_inside[call->created_count++ % PENDING_MAX] = p->object;
}

/* Records CALL's waiting creations, in the order they were made, but for OBJECT's. */
static void record_pending_except(struct named_call *call, const void *object)
{
    for (int i = 0; i < call->pending_count; i++)
        if (call->pending[i].object != object)
            record_pending(call, &call->pending[i]);
    call->pending_count = 0;
}

/* Another event is being recorded on this thread: creations waiting come first. */
static void record_all_pending(struct named_call *call)
{
    for (; call != NULL; call = call->outer)
        record_pending_except(call, NULL);
}

static bool created_inside(const struct named_call *call, const void *object)
{
    unsigned n = call->created_count < PENDING_MAX ? call->created_count : PENDING_MAX;
    for (unsigned i = 0; i < n; i++)
        if (call->created_inside[i] == object)
            return true;
    return false;
}

static bool inside_same_change(const struct named_call *call, enum ref_op op, void *object)
{
    for (; call != NULL; call = call->outer)
        if (call->op == op && call->object == object)
            return true;
    return false;
}

static void record_now(struct hook *hook, enum ref_op op, void *object)
{
    if (hook_enter(hook)) {
        recorder_kept(hook->class_name, &hook->class_cache, op, object);
        shim_leave();
    } else {
        struct deferred_event event = {.class_name = hook->class_name,
                                       .cache = &hook->class_cache, .change = op,
                                       .object = object};
        deferred_events_offer(&event);
    }
}

/* A creation OBJECT by HOOK's call, which was made inside the creation OUTER: it waits. */
static void defer_creation(struct named_call *outer, struct hook *hook, void *object)
{
    if (outer->pending_count == PENDING_MAX)
        record_pending_except(outer, NULL);
    if (!hook_enter(hook))
        return;
    struct pending_creation *p = &outer->pending[outer->pending_count++];
    p->hook = hook;
    p->object = object;
    p->depth = recorder_capture_stack(p->ips, PENDING_DEPTH);
    shim_leave();
}

static void creation_returned(struct named_call *call, struct hook *hook, void *object)
{
    /* A nested creation of the same object is this one: recorded once, here. */
    record_pending_except(call, object);
    if (object == NULL || created_inside(call, object))
        return;
    struct named_call *outer = call->outer;
    if (outer != NULL && outer->op == OP_CREATE) {
        defer_creation(outer, hook, object);
    } else {
        record_all_pending(outer);
        record_now(hook, OP_CREATE, object);
    }
}

/* Kept apart from on_named_call so that only creations pay for a pending one's stack. */
static __attribute__((noinline)) uint64_t on_named_creation(struct hook *hook,
                                                           struct saved_regs *regs)
{
    struct pending_creation pending[PENDING_MAX];
    struct named_call call = {.op = OP_CREATE, .pending = pending};
    call.self = &call;
    call.outer = live_calls(&call);
    innermost = &call;
    uint64_t result = hook_call_original(hook, regs);
    creation_returned(&call, hook, (void *)(uintptr_t)result);
    *(struct named_call *volatile *)&call.self = NULL;
    innermost = call.outer;
    return result;
}

static uint64_t on_named_call(struct hook *hook, struct saved_regs *regs)
{
    enum ref_op op = hook->op;
    if (op == OP_CREATE)
        return on_named_creation(hook, regs);
    void *object = saved_first_arg(regs);
    struct named_call call = {.op = op, .object = object};
    call.self = &call;
    call.outer = live_calls(&call);
    bool counted = object != NULL && !inside_same_change(call.outer, op, object);
    if (counted)
        record_all_pending(call.outer);
    /* A release is recorded first: it may free the object, and allocations in its
     * destructor may reuse the address before we would see the call return. */
    if (counted && op == OP_RELEASE)
        record_now(hook, op, object);
    innermost = &call;
    uint64_t result = hook_call_original(hook, regs);
    *(struct named_call *volatile *)&call.self = NULL;
    innermost = call.outer;
    if (counted && op != OP_RELEASE)
        record_now(hook, op, object);
    return result;
}

/* The class of a function matched by PATTERNS' pattern INDEX; PLAIN is its name without
 * parameter list. */
static char *class_for(const struct name_list *patterns, int index, const char *plain)
{
    const char *label = patterns->labels ? patterns->labels[index] : NULL;
    return label != NULL ? strdup(label) : function_class_name(plain);
}

/* Which of PATTERNS the function matches, by its symbol or, for patterns written as C++,
 * by its demangled name (*PRETTY, demangled once on demand) with or without parameters. */
static int matching_pattern(const struct name_list *patterns, const char *symbol, char **pretty)
{
    int index = name_list_glob_index(patterns, symbol);
    if (index >= 0 || !name_list_wants_demangled(patterns))
        return index;
    if (*pretty == NULL && (*pretty = demangle(symbol)) == NULL)
        return -1;
    index = name_list_glob_index(patterns, *pretty);
    char *paren = strchr(*pretty, '(');
    if (index < 0 && paren != NULL) {
        *paren = '\0';
        index = name_list_glob_index(patterns, *pretty);
        *paren = '(';
    }
    return index;
}

static const struct {
    size_t list;
    enum ref_op op;
    const char *variable;
} kinds[] = {
    {offsetof(struct config, new_fns), OP_CREATE, "REFLOG_NEW"},
    {offsetof(struct config, addref_fns), OP_ADD, "REFLOG_ADDREF"},
    {offsetof(struct config, release_fns), OP_RELEASE, "REFLOG_RELEASE"},
};

/* The patterns of kind I in CONFIG. */
static const struct name_list *patterns_of(const struct config *config, size_t i)
{
    return (const struct name_list *)((const char *)config + kinds[i].list);
}

/* More functions than any library has reference-counting ones. */
#define WIDE_PATTERN_HOOKS 1000

static unsigned hooked_by_kind[3];      /* under the scan: modules are scanned one at a time */
static bool warned_kind[3];

static void warn_wide_patterns(void)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (hooked_by_kind[i] < WIDE_PATTERN_HOOKS || warned_kind[i])
            continue;
        warned_kind[i] = true;
        report("%s matches %u functions: are its patterns too wide? Every call of each is "
               "recorded as %s, which slows the program and fills the log", kinds[i].variable,
               hooked_by_kind[i], kinds[i].op == OP_CREATE ? "a creation" :
               kinds[i].op == OP_ADD ? "an AddRef" : "a Release");
    }
}

static bool offer(const struct config *config, const struct hook_site *site)
{
    char *pretty = NULL;
    bool hooked = false;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !hooked; i++) {
        const struct name_list *patterns = patterns_of(config, i);
        if (patterns->count == 0)
            continue;
        int index = matching_pattern(patterns, site->symbol, &pretty);
        if (index < 0)
            continue;
        const char *shown = pretty ? pretty : site->symbol;
        char *plain = strndup(shown, strcspn(shown, "("));
        char *class_name = plain ? class_for(patterns, index, plain) : NULL;
        if (class_name != NULL && recorder_class_wanted(class_name)) {
            struct hook_site named = *site;
            named.name = shown;
            if (hook_install(&named, on_named_call, class_name, kinds[i].op))
                hooked_by_kind[i]++;
        }
        hooked = true;
        free(class_name);
        free(plain);
    }
    free(pretty);
    return hooked;
}

static bool idle(const struct config *config)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (patterns_of(config, i)->count > 0)
            return false;
    return true;
}

const struct hook_family named_functions_family = {
    .name = "REFLOG_NEW, REFLOG_ADDREF and REFLOG_RELEASE",
    .skips_shim_needs = true,
    .offer = offer,
    .idle = idle,
    .after_scan = warn_wide_patterns,
};
