// XPCOM-style reference-counted classes, defined in a shared library (libnsfoo.so).
#ifndef NSFOO_H
#define NSFOO_H

typedef unsigned int nsrefcnt;

class nsISupportsLike {
public:
    virtual nsrefcnt AddRef() = 0;
    virtual nsrefcnt Release() = 0;
protected:
    virtual ~nsISupportsLike() {}
};

// Declares what NS_IMPL_REFCOUNTING defines: each class has AddRef/Release of its own,
// as XPCOM classes do, so the shim sees nsFoo::AddRef, nsBar::AddRef...
#define DECLARE_REFCOUNTING(Class)        \
public:                                   \
    nsrefcnt AddRef() override;           \
    nsrefcnt Release() override;          \
private:                                  \
    ~Class() override {}                  \
    nsrefcnt mRefCnt = 0;

class nsFoo : public nsISupportsLike {
    DECLARE_REFCOUNTING(nsFoo)
public:
    int Value() const { return 42; }
};

class nsBar : public nsISupportsLike {
    DECLARE_REFCOUNTING(nsBar)
};

// Lives in a one-object pool, so that a new nsPooled always reuses the address of the
// last one: the address-reuse case of the analyzers.
class nsPooled : public nsISupportsLike {
    DECLARE_REFCOUNTING(nsPooled)
public:
    static void *operator new(decltype(sizeof 0) size);
    static void operator delete(void *p);
};

// A second interface: in nsMulti's vtable for it, AddRef and Release are thunks that
// adjust `this` and jump into nsMulti::AddRef and nsMulti::Release.
class nsISecondLike {
public:
    virtual nsrefcnt AddRef() = 0;
    virtual nsrefcnt Release() = 0;
    virtual int Second() = 0;
protected:
    virtual ~nsISecondLike() {}
};

class nsMulti : public nsISupportsLike, public nsISecondLike {
    DECLARE_REFCOUNTING(nsMulti)
public:
    int Second() override { return 2; }
};

// Thread-safe counting, as NS_IMPL_THREADSAFE_ADDREF does it.
class nsAtomic : public nsISupportsLike {
public:
    nsrefcnt AddRef() override;
    nsrefcnt Release() override;
private:
    ~nsAtomic() override {}
    nsrefcnt mRefCnt = 0;
};

// Like XPCOM factories: returns an AddRef'ed object in *result.
int NS_NewFoo(nsFoo **result);

#endif
