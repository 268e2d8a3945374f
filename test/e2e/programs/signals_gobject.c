/* g_object_ref/unref and gst_mini_object_ref/unref in a tight loop while a 5 kHz timer
 * signal's handler refs and unrefs other objects: the handler often interrupts the shim
 * while it records the loop's events, and its own events must still all be in the log.
 * Prints how many signals ran. (signals.cc runs its handler at 10 kHz; this one makes six
 * calls per signal, whose stacks are taken from inside the signal when the shim is busy:
 * at 10 kHz that is the whole of a loaded 2-core machine, and the queue overflows.) */
#include <glib-object.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static GObject *borrowed, *kept;
static GstBuffer *borrowed_buffer, *kept_buffer;
static volatile sig_atomic_t signals;

static void on_timer(int signal_number)
{
    (void)signal_number;
    if (signals >= 300)
        return;         /* the count stays exact while the timer is being stopped */
    g_object_ref(borrowed);
    g_object_unref(borrowed);
    g_object_ref(kept);
    gst_mini_object_ref(GST_MINI_OBJECT_CAST(borrowed_buffer));
    gst_mini_object_unref(GST_MINI_OBJECT_CAST(borrowed_buffer));
    gst_mini_object_ref(GST_MINI_OBJECT_CAST(kept_buffer));
    signals = signals + 1;
}

static void loop(void)
{
    GObject *busy = g_object_new(G_TYPE_OBJECT, NULL);
    GstBuffer *busy_buffer = gst_buffer_new();
    while (signals < 300) {
        g_object_ref(busy);
        g_object_unref(busy);
        gst_mini_object_ref(GST_MINI_OBJECT_CAST(busy_buffer));
        gst_mini_object_unref(GST_MINI_OBJECT_CAST(busy_buffer));
        for (volatile int spin = 0; spin < 300; spin = spin + 1) {
            /* time outside the shim too, or the log grows by gigabytes */
        }
    }
    g_object_unref(busy);
    gst_mini_object_unref(GST_MINI_OBJECT_CAST(busy_buffer));
}

int main(int argc, char **argv)
{
    gst_init(&argc, &argv);
    borrowed = g_object_new(G_TYPE_OBJECT, NULL);
    kept = g_object_new(G_TYPE_OBJECT, NULL);
    borrowed_buffer = gst_buffer_new();
    kept_buffer = gst_buffer_new();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_timer;
    sigaction(SIGALRM, &action, NULL);
    struct itimerval every_200us = {{0, 200}, {0, 200}};
    setitimer(ITIMER_REAL, &every_200us, NULL);
    loop();
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    g_object_unref(borrowed);
    gst_mini_object_unref(GST_MINI_OBJECT_CAST(borrowed_buffer));
    printf("%d\n", (int)signals);
    return 0;
}
