/* Demangling with libstdc++'s __cxa_demangle. The shim links libstdc++ rather than
 * looking the demangler up at run time: a C++ library loaded with RTLD_LOCAL into a C
 * program brings libstdc++ along, but not into the global scope, and the shim demangles
 * that library's symbols before it is relocated. */
#include "demangle.h"

#include <stddef.h>
#include <string.h>

char *__cxa_demangle(const char *mangled, char *buffer, size_t *length, int *status);

char *demangle(const char *name)
{
    if (strncmp(name, "_Z", 2) != 0)
        return NULL;
    int status = 0;
    char *out = __cxa_demangle(name, NULL, NULL, &status);
    return status == 0 ? out : NULL;
}
