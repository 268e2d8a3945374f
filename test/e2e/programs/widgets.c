/* Uses libwidget: one widget is balanced, another keeps an extra reference. */
#include <stdio.h>

#include "widget.h"

static widget *cache;

static void KeepsWidget(widget *w)
{
    cache = widget_retain(w);
}

static void Balanced(void)
{
    widget *w = widget_new("balanced");
    widget_retain(w);
    widget_release(w);
    widget_release(w);
}

static void Leaky(void)
{
    widget *w = widget_new("leaky");
    KeepsWidget(w);
    widget_release(w);
}

int main(void)
{
    Balanced();
    Leaky();
    printf("done\n");
    return 0;
}
