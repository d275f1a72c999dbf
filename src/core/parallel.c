/* Work over a range split into one part a core, the calling thread taking
 * the first part, all done before returning. The other parts go to threads
 * kept waiting between calls (a thread started for every call cost 40-50 us,
 * and a text through BLIP's encoder makes a hundred calls); a call made while
 * they are busy (from a part, or from another thread) starts its own. */
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/core.h"

enum { MAXT = 64, SPINS = 4000 /* pauses before sleeping: 15 to 200 us, as the processor pauses */ };

typedef struct part {
	void (*fn)(void *ctx, size_t from, size_t to);
	void *ctx;
	size_t from, to;
} part;

static void *run_part(void *arg)
{
	part *p = arg;
	p->fn(p->ctx, p->from, p->to);
	return NULL;
}

/* ---- the waiting threads ---- */

static struct {
	pthread_mutex_t owner; /* held by the call the threads work for */
	int threads;           /* started, each with its index in 1..threads */
	part parts[MAXT];      /* parts[i] for thread i; empty ones do nothing */
	unsigned call;         /* a new call: the threads wake when it changes */
	unsigned first[MAXT];  /* the call thread i was started in: not one for it */
	int running;           /* threads not yet done with this call */
} pool = {.owner = PTHREAD_MUTEX_INITIALIZER};

static void futex_wait(unsigned *addr, unsigned was)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, was, NULL, NULL, 0);
}

static void futex_wake(unsigned *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* Wait until *addr is no longer was: a while spinning, then asleep. */
static unsigned wait_change(unsigned *addr, unsigned was)
{
	unsigned now;
	for (int i = 0; i < SPINS; i++) {
		if ((now = __atomic_load_n(addr, __ATOMIC_ACQUIRE)) != was)
			return now;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	while ((now = __atomic_load_n(addr, __ATOMIC_ACQUIRE)) == was)
		futex_wait(addr, was);
	return now;
}

static void *waiting_thread(void *arg)
{
	int me = (int)(intptr_t)arg;
	unsigned seen = pool.first[me];
	for (;;) {
		seen = wait_change(&pool.call, seen);
		part *p = &pool.parts[me];
		if (p->to > p->from)
			p->fn(p->ctx, p->from, p->to);
		if (__atomic_sub_fetch(&pool.running, 1, __ATOMIC_ACQ_REL) == 0)
			futex_wake((unsigned *)&pool.running);
	}
	return NULL;
}

/* Threads 1..want started (each waiting for the first call after it): 0, or
 * -1 when one could not be. They take no signal sent to the process (Ctrl-C
 * is the main thread's, to interrupt a read). */
static int start_threads(int want)
{
	sigset_t all, old;
	sigfillset(&all);
	int faults[] = {SIGBUS, SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS, SIGPIPE};
	for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
		sigdelset(&all, faults[i]);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = 0;
	while (pool.threads < want) {
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pool.first[pool.threads + 1] = pool.call;
		int ok = pthread_create(&t, &attr, waiting_thread, (void *)(intptr_t)(pool.threads + 1)) == 0;
		pthread_attr_destroy(&attr);
		if (!ok) {
			rc = -1;
			break;
		}
		pool.threads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* The parts on the waiting threads: 0, or -1 when they are busy (or cannot
 * be started) and the caller is to start its own. */
static int run_on_pool(part *parts, int n)
{
	if (pthread_mutex_trylock(&pool.owner) != 0)
		return -1;
	if (start_threads(n - 1) < 0 && pool.threads < n - 1) {
		pthread_mutex_unlock(&pool.owner);
		return -1;
	}
	for (int i = 1; i <= pool.threads; i++)
		pool.parts[i] = i < n ? parts[i] : (part){0};
	__atomic_store_n(&pool.running, pool.threads, __ATOMIC_RELEASE);
	__atomic_add_fetch(&pool.call, 1, __ATOMIC_ACQ_REL);
	futex_wake(&pool.call);
	run_part(&parts[0]);
	int left;
	while ((left = __atomic_load_n(&pool.running, __ATOMIC_ACQUIRE)) != 0)
		wait_change((unsigned *)&pool.running, (unsigned)left);
	pthread_mutex_unlock(&pool.owner);
	return 0;
}

size_t vs_peak_resident(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kb = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %zu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

void vs_peak_resident_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

int vs_ncpu(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores < 1 ? 1 : (int)cores;
}

void vs_parallel_ranges(size_t n, size_t min_each, int threads, void (*fn)(void *ctx, size_t from, size_t to),
                        void *ctx)
{
	if (threads <= 0)
		threads = vs_ncpu();
	if (threads > MAXT)
		threads = MAXT;
	if (min_each && (size_t)threads > n / min_each + 1)
		threads = (int)(n / min_each + 1);
	part parts[MAXT];
	for (int t = 0; t < threads; t++)
		parts[t] = (part){fn, ctx, n * (size_t)t / (size_t)threads, n * (size_t)(t + 1) / (size_t)threads};
	if (threads == 1) {
		run_part(&parts[0]);
		return;
	}
	if (run_on_pool(parts, threads) == 0)
		return;
	pthread_t tids[MAXT];
	int started[MAXT] = {0};
	for (int t = 1; t < threads; t++)
		started[t] = pthread_create(&tids[t], NULL, run_part, &parts[t]) == 0;
	for (int t = 0; t < threads; t++) /* the first part, and any whose thread did not start */
		if (!started[t])
			run_part(&parts[t]);
	for (int t = 0; t < threads; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
}
