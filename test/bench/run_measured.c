/* run_measured.c - runs a command and prints its wall-clock seconds and peak resident
 * memory, so the benchmark needs neither /usr/bin/time nor a shell builtin's format.
 *
 * usage: run_measured COMMAND [ARG...]  (the command's stdout goes to /dev/null);
 * prints `SECONDS PEAK_KB EXIT_STATUS CPU_SECONDS` on stdout; the CPU time (user and
 * system, from the same getrusage) tells a busy machine's waits from the command's work. Peak RSS comes from getrusage of the
 * child, which counts the file pages the child maps. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: run_measured COMMAND [ARG...]\n", stderr);
        return 64;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 71;
    }
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 1);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (wait4(child, &status, 0, &usage) < 0) {
        perror("wait4");
        return 71;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    double cpu = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    printf("%.4f %ld %d %.4f\n", seconds, usage.ru_maxrss,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), cpu);
    return 0;
}
