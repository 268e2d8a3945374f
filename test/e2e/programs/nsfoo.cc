// libnsfoo.so: the XPCOM-style classes of the end-to-end tests and the demo.
#include "nsfoo.h"

#define IMPL_REFCOUNTING(Class)           \
    nsrefcnt Class::AddRef()              \
    {                                     \
        return ++mRefCnt;                 \
    }                                     \
    nsrefcnt Class::Release()             \
    {                                     \
        nsrefcnt count = --mRefCnt;       \
        if (count == 0)                   \
            delete this;                  \
        return count;                     \
    }

IMPL_REFCOUNTING(nsFoo)
IMPL_REFCOUNTING(nsBar)
IMPL_REFCOUNTING(nsPooled)
IMPL_REFCOUNTING(nsMulti)

nsrefcnt nsAtomic::AddRef()
{
    return __atomic_add_fetch(&mRefCnt, 1, __ATOMIC_ACQ_REL);
}

nsrefcnt nsAtomic::Release()
{
    nsrefcnt count = __atomic_sub_fetch(&mRefCnt, 1, __ATOMIC_ACQ_REL);
    if (count == 0)
        delete this;
    return count;
}

alignas(16) static unsigned char pool[sizeof(nsPooled)];

void *nsPooled::operator new(decltype(sizeof 0))
{
    return pool;
}

void nsPooled::operator delete(void *)
{
}

int NS_NewFoo(nsFoo **result)
{
    *result = new nsFoo();
    (*result)->AddRef();
    return 0;
}
