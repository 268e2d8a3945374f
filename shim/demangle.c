/* Demangling through libstdc++'s __cxa_demangle, found at run time: every program that
 * has C++ symbols has libstdc++ loaded, and a plain C program should not get libstdc++
 * pulled in by the shim. */
#include "demangle.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

typedef char *(*cxa_demangle_fn)(const char *, char *, size_t *, int *);

char *demangle(const char *name)
{
    if (strncmp(name, "_Z", 2) != 0)
        return NULL;
    static cxa_demangle_fn fn;
    if (fn == NULL)
        fn = (cxa_demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle");
    if (fn == NULL)
        return NULL;
    int status = 0;
    char *out = fn(name, NULL, NULL, &status);
    return status == 0 ? out : NULL;
}
