/* C++ name demangling without a link-time dependency on libstdc++. */
#ifndef REFSHIM_DEMANGLE_H
#define REFSHIM_DEMANGLE_H

/* Returns the demangled form of an Itanium-mangled NAME in a malloc'd string, or NULL when
 * NAME is not mangled or no demangler is loaded (a program without C++). */
char *demangle(const char *name);

#endif
