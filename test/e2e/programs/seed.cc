// The example of Mozilla's "Refcount tracing and balancing", post-processing step 2.
// Built twice: with -DLEAK, DoSomethingWithFooAndReturnItToo takes a reference it never
// gives back; without it, the fixed program.
#include <stdio.h>

#include "nsfoo.h"

__attribute__((noinline)) nsFoo *DoSomethingWithFooAndReturnItToo()
{
    nsFoo *foo = nullptr;
    NS_NewFoo(&foo);
#ifdef LEAK
    foo->AddRef();
#endif
    return foo;
}

int main()
{
    nsFoo *foo = DoSomethingWithFooAndReturnItToo();
    int value = foo->Value();
    foo->Release();
    printf("value %d\n", value);
    return 0;
}
