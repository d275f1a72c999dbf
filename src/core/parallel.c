/* Work over a range split into one part a core: the threads started for the
 * parts, the calling thread taking the first, all joined before returning. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "core/core.h"

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
	enum { MAXT = 64 };
	if (threads <= 0)
		threads = vs_ncpu();
	if (threads > MAXT)
		threads = MAXT;
	if (min_each && (size_t)threads > n / min_each + 1)
		threads = (int)(n / min_each + 1);
	part parts[MAXT];
	pthread_t tids[MAXT];
	int started[MAXT] = {0};
	for (int t = 0; t < threads; t++) {
		parts[t] = (part){fn, ctx, n * (size_t)t / (size_t)threads, n * (size_t)(t + 1) / (size_t)threads};
		started[t] = t > 0 && pthread_create(&tids[t], NULL, run_part, &parts[t]) == 0;
	}
	for (int t = 0; t < threads; t++) /* the first part, and any whose thread did not start */
		if (!started[t])
			run_part(&parts[t]);
	for (int t = 0; t < threads; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
}
