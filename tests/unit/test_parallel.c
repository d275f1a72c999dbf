/* Unit tests: work split over threads (src/core/parallel.c). Every item is
 * done once, in the part that was asked for, whoever calls: the main thread
 * again and again (the threads kept waiting between calls), a part itself
 * (the threads are busy: it starts its own), two threads at once, or with
 * more parts than cores. The kept threads take no signal sent to the process:
 * Ctrl-C is the main thread's, to interrupt a read. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"

enum { ITEMS = 10000 };

typedef struct counts {
	int done[ITEMS];
	int nested; /* each part splits its range again */
} counts;

static void count_part(void *ctx, size_t from, size_t to)
{
	counts *c = ctx;
	for (size_t i = from; i < to; i++)
		__atomic_add_fetch(&c->done[i], 1, __ATOMIC_RELAXED);
}

typedef struct nested_job {
	counts *c;
	size_t base;
} nested_job;

static void nested_inner(void *ctx, size_t from, size_t to)
{
	nested_job *j = ctx;
	count_part(j->c, j->base + from, j->base + to);
}

static void nested_part(void *ctx, size_t from, size_t to)
{
	nested_job j = {ctx, from};
	vs_parallel_ranges(to - from, 0, 2, nested_inner, &j);
}

static void assert_each_once(counts *c)
{
	for (int i = 0; i < ITEMS; i++)
		if (c->done[i] != 1)
			fail_msg("item %d done %d times", i, c->done[i]);
	memset(c->done, 0, sizeof c->done);
}

static void every_item_once(void **state)
{
	(void)state;
	static counts c;
	for (int round = 0; round < 2000; round++) { /* the kept threads, call after call */
		vs_parallel_ranges(ITEMS, 0, 0, count_part, &c);
		assert_each_once(&c);
	}
	for (int threads = 1; threads <= 9; threads++) { /* more parts than cores: more threads kept */
		vs_parallel_ranges(ITEMS, 0, threads, count_part, &c);
		assert_each_once(&c);
	}
	vs_parallel_ranges(ITEMS, 3000, 0, count_part, &c); /* at least min_each a part */
	assert_each_once(&c);
	vs_parallel_ranges(ITEMS, 0, 3, nested_part, &c); /* a part that splits its own */
	assert_each_once(&c);
}

static void *caller(void *arg)
{
	counts *c = arg;
	for (int round = 0; round < 300; round++)
		vs_parallel_ranges(ITEMS, 0, 2, count_part, c);
	return NULL;
}

static void two_callers_at_once(void **state)
{
	(void)state;
	static counts a, b;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, caller, &b), 0);
	caller(&a);
	pthread_join(t, NULL);
	for (int i = 0; i < ITEMS; i++)
		if (a.done[i] != 300 || b.done[i] != 300)
			fail_msg("item %d done %d and %d times, not 300", i, a.done[i], b.done[i]);
}

static volatile sig_atomic_t interrupted;
static pthread_t main_thread;
static volatile sig_atomic_t on_main;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
	on_main = pthread_equal(pthread_self(), main_thread);
}

static void interrupts_are_the_callers(void **state)
{
	(void)state;
	static counts c;
	vs_parallel_ranges(ITEMS, 0, 4, count_part, &c); /* the kept threads started */
	assert_each_once(&c);
	main_thread = pthread_self();
	struct sigaction sa = {.sa_handler = on_sigint}, old;
	sigaction(SIGINT, &sa, &old);
	sigset_t intr, was;
	sigemptyset(&intr);
	sigaddset(&intr, SIGINT);
	/* the main thread not taking it for a moment: a kept thread would */
	pthread_sigmask(SIG_BLOCK, &intr, &was);
	kill(getpid(), SIGINT);
	struct timespec pause = {0, 50 * 1000 * 1000};
	nanosleep(&pause, NULL);
	assert_int_equal(interrupted, 0);
	pthread_sigmask(SIG_SETMASK, &was, NULL); /* now the main thread's */
	assert_int_equal(interrupted, 1);
	assert_int_equal(on_main, 1);
	sigaction(SIGINT, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_item_once),
		cmocka_unit_test(two_callers_at_once),
		cmocka_unit_test(interrupts_are_the_callers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
