// Small scenarios for the end-to-end tests, chosen by the first argument:
//   classes   one leaked nsFoo and one leaked nsBar
//   many      five nsFoo, the 2nd and 4th leaked
//   reuse     two nsPooled at the same address, the second leaked
//   thunk     an nsMulti leaked through its secondary interface (an AddRef thunk)
//   local     a class whose AddRef/Release are defined in this executable, leaked
//   threads   two threads share an nsAtomic; one of them keeps a reference
//   fork      leaks an nsFoo, forks; the child leaks an nsBar and executes argv[2]
//   contend   two threads AddRef and Release one nsAtomic as fast as they can
//   stall     a thread sleeps inside AddRef after the count changed; another AddRefs
//   gadgets   C++ retain/release methods of another name, one Gadget kept
//   badexec   leaks an nsFoo, fails to execute argv[2], then leaks an nsBar
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsfoo.h"

class nsLocal : public nsISupportsLike {
public:
    nsrefcnt AddRef() override;
    nsrefcnt Release() override;
private:
    ~nsLocal() override {}
    nsrefcnt mRefCnt = 0;
};

nsrefcnt nsLocal::AddRef()
{
    return ++mRefCnt;
}

nsrefcnt nsLocal::Release()
{
    nsrefcnt count = --mRefCnt;
    if (count == 0)
        delete this;
    return count;
}

// Reference counting by methods that are not called AddRef/Release: traced with
// REFLOG_NEW/ADDREF/RELEASE naming them, demangled or mangled.
class Gadget {
public:
    __attribute__((noinline)) static Gadget *create() { return new Gadget(); }
    __attribute__((noinline)) void retain() { refs++; }
    __attribute__((noinline)) void release()
    {
        if (--refs == 0)
            delete this;
    }
private:
    int refs = 1;
};

// AddRef sleeps after the count changed, when asked to: its thread is as good as
// descheduled between the change and the shim's record of it.
class nsStalling : public nsISupportsLike {
public:
    nsrefcnt AddRef() override;
    nsrefcnt Release() override;
private:
    ~nsStalling() override {}
    nsrefcnt mRefCnt = 0;
};

static bool stall_next, stalled;        // atomic

nsrefcnt nsStalling::AddRef()
{
    nsrefcnt count = __atomic_add_fetch(&mRefCnt, 1, __ATOMIC_ACQ_REL);
    if (__atomic_exchange_n(&stall_next, false, __ATOMIC_ACQ_REL)) {
        __atomic_store_n(&stalled, true, __ATOMIC_RELEASE);
        usleep(200000);
    }
    return count;
}

nsrefcnt nsStalling::Release()
{
    nsrefcnt count = __atomic_sub_fetch(&mRefCnt, 1, __ATOMIC_ACQ_REL);
    if (count == 0)
        delete this;
    return count;
}

static Gadget *kept_gadget;

static void KeepGadget(Gadget *gadget)
{
    gadget->retain();
    kept_gadget = gadget;
}

static void UseGadgets()
{
    Gadget *balanced = Gadget::create();
    balanced->retain();
    balanced->release();
    balanced->release();
    Gadget *leaked = Gadget::create();
    KeepGadget(leaked);
    leaked->release();
}

static void LeakOneOfEach()
{
    nsFoo *foo = new nsFoo();
    foo->AddRef();
    nsBar *bar = new nsBar();
    bar->AddRef();
}

static void MakeFive()
{
    for (int i = 1; i <= 5; i++) {
        nsFoo *foo = new nsFoo();
        foo->AddRef();
        if (i % 2 != 0)
            foo->Release();
    }
}

static void KeepSecond()
{
    nsPooled *first = new nsPooled();
    first->AddRef();
    first->Release();
    nsPooled *second = new nsPooled();
    second->AddRef();
    second->AddRef();
    second->Release();
}

static void LeakThroughSecondary(nsISecondLike *second)
{
    second->AddRef();
}

static void UseMulti()
{
    nsMulti *multi = new nsMulti();
    multi->AddRef();
    LeakThroughSecondary(multi);
    static_cast<nsISecondLike *>(multi)->Release();
}

static void LeakLocal()
{
    nsLocal *local = new nsLocal();
    local->AddRef();
    local->AddRef();
    local->Release();
}

static nsAtomic *shared;

static void BorrowAndReturn()
{
    shared->AddRef();
    shared->Release();
}

static void KeepOne()
{
    shared->AddRef();
}

static void *Worker(void *keep)
{
    for (int i = 0; i < 500; i++)
        BorrowAndReturn();
    if (keep != nullptr)
        KeepOne();
    return nullptr;
}

static void *Hammer(void *)
{
    for (int i = 0; i < 50000; i++) {
        shared->AddRef();
        shared->Release();
    }
    return nullptr;
}

static void Contend()
{
    shared = new nsAtomic();
    shared->AddRef();
    pthread_t a, b;
    pthread_create(&a, nullptr, Hammer, nullptr);
    pthread_create(&b, nullptr, Hammer, nullptr);
    pthread_join(a, nullptr);
    pthread_join(b, nullptr);
    shared->Release();
}

static nsStalling *stalling;

static void *StallInAddRef(void *)
{
    __atomic_store_n(&stall_next, true, __ATOMIC_RELEASE);
    stalling->AddRef();
    stalling->Release();
    return nullptr;
}

// The second AddRef's count (3) reaches the shim 200 ms before the first one's (2).
static void Stall()
{
    stalling = new nsStalling();
    stalling->AddRef();
    pthread_t sleeper;
    pthread_create(&sleeper, nullptr, StallInAddRef, nullptr);
    while (!__atomic_load_n(&stalled, __ATOMIC_ACQUIRE))
        usleep(100);
    stalling->AddRef();
    stalling->Release();
    pthread_join(sleeper, nullptr);
    stalling->Release();
}

static void RunThreads()
{
    shared = new nsAtomic();
    shared->AddRef();
    pthread_t a, b;
    pthread_create(&a, nullptr, Worker, nullptr);
    pthread_create(&b, nullptr, Worker, &a);
    pthread_join(a, nullptr);
    pthread_join(b, nullptr);
    shared->Release();
}

static void ChildWork(const char *program)
{
    nsBar *bar = new nsBar();
    bar->AddRef();
    execl(program, program, (char *)nullptr);
    _exit(127);
}

static void FailToExec(const char *program)
{
    nsFoo *foo = new nsFoo();
    foo->AddRef();
    execl(program, program, (char *)nullptr);
    nsBar *bar = new nsBar();
    bar->AddRef();
}

static int ForkAndExec(const char *program)
{
    nsFoo *foo = new nsFoo();
    foo->AddRef();
    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        ChildWork(program);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child %d\n", (int)child);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "classes") == 0)
        LeakOneOfEach();
    else if (strcmp(what, "many") == 0)
        MakeFive();
    else if (strcmp(what, "reuse") == 0)
        KeepSecond();
    else if (strcmp(what, "thunk") == 0)
        UseMulti();
    else if (strcmp(what, "local") == 0)
        LeakLocal();
    else if (strcmp(what, "threads") == 0)
        RunThreads();
    else if (strcmp(what, "gadgets") == 0)
        UseGadgets();
    else if (strcmp(what, "contend") == 0)
        Contend();
    else if (strcmp(what, "stall") == 0)
        Stall();
    else if (strcmp(what, "badexec") == 0 && argc > 2)
        FailToExec(argv[2]);
    else if (strcmp(what, "fork") == 0 && argc > 2)
        return ForkAndExec(argv[2]);
    else {
        fprintf(stderr, "usage: scenarios classes|many|reuse|thunk|local|threads|contend|stall|gadgets|badexec|fork PROGRAM\n");
        return 2;
    }
    printf("done\n");
    return 0;
}
