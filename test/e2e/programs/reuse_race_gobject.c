/* Address-reuse stress for GObject (reuse_race.h): GLib allocates instances with malloc,
 * whose per-thread cache gives a freed block to the same thread's next allocation of its
 * size, so the thread that frees an object soon makes the next one at its address while
 * the other thread's g_object_unref may still be on its way through the shim. */
#include <glib-object.h>

#include "reuse_race.h"

#define RACE_TYPE_THING (race_thing_get_type())
G_DECLARE_FINAL_TYPE(RaceThing, race_thing, RACE, THING, GObject)

struct _RaceThing {
    GObject parent;
};

G_DEFINE_TYPE(RaceThing, race_thing, G_TYPE_OBJECT)

static void race_thing_class_init(RaceThingClass *klass) { (void)klass; }
static void race_thing_init(RaceThing *self) { (void)self; }

static void *make_object(void) { return g_object_new(RACE_TYPE_THING, NULL); }
static void add_ref(void *object) { g_object_ref(object); }
static void drop_ref(void *object) { g_object_unref(object); }

int main(int argc, char **argv)
{
    g_type_ensure(RACE_TYPE_THING);
    return run_workers(argc, argv);
}
