/* Hooks for C++ methods named AddRef() and Release() (the XPCOM/COM convention). */
#ifndef REFSHIM_CXX_METHODS_H
#define REFSHIM_CXX_METHODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hooks.h"

/* Hooks SITE if it is Class::AddRef() or Class::Release() of a class REFLOG_CLASSES
 * selects. Returns true when SITE was such a method. */
bool cxx_methods_consider(const struct config *config, const struct hook_site *site);

#endif
