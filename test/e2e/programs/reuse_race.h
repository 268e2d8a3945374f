/* The shared part of the address-reuse stress programs (reuse_race.cc, reuse_race_ao2.c):
 * a tiny pool that hands a freed block out again at once (LIFO), so that a new object
 * takes the address of one just destroyed, and a ring of mailboxes through which each
 * thread gives the next one a reference to each object it makes. Both threads then drop
 * their reference at about the same moment: one -1 is the last and frees the object,
 * and the freeing thread's next object gets the same address while the other -1 may
 * still be on its way through the shim. */
#ifndef REUSE_RACE_H
#define REUSE_RACE_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define POOL_BLOCKS 64
#define POOL_BLOCK_SIZE 64
#define MAX_THREADS 16

static unsigned char pool_memory[POOL_BLOCKS][POOL_BLOCK_SIZE] __attribute__((aligned(64)));
static void *pool_free_list[POOL_BLOCKS];
static int pool_free_count = -1;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((unused)) static void *pool_get(void)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_free_count < 0)
        for (pool_free_count = 0; pool_free_count < POOL_BLOCKS; pool_free_count++)
            pool_free_list[pool_free_count] = pool_memory[POOL_BLOCKS - 1 - pool_free_count];
    void *block = pool_free_count > 0 ? pool_free_list[--pool_free_count] : NULL;
    pthread_mutex_unlock(&pool_lock);
    if (block == NULL) {
        fprintf(stderr, "pool empty\n");
        exit(2);
    }
    return block;
}

__attribute__((unused)) static void pool_put(void *block)
{
    pthread_mutex_lock(&pool_lock);
    pool_free_list[pool_free_count++] = block;
    pthread_mutex_unlock(&pool_lock);
}

/* One object of the program's kind, with one reference: make_object; another reference:
 * add_ref; dropping one: drop_ref (the program defines them). */
static void *make_object(void);
static void add_ref(void *object);
static void drop_ref(void *object);

static void *mailboxes[MAX_THREADS];    /* atomic: a reference given to thread i */
static int threads, iterations;
static int finished;                    /* atomic: workers done making objects */

/* Drops the reference waiting in thread ME's mailbox, if any. */
static void empty_mailbox(int me)
{
    void *given = __atomic_exchange_n(&mailboxes[me], NULL, __ATOMIC_ACQ_REL);
    if (given != NULL)
        drop_ref(given);
}

static void *worker(void *arg)
{
    int me = (int)(long)arg, next = (me + 1) % threads;
    for (int i = 0; i < iterations; i++) {
        void *object = make_object();
        add_ref(object);                                /* the next thread's */
        void *expected = NULL;
        while (!__atomic_compare_exchange_n(&mailboxes[next], &expected, object, false,
                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            expected = NULL;
            empty_mailbox(me);                          /* never wait with a full one */
            sched_yield();
        }
        empty_mailbox(me);
        drop_ref(object);                               /* ours: races with the next's */
    }
    /* The previous thread may still be waiting to give us one. */
    __atomic_add_fetch(&finished, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < threads) {
        empty_mailbox(me);
        sched_yield();
    }
    return NULL;
}

/* Runs THREADS workers for ITERATIONS objects each (argv[1], argv[2]) and prints how many
 * objects were made. */
static int run_workers(int argc, char **argv)
{
    iterations = argc > 1 ? atoi(argv[1]) : 20000;
    threads = argc > 2 ? atoi(argv[2]) : 4;
    if (threads < 2 || threads > MAX_THREADS || iterations < 1)
        return 2;
    pthread_t ids[MAX_THREADS];
    for (int t = 0; t < threads; t++)
        pthread_create(&ids[t], NULL, worker, (void *)(long)t);
    for (int t = 0; t < threads; t++)
        pthread_join(ids[t], NULL);
    for (int t = 0; t < threads; t++)
        empty_mailbox(t);
    printf("made %d objects\n", threads * iterations);
    return 0;
}

#endif
