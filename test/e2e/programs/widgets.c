/* Uses libwidget: one widget is balanced, another keeps an extra reference. With the
 * argument "grab", the extra reference is taken with widget_grab. */
#include <stdio.h>
#include <string.h>

#include "widget.h"

static widget *cache;

static int use_grab;

static void KeepsWidget(widget *w)
{
    cache = use_grab ? widget_grab(w) : widget_retain(w);
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

int main(int argc, char **argv)
{
    use_grab = argc > 1 && strcmp(argv[1], "grab") == 0;
    Balanced();
    Leaky();
    printf("done\n");
    return 0;
}
