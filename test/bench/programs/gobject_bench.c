/* Measures g_object_ref+g_object_unref pairs on a plain GObject, after making and
 * dropping one BenchLogged. The shim hooks g_object_ref/unref only once an object of a
 * logged class exists (before that no reference can concern one), so:
 *   - with REFLOG_CLASSES=NoSuchClass the loop's calls are not hooked at all;
 *   - with REFLOG_CLASSES=BenchLogged they go through the hooks and are filtered out by
 *     their class: the cost of a hooked call whose class is filtered out.
 *   gobject_bench N     prints nanoseconds per call (a pair counts as two calls) */
#include <glib-object.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct { GObject parent; } BenchLogged;
typedef struct { GObjectClass parent_class; } BenchLoggedClass;
G_DEFINE_TYPE(BenchLogged, bench_logged, G_TYPE_OBJECT)
static void bench_logged_class_init(BenchLoggedClass *klass) { (void)klass; }
static void bench_logged_init(BenchLogged *self) { (void)self; }

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    g_object_unref(g_object_new(bench_logged_get_type(), NULL));
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
