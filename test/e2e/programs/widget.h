/* A C library with retain/release reference counting, as in GLib-less C code. */
#ifndef WIDGET_H
#define WIDGET_H

typedef struct widget widget;

widget *widget_new(const char *name);
widget *widget_retain(widget *w);
void widget_release(widget *w);
/* The same as widget_retain, in a form whose entry cannot be patched. */
widget *widget_grab(widget *w);

#endif
