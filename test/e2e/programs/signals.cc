// AddRef/Release in a tight loop while a 10 kHz timer signal's handler does AddRef/Release
// on other objects: the handler often interrupts the shim while it records the loop's
// events, and its own events must still all be in the log. Prints how many signals ran.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

class nsSignalled {
public:
    unsigned long AddRef();
    unsigned long Release();

private:
    volatile unsigned long refs = 0;
};

// Plain increments: the handler never runs while the loop is inside AddRef or Release of
// the same object, since the loop and the handler use different objects.
unsigned long nsSignalled::AddRef()
{
    return ++refs;
}

unsigned long nsSignalled::Release()
{
    unsigned long left = --refs;
    if (left == 0)
        delete this;
    return left;
}

static nsSignalled *borrowed, *kept;
static volatile sig_atomic_t signals;

static void OnTimer(int)
{
    if (signals >= 300)
        return;         // the count stays exact while the timer is being stopped
    borrowed->AddRef();
    borrowed->Release();
    kept->AddRef();
    signals = signals + 1;
}

static void Loop()
{
    nsSignalled *busy = new nsSignalled;
    busy->AddRef();
    while (signals < 300) {
        busy->AddRef();
        busy->Release();
        for (volatile int spin = 0; spin < 300; spin = spin + 1) {
            // time outside the shim too, or the log grows by gigabytes
        }
    }
    busy->Release();
}

int main()
{
    borrowed = new nsSignalled;
    borrowed->AddRef();
    kept = new nsSignalled;
    kept->AddRef();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = OnTimer;
    sigaction(SIGALRM, &action, nullptr);
    struct itimerval every_100us = {{0, 100}, {0, 100}};
    setitimer(ITIMER_REAL, &every_100us, nullptr);
    Loop();
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, nullptr);
    borrowed->Release();
    printf("%d\n", (int)signals);
    return 0;
}
