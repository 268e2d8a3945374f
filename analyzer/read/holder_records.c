/* holder_records.c - where the refshim reader hands its holder records (see the header). */
#include "holder_records.h"

#include <stddef.h>

static const struct holder_listener *listener;

void holder_records_listen(const struct holder_listener *new_listener)
{
    listener = new_listener;
}

void holder_records_deliver_mark(const struct mark_record *mark)
{
    if (listener && listener->on_mark)
        listener->on_mark(mark, listener->user);
}

void holder_records_deliver_holder(const struct holder_record *holder)
{
    if (listener && listener->on_holder)
        listener->on_holder(holder, listener->user);
}
