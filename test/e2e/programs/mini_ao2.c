/* A miniature of Asterisk's astobj2 for the REFLOG_REF and built-in ao2 tests: objects
 * with Asterisk's header layout, a ref function that changes the count by a delta and
 * returns the count before, and a weak proxy whose last -1 on the object calls the ref
 * function again from inside itself. Built twice: with AO2_NAMES its functions are
 * __ao2_alloc and __ao2_ref (the shim hooks them with no setting), else mo_alloc and
 * mo_ref (for REFLOG_NEW=mo_alloc REFLOG_REF=mo_ref:2). Leaks one object, the third. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ao2_layout.h"

#ifdef AO2_NAMES
#define ALLOC __ao2_alloc
#define REF __ao2_ref
#else
#define ALLOC mo_alloc
#define REF mo_ref
#endif


void *ALLOC(size_t size, destructor_fn destructor, unsigned options, const char *tag,
            const char *file, int line, const char *func)
{
    (void)tag, (void)file, (void)line, (void)func;
    struct header *h = calloc(1, sizeof *h + size);
    h->destructor = destructor;
    h->ref_counter = 1;
    h->options = options;
    return h + 1;
}

int REF(void *user, int delta, const char *tag, const char *file, int line, const char *func)
{
    struct header *h = header_of(user);
    int before = __atomic_fetch_add(&h->ref_counter, delta, __ATOMIC_SEQ_CST);
    int now = before + delta;
    void *proxy = h->weakptr;
    if (proxy != NULL && delta < 0 && now == 1) {
        /* The last reference is the proxy's: drop it from here, then the proxy. */
        h->weakptr = NULL;
        REF(user, -1, tag, file, line, func);
        REF(proxy, -1, tag, file, line, func);
        return before;
    }
    if (now == 0) {
        if (h->destructor)
            h->destructor(user);
        free(h);
    }
    return before;
}

void thing_destructor(void *user) { (void)user; }

/* Tags as Asterisk passes them: a long one (made in main: a TAB, which the log makes a
 * space, 199 bytes, then a 2-byte character across the 200-byte cut), NULL, a short one
 * with a control character. */
static char long_tag[256];
static void *make_thing(void) { return ALLOC(16, thing_destructor, 0, long_tag, __FILE__, __LINE__, "make_thing"); }
static void *make_proxy(void) { return ALLOC(8, NULL, 0, NULL, __FILE__, __LINE__, "make_proxy"); }
static void *make_leak(void) { return ALLOC(8, NULL, 0, "leaked\x01on purpose", __FILE__, __LINE__, "make_leak"); }

int main(void)
{
    size_t prefix = (size_t)snprintf(long_tag, sizeof long_tag, "a thing\tfor tests ");
    memset(long_tag + prefix, 'x', 199 - prefix);
    strcpy(long_tag + 199, "\xc3\xa9 and more");
    void *thing = make_thing();
    REF(thing, +2, "", __FILE__, __LINE__, __func__);
    REF(thing, -2, "", __FILE__, __LINE__, __func__);
    void *proxy = make_proxy();
    REF(proxy, +1, "", __FILE__, __LINE__, __func__);        /* the object's, on its proxy */
    REF(thing, +1, "", __FILE__, __LINE__, __func__);        /* the proxy's, on the object */
    header_of(thing)->weakptr = proxy;
    REF(proxy, -1, "", __FILE__, __LINE__, __func__);
    REF(thing, -1, "", __FILE__, __LINE__, __func__);        /* destroys both */
    void *leak = make_leak();
    REF(leak, +1, "", __FILE__, __LINE__, __func__);
    REF(leak, -1, "", __FILE__, __LINE__, __func__);
    REF(leak, 0, "", __FILE__, __LINE__, __func__);          /* asks, changes nothing */
    printf("done\n");
    return 0;
}
