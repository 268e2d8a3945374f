/* GObject references taken directly and through GValue; one object is left in a GValue
 * that is never unset. A GInitiallyUnowned object is sunk and released. */
#include <glib-object.h>
#include <stdio.h>

#define MY_TYPE_THING (my_thing_get_type())
G_DECLARE_FINAL_TYPE(MyThing, my_thing, MY, THING, GObject)
struct _MyThing {
    GObject parent;
};
G_DEFINE_TYPE(MyThing, my_thing, G_TYPE_OBJECT)
static void my_thing_class_init(MyThingClass *klass) { (void)klass; }
static void my_thing_init(MyThing *thing) { (void)thing; }

#define MY_TYPE_WIDGET (my_widget_get_type())
G_DECLARE_FINAL_TYPE(MyWidget, my_widget, MY, WIDGET, GInitiallyUnowned)
struct _MyWidget {
    GInitiallyUnowned parent;
};
G_DEFINE_TYPE(MyWidget, my_widget, G_TYPE_INITIALLY_UNOWNED)
static void my_widget_class_init(MyWidgetClass *klass) { (void)klass; }
static void my_widget_init(MyWidget *widget) { (void)widget; }

static GValue kept = G_VALUE_INIT;

static void StoreInValue(MyThing *thing)
{
    g_value_init(&kept, MY_TYPE_THING);
    g_value_set_object(&kept, thing);
}

static void UseTemporaryValue(MyThing *thing)
{
    GValue value = G_VALUE_INIT;
    g_value_init(&value, MY_TYPE_THING);
    g_value_set_object(&value, thing);
    g_value_unset(&value);
}

static void OwnWidget(void)
{
    MyWidget *widget = g_object_new(MY_TYPE_WIDGET, NULL);
    g_object_ref_sink(widget);
    g_object_ref(widget);
    g_object_unref(widget);
    g_object_unref(widget);
}

int main(void)
{
    MyThing *leaked = g_object_new(MY_TYPE_THING, NULL);
    UseTemporaryValue(leaked);
    StoreInValue(leaked);
    g_object_unref(leaked);
    MyThing *balanced = g_object_new(MY_TYPE_THING, NULL);
    g_object_unref(balanced);
    OwnWidget();
    printf("done\n");
    return 0;
}
