// Spawns a helper program in each way given on the command line, between creating and
// freeing objects, for the process cases (test/e2e/cases/processes.sh):
//   system  popen  posix_spawn  vfork  gspawn (g_spawn_sync, when built with GLib)
//   fork_exit (a forked child that runs nothing and calls _exit: it logs nothing)
// For each way: an nsFoo is created, the helper runs to its end, the nsFoo is released
// (destroyed). Serial 1 is leaked before the first spawn, and one more nsFoo after the
// last: refleaks on this process's log must name exactly those two.
//   spawner fill N   leaks an nsFoo, then AddRefs and Releases a second one N times and
//                    leaks it too: a log as large as N asks (the full-disk case).
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef HAVE_GLIB
#include <glib.h>
#endif

#include "nsfoo.h"

extern char **environ;

static nsFoo *NewFoo()
{
    nsFoo *foo = new nsFoo();
    foo->AddRef();
    return foo;
}

static int WaitFor(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int SpawnWithVfork(const char *helper)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl(helper, helper, (char *)nullptr);
        _exit(127);
    }
    return pid < 0 ? -1 : WaitFor(pid);
}

static int SpawnWithPosixSpawn(const char *helper)
{
    pid_t pid;
    char *argv[] = {const_cast<char *>(helper), nullptr};
    if (posix_spawn(&pid, helper, nullptr, nullptr, argv, environ) != 0)
        return -1;
    return WaitFor(pid);
}

static int SpawnWithPopen(const char *helper)
{
    FILE *out = popen(helper, "r");
    if (out == nullptr)
        return -1;
    char line[256];
    while (fgets(line, sizeof line, out) != nullptr)
        ;
    int status = pclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int SpawnWithGlib(const char *helper)
{
#ifdef HAVE_GLIB
    char *argv[] = {const_cast<char *>(helper), nullptr};
    int status = -1;
    if (!g_spawn_sync(nullptr, argv, nullptr, G_SPAWN_DEFAULT, nullptr, nullptr, nullptr, nullptr,
                      &status, nullptr))
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
#else
    (void)helper;
    return -1;
#endif
}

static int ForkAndExit()
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    return pid < 0 ? -1 : WaitFor(pid);
}

static int Spawn(const char *way, const char *helper)
{
    if (strcmp(way, "fork_exit") == 0)
        return ForkAndExit();
    if (strcmp(way, "system") == 0) {
        int status = system(helper);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (strcmp(way, "popen") == 0)
        return SpawnWithPopen(helper);
    if (strcmp(way, "posix_spawn") == 0)
        return SpawnWithPosixSpawn(helper);
    if (strcmp(way, "vfork") == 0)
        return SpawnWithVfork(helper);
    if (strcmp(way, "gspawn") == 0)
        return SpawnWithGlib(helper);
    return -1;
}

static void Fill(long times)
{
    NewFoo();
    nsFoo *churned = NewFoo();
    for (long i = 0; i < times; i++) {
        churned->AddRef();
        churned->Release();
    }
    printf("filled\n");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "fill") == 0) {
        Fill(atol(argv[2]));
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: spawner HELPER WAY... | spawner fill N\n");
        return 2;
    }
    NewFoo();                                   // leaked before any spawn
    for (int i = 2; i < argc; i++) {
        nsFoo *during = NewFoo();
        int status = Spawn(argv[i], argv[1]);
        during->Release();                      // freed after the spawn
        printf("%s %d\n", argv[i], status);
    }
    NewFoo();                                   // leaked after every spawn
    return 0;
}
