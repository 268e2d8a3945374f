/* libthing.so for the debug-information cases: a C object with retain functions that
 * REFLOG_NEW/REFLOG_ADDREF name; it keeps its symbols. */
#include <stdlib.h>

struct thing {
    int refs;
};

struct thing *thing_new(void)
{
    struct thing *t = calloc(1, sizeof *t);
    if (t)
        t->refs = 1;
    return t;
}

void thing_ref(struct thing *t)
{
    t->refs++;
}
