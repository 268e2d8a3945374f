/* refshim.h: instrumentation API for reference counting the shim cannot intercept.
 *
 * Use it where AddRef/Release is inline code or a macro, never a function of its own:
 *
 *     nsrefcnt nsFoo::AddRef() {
 *         nsrefcnt count = ++mRefCnt;
 *         REFSHIM_LOG_ADDREF(this, count, "nsFoo", sizeof(*this));
 *         return count;
 *     }
 *
 * Like XPCOM's NS_LogAddRef, NS_LogRelease, NS_LogCtor and NS_LogDtor. There is no link
 * dependency on the shim: the functions are weak references that the dynamic linker
 * binds to librefshim.so when it is preloaded. Without it each macro is one test of a
 * null pointer, and nothing is called. */
#ifndef REFSHIM_H
#define REFSHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/* COUNT is the count after the change. An AddRef to 1 creates the object, a Release to 0
 * destroys it. SIZE is the object's size in bytes, 0 if unknown. */
void refshim_log_addref(void *object, unsigned long count, const char *class_name,
                        unsigned long size) __attribute__((weak));
void refshim_log_release(void *object, unsigned long count, const char *class_name)
    __attribute__((weak));
/* For objects that are not reference counted: construction and destruction. */
void refshim_log_ctor(void *object, const char *class_name, unsigned long size)
    __attribute__((weak));
void refshim_log_dtor(void *object, const char *class_name, unsigned long size)
    __attribute__((weak));

#define REFSHIM_LOG_ADDREF(object, count, class_name, size)                        \
    do {                                                                           \
        if (refshim_log_addref)                                                    \
            refshim_log_addref((void *)(object), (count), (class_name), (size));   \
    } while (0)
#define REFSHIM_LOG_RELEASE(object, count, class_name)                             \
    do {                                                                           \
        if (refshim_log_release)                                                   \
            refshim_log_release((void *)(object), (count), (class_name));          \
    } while (0)
#define REFSHIM_LOG_CTOR(object, class_name, size)                                 \
    do {                                                                           \
        if (refshim_log_ctor)                                                      \
            refshim_log_ctor((void *)(object), (class_name), (size));              \
    } while (0)
#define REFSHIM_LOG_DTOR(object, class_name, size)                                 \
    do {                                                                           \
        if (refshim_log_dtor)                                                      \
            refshim_log_dtor((void *)(object), (class_name), (size));              \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif
