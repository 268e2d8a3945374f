/* execve: the log must be whole before the program image is replaced. */
#ifndef REFSHIM_EXEC_HOOKS_H
#define REFSHIM_EXEC_HOOKS_H

#include <stdbool.h>

#include "hooks.h"

/* Hooks SITE if it is libc's execve. Returns true when it did. */
bool exec_hooks_consider(const struct hook_site *site);

#endif
