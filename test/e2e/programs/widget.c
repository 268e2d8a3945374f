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

/* widget_grab: widget_retain written as a compare-and-swap loop whose retry jumps back to
 * the function's entry, so the shim cannot patch the entry and must fall back to
 * redirecting the pointers to it. */
__asm__(".text\n"
        ".globl widget_grab\n"
        ".type widget_grab, @function\n"
        "widget_grab:\n"
        "    movl (%rdi), %eax\n"
        "    leal 1(%rax), %ecx\n"
        "    lock cmpxchgl %ecx, (%rdi)\n"
        "    jne widget_grab\n"
        "    movq %rdi, %rax\n"
        "    ret\n"
        ".size widget_grab, .-widget_grab\n");
