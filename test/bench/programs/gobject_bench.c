/* Measures g_object_ref+g_object_unref pairs on a plain GObject. Run it without the shim,
 * and with the shim and REFLOG_CLASSES=GInitiallyUnowned: the program first makes one
 * GInitiallyUnowned, so the shim's reference hooks are installed (they wait for the first
 * object of a logged class), and then every call in the loop is on a class that is not
 * logged. The difference is the cost of a hooked call whose class is filtered out.
 *   gobject_bench N     prints nanoseconds per call (a pair counts as two calls) */
#include <glib-object.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    GObject *logged = g_object_ref_sink(g_object_new(G_TYPE_INITIALLY_UNOWNED, NULL));
    GObject *object = g_object_new(G_TYPE_OBJECT, NULL);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        g_object_ref(object);
        g_object_unref(object);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (2.0 * n);
    g_object_unref(object);
    g_object_unref(logged);
    printf("%.1f\n", ns);
    return 0;
}
