// A C interface to nsFoo, for programs that load libnsfoo.so through an FFI (Python's
// ctypes in the process cases): foo_new returns an nsFoo at count 1, foo_release drops
// one reference.
#include "nsfoo.h"

extern "C" void *foo_new(void)
{
    nsFoo *foo = new nsFoo();
    foo->AddRef();
    return foo;
}

extern "C" void foo_release(void *foo)
{
    static_cast<nsFoo *>(foo)->Release();
}
