/* workspace.c: the aligned workspace allocator, and a cache of the large blocks
 * last freed.
 *
 * A kernel's workspace of a few megabytes (GEMM's packed panels, eigh's
 * copies and refinement) comes from mmap and goes back to the system at the end
 * of every call, so each call faults its pages in and has the kernel clear them
 * again: eigh at n = 500 took about 4,000 page faults and 7 ms of system time a call
 * (5 % of it), and a 2048^3 product ran 8-10 % slower than with the blocks
 * kept. So a freed block of FL_WORKSPACE_MIN bytes or more is kept (at most
 * FL_WORKSPACE_KEEP blocks, FL_WORKSPACE_KEEP_BYTES in all, the oldest given
 * back first) and handed out again to a request it fits. OpenBLAS keeps its
 * buffers for the same reason. Under AddressSanitizer nothing is kept, so that
 * a use after free is still caught.
 *
 * Each block carries its size in a header of FL_ALIGN bytes before the
 * address handed out, so fl_free needs only the pointer. */
#define _POSIX_C_SOURCE 200809L /* posix_memalign, pthread_atfork under -std=c11 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define FL_WORKSPACE_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FL_WORKSPACE_CACHE 0
#endif
#endif
#ifndef FL_WORKSPACE_CACHE
#define FL_WORKSPACE_CACHE 1
#endif

#define FL_WORKSPACE_MIN ((size_t)256 << 10)        /* smaller blocks: malloc's own free lists do */
#define FL_WORKSPACE_KEEP 16                        /* blocks kept */
#define FL_WORKSPACE_KEEP_BYTES ((size_t)64 << 20) /* bytes kept, in all */

static struct {
    void *raw[FL_WORKSPACE_KEEP]; /* the oldest first */
    size_t size[FL_WORKSPACE_KEEP];
    int count;
    size_t bytes;
} kept;

#if defined(_WIN32)
#include <malloc.h>
#include <windows.h>
static SRWLOCK kept_lock = SRWLOCK_INIT;
#define lock_kept() AcquireSRWLockExclusive(&kept_lock)
#define unlock_kept() ReleaseSRWLockExclusive(&kept_lock)
#else
#include <pthread.h>
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t kept_fork_once = PTHREAD_ONCE_INIT;
/* A fork() while another thread held the lock, or was halfway through the list,
 * would leave both so in the child: the child starts with a new lock and an
 * empty list (the blocks it inherits are never reused). Taking the lock before
 * fork() instead could deadlock: the pool's own fork handler waits for running
 * tasks, and a task may be waiting for this lock. */
static void after_fork_child(void)
{
    pthread_mutex_init(&kept_lock, NULL);
    kept.count = 0, kept.bytes = 0;
}
static void register_fork_handler(void) { pthread_atfork(NULL, NULL, after_fork_child); }
static void lock_kept(void)
{
    pthread_once(&kept_fork_once, register_fork_handler);
    pthread_mutex_lock(&kept_lock);
}
#define unlock_kept() pthread_mutex_unlock(&kept_lock)
#endif

static void *raw_alloc(size_t bytes)
{
#if defined(_WIN32)
    return _aligned_malloc(bytes, FL_ALIGN);
#else
    void *p = NULL;
    return posix_memalign(&p, FL_ALIGN, bytes) == 0 ? p : NULL;
#endif
}

static void raw_free(void *raw)
{
#if defined(_WIN32)
    _aligned_free(raw);
#else
    free(raw);
#endif
}

/* Takes kept block k out of the list (under the lock). */
static void *take_kept(int k)
{
    void *raw = kept.raw[k];
    kept.bytes -= kept.size[k];
    for (int i = k + 1; i < kept.count; i++) kept.raw[i - 1] = kept.raw[i], kept.size[i - 1] = kept.size[i];
    kept.count--;
    return raw;
}

/* The smallest kept block of size to 2 size bytes, or NULL. */
static void *find_kept(size_t size)
{
    int best = -1;
    lock_kept();
    for (int k = 0; k < kept.count; k++)
        if (kept.size[k] >= size && kept.size[k] / 2 <= size && (best < 0 || kept.size[k] < kept.size[best])) best = k;
    void *raw = best >= 0 ? take_kept(best) : NULL;
    unlock_kept();
    return raw;
}

void fl_workspace_release(void)
{
    for (;;) {
        lock_kept();
        void *raw = kept.count ? take_kept(0) : NULL;
        unlock_kept();
        if (!raw) return;
        raw_free(raw);
    }
}

void fl_workspace_kept(int *blocks, size_t *bytes)
{
    lock_kept();
    *blocks = kept.count, *bytes = kept.bytes;
    unlock_kept();
}

void *fl_malloc(size_t bytes)
{
    if (bytes == 0) bytes = FL_ALIGN;
    if (bytes > SIZE_MAX - 2 * FL_ALIGN) return NULL;
    bytes = (bytes + FL_ALIGN - 1) / FL_ALIGN * FL_ALIGN;
    void *raw = FL_WORKSPACE_CACHE && bytes >= FL_WORKSPACE_MIN ? find_kept(bytes) : NULL;
    if (!raw) {
        raw = raw_alloc(bytes + FL_ALIGN);
        if (!raw && FL_WORKSPACE_CACHE) { /* short of memory: give the kept blocks back, then try again */
            fl_workspace_release();
            raw = raw_alloc(bytes + FL_ALIGN);
        }
        if (!raw) return NULL;
        *(size_t *)raw = bytes;
    }
    return (unsigned char *)raw + FL_ALIGN;
}

void fl_free(void *p)
{
    if (!p) return;
    void *raw = (unsigned char *)p - FL_ALIGN;
    const size_t size = *(const size_t *)raw;
    if (!FL_WORKSPACE_CACHE || size < FL_WORKSPACE_MIN || size > FL_WORKSPACE_KEEP_BYTES) {
        raw_free(raw);
        return;
    }
    void *evicted[FL_WORKSPACE_KEEP];
    int n_evicted = 0;
    lock_kept();
    while (kept.count == FL_WORKSPACE_KEEP || kept.bytes + size > FL_WORKSPACE_KEEP_BYTES)
        evicted[n_evicted++] = take_kept(0); /* the oldest */
    kept.raw[kept.count] = raw, kept.size[kept.count] = size, kept.count++;
    kept.bytes += size;
    unlock_kept();
    for (int k = 0; k < n_evicted; k++) raw_free(evicted[k]);
}
