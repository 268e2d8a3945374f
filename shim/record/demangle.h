/* C++ name demangling. */
#ifndef REFSHIM_DEMANGLE_H
#define REFSHIM_DEMANGLE_H

/* Returns the demangled form of an Itanium-mangled NAME in a malloc'd string, or NULL when
 * NAME is not a valid mangled name. */
char *demangle(const char *name);

#endif
