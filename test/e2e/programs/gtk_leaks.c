/* A small GTK 3 program with planted leaks, run under Xvfb by the end-to-end tests: a
 * window of labels of its own class PlantedLabel, one of them referenced once too often
 * and never released, one PlantedThing (a plain GObject) leaked, and a PlantedLabel kept
 * by a global until the end, when it is released. Everything else is torn down. */
#include <gtk/gtk.h>

typedef struct { GtkLabel parent; } PlantedLabel;
typedef struct { GtkLabelClass parent; } PlantedLabelClass;
G_DEFINE_TYPE(PlantedLabel, planted_label, GTK_TYPE_LABEL)

/* Like many widgets, it works on itself while being created: setting the text emits
 * notifications, which hold the widget in a GValue. */
static void planted_label_init(PlantedLabel *self)
{
    gtk_label_set_text(GTK_LABEL(self), "planted");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self), "a planted label");
}
static void planted_label_class_init(PlantedLabelClass *klass) { (void)klass; }

typedef struct { GObject parent; } PlantedThing;
typedef struct { GObjectClass parent; } PlantedThingClass;
G_DEFINE_TYPE(PlantedThing, planted_thing, G_TYPE_OBJECT)
static void planted_thing_init(PlantedThing *self) { (void)self; }
static void planted_thing_class_init(PlantedThingClass *klass) { (void)klass; }

static GtkWidget *kept_label;       /* kept until the end, then released: not a leak */

__attribute__((noinline)) static void LeakLabel(GtkWidget *box)
{
    GtkWidget *label = g_object_new(planted_label_get_type(), NULL);
    gtk_container_add(GTK_CONTAINER(box), label);
    g_object_ref(label);            /* the leak: never released */
}

__attribute__((noinline)) static void LeakThing(void)
{
    g_object_new(planted_thing_get_type(), NULL);
}

static gboolean quit_soon(gpointer data)
{
    (void)data;
    gtk_main_quit();
    return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
    gtk_init(&argc, &argv);
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    gtk_container_add(GTK_CONTAINER(window), box);
    for (int i = 0; i < 5; i++)
        gtk_container_add(GTK_CONTAINER(box), g_object_new(planted_label_get_type(), NULL));
    LeakLabel(box);
    LeakThing();
    kept_label = g_object_ref_sink(g_object_new(planted_label_get_type(), NULL));
    gtk_widget_show_all(window);
    g_timeout_add(200, quit_soon, NULL);
    gtk_main();
    gtk_widget_destroy(window);
    g_clear_object(&kept_label);
    return 0;
}
