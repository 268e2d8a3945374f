/* libwidget.so: reference counting by plain functions, traced with REFLOG_NEW,
 * REFLOG_ADDREF and REFLOG_RELEASE. */
#include "widget.h"

#include <stdlib.h>
#include <string.h>

struct widget {
    int refs;
    char name[32];
};

widget *widget_new(const char *name)
{
    widget *w = calloc(1, sizeof *w);
    w->refs = 1;
    strncpy(w->name, name, sizeof w->name - 1);
    return w;
}

widget *widget_retain(widget *w)
{
    w->refs++;
    return w;
}

void widget_release(widget *w)
{
    if (--w->refs == 0)
        free(w);
}
