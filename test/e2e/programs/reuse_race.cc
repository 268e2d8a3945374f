/* Address-reuse stress for C++ AddRef()/Release() (reuse_race.h): Pooled objects live in
 * a pool that reuses addresses at once, and two threads drop the two references of
 * each one at about the same moment. */
#include <atomic>

extern "C" {
#include "reuse_race.h"
}

class Pooled {
public:
    unsigned long AddRef();
    unsigned long Release();
    static void *operator new(size_t) { return pool_get(); }
    static void operator delete(void *block) { pool_put(block); }
private:
    std::atomic<unsigned long> refs{0};
};

__attribute__((noinline)) unsigned long Pooled::AddRef() { return ++refs; }

__attribute__((noinline)) unsigned long Pooled::Release()
{
    unsigned long left = --refs;
    if (left == 0)
        delete this;
    return left;
}

static void *make_object(void)
{
    Pooled *object = new Pooled;
    object->AddRef();
    return object;
}

static void add_ref(void *object) { static_cast<Pooled *>(object)->AddRef(); }
static void drop_ref(void *object) { static_cast<Pooled *>(object)->Release(); }

int main(int argc, char **argv)
{
    static_assert(sizeof(Pooled) <= POOL_BLOCK_SIZE, "a pool block holds a Pooled");
    return run_workers(argc, argv);
}
