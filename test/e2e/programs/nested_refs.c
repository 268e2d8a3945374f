/* References taken inside g_object_ref/g_object_unref of the same object, on the same
 * thread, where they happen at a known moment of the outer call:
 *   toggle    a toggle notification, run by g_object_ref after the count went 1 -> 2,
 *             references the object again;
 *   signal    the same notification raises a signal, whose handler references it;
 *   dispose   the last g_object_unref runs dispose, which references the object while
 *             its count is still 1;
 *   container the same, and the dispose then drops the last reference to a child, whose
 *             own dispose does the same inside it.
 * Each object is then released whole. The log must show every object's counts in the
 * order they changed. */
#include <glib-object.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    GObject parent;
    GObject *child;
} Nested;
typedef struct { GObjectClass parent; } NestedClass;
G_DEFINE_TYPE(Nested, nested, G_TYPE_OBJECT)

static void nested_dispose(GObject *object)
{
    g_object_ref(object);
    g_object_unref(object);
    g_clear_object(&((Nested *)object)->child);
    G_OBJECT_CLASS(nested_parent_class)->dispose(object);
}

static void nested_class_init(NestedClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = nested_dispose;
}

static void nested_init(Nested *self)
{
    (void)self;
}

static GObject *in_signal;

static void on_signal(int signal_number)
{
    (void)signal_number;
    g_object_ref(in_signal);
    g_object_unref(in_signal);
}

static gboolean use_signal;

/* Called by g_object_ref once the count is 2, and by g_object_unref once it is 1. */
static void on_toggle(gpointer data, GObject *object, gboolean is_last_ref)
{
    (void)data;
    if (is_last_ref)
        return;
    if (use_signal) {
        in_signal = object;
        raise(SIGUSR1);
    } else {
        g_object_ref(object);
        g_object_unref(object);
    }
}

/* An object with a toggle reference as its only one, then referenced by a g_object_ref
 * whose notification references it again; then released. */
static void toggled(gboolean by_signal)
{
    use_signal = by_signal;
    GObject *object = g_object_new(G_TYPE_OBJECT, NULL);
    g_object_add_toggle_ref(object, on_toggle, NULL);   /* 2, toggle */
    g_object_unref(object);                             /* 1: the toggle ref alone */
    g_object_ref(object);                               /* 2, and the notification's */
    g_object_unref(object);
    g_object_remove_toggle_ref(object, on_toggle, NULL);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGUSR1, &action, NULL);
    if (strcmp(what, "toggle") == 0)
        toggled(FALSE);
    else if (strcmp(what, "signal") == 0)
        toggled(TRUE);
    else if (strcmp(what, "dispose") == 0)
        g_object_unref(g_object_new(nested_get_type(), NULL));
    else if (strcmp(what, "container") == 0) {
        Nested *container = g_object_new(nested_get_type(), NULL);
        container->child = g_object_new(nested_get_type(), NULL);
        g_object_unref(container);
    } else {
        fprintf(stderr, "usage: nested_refs toggle|signal|dispose|container\n");
        return 2;
    }
    printf("done\n");
    return 0;
}
