/* 200 GObject types, more than the shim's per-thread cache of types holds, referenced in
 * turn in a loop, so that the shim looks types up under its lock all the time, while a
 * 5 kHz timer signal's handler references objects of the same types: the handler's calls
 * come into the shim's type lookup while its own thread may hold the lock there. The
 * program must finish; it prints how many signals ran. */
#include <glib-object.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

enum { TYPES = 200, SIGNALS = 300 };

static GObject *objects[TYPES];
static volatile sig_atomic_t signals;

static void on_timer(int signal_number)
{
    (void)signal_number;
    if (signals >= SIGNALS)
        return;
    GObject *object = objects[(signals * 7) % TYPES];
    g_object_ref(object);
    g_object_unref(object);
    signals = signals + 1;
}

int main(void)
{
    for (int i = 0; i < TYPES; i++) {
        char name[32];
        snprintf(name, sizeof name, "Kind%d", i);
        GType type = g_type_register_static_simple(G_TYPE_OBJECT, name, sizeof(GObjectClass),
                                                   NULL, sizeof(GObject), NULL, 0);
        objects[i] = g_object_new(type, NULL);
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_timer;
    sigaction(SIGALRM, &action, NULL);
    struct itimerval every_200us = {{0, 200}, {0, 200}};
    setitimer(ITIMER_REAL, &every_200us, NULL);
    for (unsigned i = 0; signals < SIGNALS; i++) {
        g_object_ref(objects[i % TYPES]);
        g_object_unref(objects[i % TYPES]);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("%d\n", (int)signals);
    return 0;
}
