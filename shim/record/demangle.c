/* Demangling with libiberty's cplus_demangle, the demangler of binutils and GCC, linked
 * in statically: the shim must demangle a C++ library loaded with RTLD_LOCAL into a C
 * program before that library (or its libstdc++) is relocated, and loading libstdc++
 * into every traced program only for __cxa_demangle slowed every start-up. */
#include "demangle.h"

#include <libiberty/demangle.h>
#include <string.h>

char *demangle(const char *name)
{
    if (strncmp(name, "_Z", 2) != 0)
        return NULL;
    return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI);
}
