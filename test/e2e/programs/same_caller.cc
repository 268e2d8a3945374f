// One AddRef call reached from two callers with the same stack pointer and return
// address: only a word further down the stack (the return address into ViaFirst or
// ViaSecond) tells the stacks apart. The shim's stack cache (stack_cache.c) must notice.
// Built at -O2 by the e2e case stack_cache.sh, with and without frame pointers.
//   same_caller ROUNDS    ViaFirst: AddRef+Release, ROUNDS times; ViaSecond: AddRef
//                         only, every third round: ROUNDS / 3 leaked references.
#include <stdlib.h>

#include "nsfoo.h"

static volatile int first_rounds, second_rounds;

__attribute__((noinline)) static void Touch(nsFoo *foo, bool keep)
{
    foo->AddRef();
    if (!keep)
        foo->Release();
    __asm__ volatile("" ::: "memory");
}

// The same frame for both: Touch runs at the same stack pointer either way.
__attribute__((noinline)) static void ViaFirst(nsFoo *foo)
{
    Touch(foo, false);
    first_rounds = first_rounds + 1;
}

__attribute__((noinline)) static void ViaSecond(nsFoo *foo)
{
    Touch(foo, true);
    second_rounds = second_rounds + 2;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 30;
    nsFoo *foo = nullptr;
    NS_NewFoo(&foo);
    for (int i = 1; i <= rounds; i++) {
        if (i % 3 == 0)
            ViaSecond(foo);
        else
            ViaFirst(foo);
    }
    return 0;
}
