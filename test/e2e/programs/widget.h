/* A C library with retain/release reference counting, as in GLib-less C code. */
#ifndef WIDGET_H
#define WIDGET_H

typedef struct widget widget;

widget *widget_new(const char *name);
widget *widget_retain(widget *w);
void widget_release(widget *w);

#endif
