// A class whose AddRef/Release are inline, instrumented with include/refshim.h; it must
// run the same with and without the shim.
#include <stdio.h>

#include "refshim.h"

class nsInline {
public:
    unsigned AddRef()
    {
        unsigned count = ++mRefCnt;
        REFSHIM_LOG_ADDREF(this, count, "nsInline", sizeof(*this));
        return count;
    }
    unsigned Release()
    {
        unsigned count = --mRefCnt;
        REFSHIM_LOG_RELEASE(this, count, "nsInline");
        if (count == 0)
            delete this;
        return count;
    }
private:
    unsigned mRefCnt = 0;
};

struct Plain {
    Plain() { REFSHIM_LOG_CTOR(this, "Plain", sizeof(*this)); }
    ~Plain() { REFSHIM_LOG_DTOR(this, "Plain", sizeof(*this)); }
};

static void KeepInline(nsInline *object)
{
    object->AddRef();
}

int main()
{
    nsInline *object = new nsInline();
    object->AddRef();
    KeepInline(object);
    object->Release();
    Plain *kept = new Plain();
    delete new Plain();
    printf("done %d\n", kept != nullptr);
    return 0;
}
