/* Names of global variables, for holders found in a module's data or bss. */
#ifndef REFSHIM_GLOBAL_NAMES_H
#define REFSHIM_GLOBAL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Writes into OUT the name of the variable at ADDRESS in the module at PATH loaded with
 * bias BIAS: `gCache`, `gTable+16` inside one, `Foo::sInstance` demangled, or
 * `libfoo.so+0x4010` when the module has no symbol there. */
void global_name(const char *path, uintptr_t bias, uintptr_t address, char *out, size_t size);
/* Closes the module global_name keeps open for the next name: once the names are written. */
void global_names_close(void);

#endif
