/* GStreamer's mini objects (buffers, caps, events, messages, queries...), built in. */
#ifndef REFSHIM_GST_MINI_HOOKS_H
#define REFSHIM_GST_MINI_HOOKS_H

#include <stdbool.h>

#include "hooks.h"

/* Hooks SITE if it is one of libgstreamer's mini-object functions. True when it was. */
bool gst_mini_hooks_consider(const struct hook_site *site);
/* For a mini object still alive when the process ends: "may-be-leaked" when GStreamer
 * flagged it GST_MINI_OBJECT_FLAG_MAY_BE_LEAKED (static caps, for one), else NULL. */
const char *gst_mini_survivor_note(void *object, const char **class_name);
/* In a forked child: another thread may have held the deferred hooks' lock at the fork. */
void gst_mini_hooks_after_fork_child(void);

#endif
