/* Reference-counting functions that call each other for the same object, as real C
 * libraries do (hb_blob_create calls hb_blob_create_or_fail): traced with globs that
 * match both, each change must still count once. A parent thing also makes a child. */
#include <stdio.h>
#include <stdlib.h>

struct thing {
    int refs;
    struct thing *child;
};

static struct thing *cache;

struct thing *thing_create_or_fail(void)
{
    struct thing *t = calloc(1, sizeof *t);
    if (t != NULL)
        t->refs = 1;
    return t;
}

struct thing *thing_create(void)
{
    return thing_create_or_fail();
}

struct thing *thing_ref_unchecked(struct thing *t)
{
    t->refs++;
    return t;
}

struct thing *thing_ref(struct thing *t)
{
    return thing_ref_unchecked(t);
}

void thing_unref(struct thing *t)
{
    if (--t->refs == 0) {
        if (t->child != NULL)
            thing_unref(t->child);
        free(t);
    }
}

/* Makes a thing and its child; the parent holds the child's only reference. */
struct thing *thing_create_with_child(void)
{
    struct thing *parent = thing_create();
    parent->child = thing_create();
    return parent;
}

static void Balanced(void)
{
    struct thing *t = thing_create();
    thing_ref(t);
    thing_unref(t);
    thing_unref(t);
}

static void KeepsThing(struct thing *t)
{
    cache = thing_ref(t);
}

static void Leaky(void)
{
    struct thing *t = thing_create();
    KeepsThing(t);
    thing_unref(t);
}

static void Family(void)
{
    struct thing *parent = thing_create_with_child();
    thing_unref(parent);
}

int main(void)
{
    Balanced();
    Leaky();
    Family();
    printf("done\n");
    return 0;
}
