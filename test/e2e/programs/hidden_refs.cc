// Objects whose count also changes where the shim cannot see it (a count bumped inline,
// as when the compiler inlines AddRef at some call sites): the shim must not wait for the
// missing events object after object, and says that events are missing.
#include <stdio.h>

struct nsHidden {
    unsigned AddRef();
    unsigned Release();
    unsigned mRefCnt = 0;
};

__attribute__((noinline)) unsigned nsHidden::AddRef()
{
    return ++mRefCnt;
}

__attribute__((noinline)) unsigned nsHidden::Release()
{
    unsigned count = --mRefCnt;
    if (count == 0)
        delete this;
    return count;
}

static void InlinedAddRef(nsHidden *object)
{
    ++object->mRefCnt;
}

int main()
{
    for (int i = 0; i < 50; i++) {
        nsHidden *object = new nsHidden();
        object->AddRef();
        InlinedAddRef(object);
        object->AddRef();
        object->Release();
        object->Release();
        object->Release();
    }
    printf("done\n");
    return 0;
}
