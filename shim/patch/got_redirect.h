/* The fallback when a function's entry cannot be patched: redirect the pointers to it. */
#ifndef REFSHIM_GOT_REDIRECT_H
#define REFSHIM_GOT_REDIRECT_H

#include <stddef.h>
#include <stdint.h>

/* In every loaded module, points the relocated slots that hold TARGET (GOT and PLT entries
 * bound to symbol NAME, vtable and function-pointer slots) at REPLACEMENT. Returns how
 * many slots were changed; slots already redirected are left alone, so calling it again
 * after dlopen changes only the new modules. */
size_t got_redirect(uintptr_t target, const char *name, uintptr_t replacement);
/* The same in one module only: the one that holds MODULE_ADDRESS. */
size_t got_redirect_in(uintptr_t module_address, uintptr_t target, const char *name,
                       uintptr_t replacement);

#endif
