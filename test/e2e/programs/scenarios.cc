// Small scenarios for the end-to-end tests, chosen by the first argument:
//   classes  one leaked nsFoo and one leaked nsBar
//   many     five nsFoo, the 2nd and 4th leaked
//   reuse    two nsPooled at the same address, the second leaked
#include <stdio.h>
#include <string.h>

#include "nsfoo.h"

__attribute__((noinline)) static void LeakOneOfEach()
{
    nsFoo *foo = new nsFoo();
    foo->AddRef();
    nsBar *bar = new nsBar();
    bar->AddRef();
}

__attribute__((noinline)) static void MakeFive()
{
    for (int i = 1; i <= 5; i++) {
        nsFoo *foo = new nsFoo();
        foo->AddRef();
        if (i % 2 != 0)
            foo->Release();
    }
}

__attribute__((noinline)) static void KeepSecond()
{
    nsPooled *first = new nsPooled();
    first->AddRef();
    first->Release();
    nsPooled *second = new nsPooled();
    second->AddRef();
    second->AddRef();
    second->Release();
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "classes") == 0)
        LeakOneOfEach();
    else if (strcmp(what, "many") == 0)
        MakeFive();
    else if (strcmp(what, "reuse") == 0)
        KeepSecond();
    else {
        fprintf(stderr, "usage: scenarios classes|many|reuse\n");
        return 2;
    }
    printf("done\n");
    return 0;
}
