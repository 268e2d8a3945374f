// Logs an event (the shim creates its log), closes every file descriptor it did not
// open, as daemons do, then opens a file of its own (which gets the number the shim's log
// had) and logs many events: the shim must never write into the program's own file.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nsfoo.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: closer OWN-FILE\n");
        return 2;
    }
    nsFoo *foo = nullptr;
    NS_NewFoo(&foo);
    for (int fd = 3; fd < 256; fd++)
        close(fd);
    int own = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (own < 0)
        return 1;
    for (int i = 0; i < 200000; i++) {
        foo->AddRef();
        foo->Release();
    }
    ssize_t n = write(own, "mine\n", 5);
    close(own);
    printf("fd %d wrote %zd\n", own, n);
    return 0;
}
