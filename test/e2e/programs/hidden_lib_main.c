/* Uses the stripped C++ library of hidden_lib.cc through its C entry points and leaks
 * one object: a leak refshim cannot see there, and must say why. */
#include <stdio.h>

void *hidden_new(void);
void hidden_ref(void *object);
void hidden_unref(void *object);

int main(void)
{
    void *kept = hidden_new();
    void *freed = hidden_new();
    hidden_ref(freed);
    hidden_unref(freed);
    hidden_unref(freed);
    printf("%s\n", kept ? "done" : "no object");
    return 0;
}
