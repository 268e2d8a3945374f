// A C++ library whose AddRef/Release are hidden (-fvisibility=hidden) and that is then
// stripped: only its C entry points are exported, as in Debian's libxul.so. The shim
// cannot hook the methods and must say so.
#define EXPORT __attribute__((visibility("default")))

class nsHidden {
public:
    unsigned long AddRef() { return ++mRefCnt; }
    unsigned long Release()
    {
        unsigned long count = --mRefCnt;
        if (count == 0)
            delete this;
        return count;
    }

private:
    unsigned long mRefCnt = 0;
};

extern "C" EXPORT void *hidden_new()
{
    nsHidden *object = new nsHidden;
    object->AddRef();
    return object;
}

extern "C" EXPORT void hidden_ref(void *object) { static_cast<nsHidden *>(object)->AddRef(); }
extern "C" EXPORT void hidden_unref(void *object) { static_cast<nsHidden *>(object)->Release(); }
