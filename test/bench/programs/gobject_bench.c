/* Measures g_object_ref+g_object_unref pairs: run once without the shim and once with it
 * and REFLOG_CLASSES naming no class, the difference is the cost of a filtered call.
 *   gobject_bench N     prints nanoseconds per call (a pair counts as two calls) */
#include <glib-object.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
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
    printf("%.1f\n", ns);
    return 0;
}
