/* GObjects referenced during their own creation, as GstBin and GTK widgets are: the base
 * class's instance_init holds itself in a GValue (what signal emission does), the derived
 * one creates a child and references itself. One derived object is leaked on purpose,
 * with the child it keeps. Each object must get one serial in the log, never two. */
#include <glib-object.h>

typedef struct { GObject parent; } MyBase;
typedef struct { GObjectClass parent; } MyBaseClass;
G_DEFINE_TYPE(MyBase, my_base, G_TYPE_OBJECT)

static void hold_in_value(gpointer self)
{
    GValue value = G_VALUE_INIT;
    g_value_init_from_instance(&value, self);
    g_value_unset(&value);
}

static void my_base_init(MyBase *self) { hold_in_value(self); }
static void my_base_class_init(MyBaseClass *klass) { (void)klass; }

typedef struct { MyBase parent; MyBase *child; } MyDerived;
typedef struct { MyBaseClass parent; } MyDerivedClass;
G_DEFINE_TYPE(MyDerived, my_derived, my_base_get_type())

static void my_derived_init(MyDerived *self)
{
    self->child = g_object_new(my_base_get_type(), NULL);
    g_object_unref(g_object_ref(self));
}

static void my_derived_dispose(GObject *object)
{
    g_clear_object(&((MyDerived *)object)->child);
    G_OBJECT_CLASS(my_derived_parent_class)->dispose(object);
}

static void my_derived_class_init(MyDerivedClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = my_derived_dispose;
}

static MyDerived *kept;

__attribute__((noinline)) static void LeakDerived(void)
{
    kept = g_object_new(my_derived_get_type(), NULL);
    g_object_ref(kept);         /* the leak: one reference too many */
    kept = NULL;
}

int main(void)
{
    g_object_unref(g_object_new(my_derived_get_type(), NULL));
    g_object_unref(g_object_new(my_base_get_type(), NULL));
    LeakDerived();
    g_object_unref(g_object_new(my_derived_get_type(), NULL));
    return 0;
}
