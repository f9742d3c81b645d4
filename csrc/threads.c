/* threads.c: fastla's own worker pool and its size (the workspace allocator is
 * workspace.c).
 *
 * Workers sleep on a condition variable and spin briefly before sleeping, so
 * back-to-back kernel calls do not pay a wake-up each. One job runs at a time;
 * a caller that finds the pool busy runs its tasks itself. After fork() the child
 * forgets the parent's workers (they do not exist there) and starts afresh. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT under -std=c11 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <malloc.h>
#include <windows.h>
#else
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#endif

/* ---- sizing ------------------------------------------------------------- */

static int num_threads = 0; /* 0: not read from the environment yet */

int fl_cpu_count(void)
{
#if defined(_WIN32)
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return info.dwNumberOfProcessors > 0 ? (int)info.dwNumberOfProcessors : 1;
#elif defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
#endif
}

int fl_set_num_threads(int n)
{
    if (n < 1 || n > FL_MAX_THREADS) return FL_EINVAL;
    FL_STORE(int, &num_threads, n);
    return FL_OK;
}

int fl_get_num_threads(void)
{
    int n = FL_LOAD(int, &num_threads);
    if (n == 0) {
        const char *env = getenv("FASTLA_NUM_THREADS");
        long v = env ? strtol(env, NULL, 10) : 0;
        if (v < 1) v = fl_cpu_count();
        if (v > FL_MAX_THREADS) v = FL_MAX_THREADS;
        n = (int)v;
        FL_STORE(int, &num_threads, n);
    }
    return n;
}

int fl_threads_for(double work, double grain)
{
    int nt = fl_get_num_threads();
    double useful = work / grain;
    if (useful < 1.0) return 1;
    if (useful < nt) nt = (int)useful;
    return nt < 1 ? 1 : nt;
}

void fl_split(ptrdiff_t n, ptrdiff_t unit, int tid, int nt, ptrdiff_t *lo, ptrdiff_t *hi)
{
    ptrdiff_t units = (n + unit - 1) / unit;
    ptrdiff_t base = units / nt, extra = units % nt;
    ptrdiff_t first = tid * base + (tid < extra ? tid : extra);
    ptrdiff_t count = base + (tid < extra ? 1 : 0);
    *lo = first * unit < n ? first * unit : n;
    *hi = (first + count) * unit < n ? (first + count) * unit : n;
}

void fl_chunks_init(fl_chunks *w, ptrdiff_t n, ptrdiff_t size)
{
    w->next = 0;
    w->size = size > 0 ? size : 1;
    w->n = n;
    w->count = (long)((n + w->size - 1) / w->size);
}

int fl_chunks_next(fl_chunks *w, ptrdiff_t *lo, ptrdiff_t *hi)
{
    long c = FL_FETCH_ADD(&w->next, 1);
    if (c >= w->count) return 0;
    *lo = (ptrdiff_t)c * w->size;
    *hi = *lo + w->size < w->n ? *lo + w->size : w->n;
    return 1;
}

/* ---- the pool ----------------------------------------------------------- */

#if defined(_WIN32)
typedef SRWLOCK fl_mutex;
typedef CONDITION_VARIABLE fl_cond;
#define mutex_init(m) InitializeSRWLock(m)
#define mutex_lock(m) AcquireSRWLockExclusive(m)
#define mutex_trylock(m) (TryAcquireSRWLockExclusive(m) ? 0 : 1)
#define mutex_unlock(m) ReleaseSRWLockExclusive(m)
#define cond_init(c) InitializeConditionVariable(c)
#define cond_wait(c, m) SleepConditionVariableSRW(c, m, INFINITE, 0)
#define cond_broadcast(c) WakeAllConditionVariable(c)
#define cond_signal(c) WakeConditionVariable(c)
#else
typedef pthread_mutex_t fl_mutex;
typedef pthread_cond_t fl_cond;
#define mutex_init(m) pthread_mutex_init(m, NULL)
#define mutex_lock(m) pthread_mutex_lock(m)
#define mutex_trylock(m) pthread_mutex_trylock(m)
#define mutex_unlock(m) pthread_mutex_unlock(m)
#define cond_init(c) pthread_cond_init(c, NULL)
#define cond_wait(c, m) pthread_cond_wait(c, m)
#define cond_broadcast(c) pthread_cond_broadcast(c)
#define cond_signal(c) pthread_cond_signal(c)
#endif

/* generation and pending are read outside the lock while spinning (atomic
 * loads); every decision is taken again under the lock. */
static struct {
    fl_mutex run_lock;          /* held by the one caller whose job is running */
    fl_mutex mu;                /* guards the fields below */
    fl_cond wake, done;
    int ready;                  /* locks initialised */
    int nworkers;
    unsigned long generation;       /* bumped once per job (wraps harmlessly) */
    unsigned long spawn_generation; /* the generation a new worker starts from */
    int pending;                    /* worker tasks not yet finished */
    fl_task_fn fn;
    void *ctx;
    int ntasks;                 /* nt of the running job */
    int workers_used;           /* workers 1..workers_used each run one task */
} pool;

#define SPIN_ROUNDS 20000

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause");
#elif defined(_M_X64)
    YieldProcessor();
#endif
}

static void worker_loop(int id)
{
    /* Not pool.generation: the job this worker was spawned for may be posted
     * before the thread gets to run, and it must not miss it. */
    mutex_lock(&pool.mu);
    unsigned long seen = pool.spawn_generation;
    mutex_unlock(&pool.mu);
    for (;;) {
        for (int spin = 0; spin < SPIN_ROUNDS && FL_LOAD(unsigned long, &pool.generation) == seen; spin++)
            cpu_relax();
        mutex_lock(&pool.mu);
        while (pool.generation == seen) cond_wait(&pool.wake, &pool.mu);
        seen = pool.generation;
        fl_task_fn fn = pool.fn;
        void *ctx = pool.ctx;
        int nt = pool.ntasks;
        int mine = id <= pool.workers_used;
        mutex_unlock(&pool.mu);
        if (mine) {
            fn(ctx, id, nt);
            mutex_lock(&pool.mu);
            FL_STORE(int, &pool.pending, pool.pending - 1);
            if (pool.pending == 0) cond_signal(&pool.done);
            mutex_unlock(&pool.mu);
        }
    }
}

#if defined(_WIN32)
static DWORD WINAPI worker_main(LPVOID arg)
{
    worker_loop((int)(intptr_t)arg);
    return 0;
}
static int spawn_worker(int id)
{
    HANDLE h = CreateThread(NULL, 0, worker_main, (LPVOID)(intptr_t)id, 0, NULL);
    if (!h) return 0;
    CloseHandle(h);
    return 1;
}
static void pool_init_locks(void)
{
    mutex_init(&pool.run_lock);
    mutex_init(&pool.mu);
    cond_init(&pool.wake);
    cond_init(&pool.done);
}
#else
static void *worker_main(void *arg)
{
    worker_loop((int)(intptr_t)arg);
    return NULL;
}
static int spawn_worker(int id)
{
    pthread_t t;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return 0;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int ok = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)id) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}

static void pool_init_locks(void)
{
    pthread_mutex_init(&pool.run_lock, NULL);
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pthread_cond_init(&pool.done, NULL);
}

/* fork(): the parent waits for a running job to end; the child has no workers. */
static void before_fork(void) { pthread_mutex_lock(&pool.run_lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&pool.run_lock); }
static void after_fork_child(void)
{
    memset(&pool, 0, sizeof pool);
    pool_init_locks();
    pool.ready = 1;
}
#endif

/* Called once from fl_init (at import, under the GIL: no race on first use). */
void fl_threads_init(void)
{
    if (pool.ready) return;
    pool_init_locks();
#if !defined(_WIN32)
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
#endif
    pool.ready = 1;
    (void)fl_get_num_threads();
}

static void run_serially(fl_task_fn fn, void *ctx, int first, int nt)
{
    for (int t = first; t < nt; t++) fn(ctx, t, nt);
}

void fl_parallel(fl_task_fn fn, void *ctx, int nt)
{
    if (nt <= 1 || !pool.ready || mutex_trylock(&pool.run_lock) != 0) {
        run_serially(fn, ctx, 0, nt < 1 ? 1 : nt);
        return;
    }
    mutex_lock(&pool.mu);
    pool.spawn_generation = pool.generation;
    mutex_unlock(&pool.mu);
    while (pool.nworkers < nt - 1 && spawn_worker(pool.nworkers + 1)) pool.nworkers++;
    int on_pool = nt - 1 < pool.nworkers ? nt - 1 : pool.nworkers;

    mutex_lock(&pool.mu);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.ntasks = nt;
    pool.workers_used = on_pool;
    FL_STORE(int, &pool.pending, on_pool);
    FL_STORE(unsigned long, &pool.generation, pool.generation + 1);
    cond_broadcast(&pool.wake);
    mutex_unlock(&pool.mu);

    /* Task ids past what the pool could take run here. */
    fn(ctx, 0, nt);
    if (on_pool + 1 < nt) run_serially(fn, ctx, on_pool + 1, nt);

    for (int spin = 0; spin < SPIN_ROUNDS && FL_LOAD(int, &pool.pending) != 0; spin++) cpu_relax();
    mutex_lock(&pool.mu);
    while (pool.pending != 0) cond_wait(&pool.done, &pool.mu);
    mutex_unlock(&pool.mu);
    mutex_unlock(&pool.run_lock);
}
