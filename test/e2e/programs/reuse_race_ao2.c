/* Address-reuse stress for the built-in ao2 hooks (reuse_race.h): objects with Asterisk's
 * header layout, made by __ao2_alloc in a pool that reuses addresses at once, changed by
 * __ao2_ref (which returns the count before), and dropped by two threads at about the
 * same moment. Every third object's second reference is taken as +2 and given back as a
 * +1 and a -2, so that deltas other than one race too. */
#include <stdint.h>

#include "ao2_layout.h"
#include "reuse_race.h"

void *__ao2_alloc(size_t size, destructor_fn destructor, unsigned options, const char *tag,
                  const char *file, int line, const char *func)
{
    (void)tag, (void)file, (void)line, (void)func;
    if (sizeof(struct header) + size > POOL_BLOCK_SIZE)
        return NULL;
    struct header *h = pool_get();
    *h = (struct header){destructor, NULL, 1, options};
    return h + 1;
}

int __ao2_ref(void *user, int delta, const char *tag, const char *file, int line,
              const char *func)
{
    (void)tag, (void)file, (void)line, (void)func;
    struct header *h = header_of(user);
    int before = __atomic_fetch_add(&h->ref_counter, delta, __ATOMIC_SEQ_CST);
    if (before + delta == 0) {
        if (h->destructor)
            h->destructor(user);
        pool_put(h);
    }
    return before;
}

void pooled_destructor(void *user) { (void)user; }

static void *make_object(void)
{
    return __ao2_alloc(16, pooled_destructor, 0, "", __FILE__, __LINE__, __func__);
}

static __thread unsigned made;

static void add_ref(void *object)
{
    if (++made % 3 == 0) {
        __ao2_ref(object, +2, "", __FILE__, __LINE__, __func__);
        __ao2_ref(object, -1, "", __FILE__, __LINE__, __func__);
    } else {
        __ao2_ref(object, +1, "", __FILE__, __LINE__, __func__);
    }
}

static void drop_ref(void *object) { __ao2_ref(object, -1, "", __FILE__, __LINE__, __func__); }

int main(int argc, char **argv)
{
    return run_workers(argc, argv);
}
