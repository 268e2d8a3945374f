/* GObjects kept alive in three ways: lost, held by a global, held by a GObject that a
 * global holds. */
#include <glib-object.h>
#include <stdio.h>
#include <string.h>

#define MY_TYPE_THING (my_thing_get_type())
G_DECLARE_FINAL_TYPE(MyThing, my_thing, MY, THING, GObject)
struct _MyThing {
    GObject parent;
    GObject *held;
};
G_DEFINE_TYPE(MyThing, my_thing, G_TYPE_OBJECT)
static void my_thing_class_init(MyThingClass *klass) { (void)klass; }
static void my_thing_init(MyThing *thing) { (void)thing; }

static MyThing *gKeeper;

static void MakeLost(void)
{
    MyThing *thing = g_object_new(MY_TYPE_THING, NULL);
    g_object_ref(thing);
    g_object_unref(thing);
}

static void MakeKept(void)
{
    gKeeper = g_object_new(MY_TYPE_THING, NULL);
    gKeeper->held = g_object_new(MY_TYPE_THING, NULL);
}

static void ScrubStack(void)
{
    char junk[65536];
    memset(junk, 0, sizeof junk);
    __asm__ volatile("" : : "r"(junk) : "memory");
}

int main(void)
{
    MakeLost();
    MakeKept();
    ScrubStack();
    printf("done\n");
    return 0;
}
