/* Mapped files that change underneath: a file mapped by vecsh (a .vecs set,
 * an index, a checkpoint, a text file being parsed) that another program
 * truncates makes the next access to a vanished page raise SIGBUS, which would
 * end the process. Every mapping is registered here; the SIGBUS handler
 * replaces a registered mapping by zero pages (so the access completes,
 * whatever thread made it) and marks it damaged; the caller then reports the
 * file and drops what it loaded from it. */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "core/core.h"

enum { MAX_MAPS = 256 };

typedef struct region {
	void *volatile addr;
	size_t len;
	char path[512];
	volatile sig_atomic_t damaged;
} region;

static region regions[MAX_MAPS];
static volatile sig_atomic_t any_damaged;

static char claimed; /* a slot being filled: its address, for a moment (no file is mapped there) */

/* Threads register at once (index --lines reads a file's pieces on every
 * core): a slot is claimed atomically before it is filled. */
void vs_map_register(void *addr, size_t len, const char *path)
{
	for (int i = 0; i < MAX_MAPS; i++) {
		void *expect = NULL;
		if (__atomic_compare_exchange_n(&regions[i].addr, &expect, (void *)&claimed, 0, __ATOMIC_ACQ_REL,
		                                __ATOMIC_RELAXED)) {
			snprintf(regions[i].path, sizeof regions[i].path, "%s", path);
			regions[i].len = len;
			regions[i].damaged = 0;
			__atomic_store_n(&regions[i].addr, addr, __ATOMIC_RELEASE);
			return;
		}
	}
	/* more than MAX_MAPS mappings: this one is not guarded */
}

void vs_map_unregister(void *addr)
{
	for (int i = 0; i < MAX_MAPS; i++)
		if (regions[i].addr == addr) {
			regions[i].addr = NULL;
			return;
		}
}

int vs_map_is_damaged(const void *addr)
{
	for (int i = 0; i < MAX_MAPS; i++)
		if (regions[i].addr == addr)
			return regions[i].damaged;
	return 0;
}

const char *vs_map_take_damage(void **addr)
{
	if (!any_damaged)
		return NULL;
	for (int i = 0; i < MAX_MAPS; i++)
		if (regions[i].addr && regions[i].addr != (void *)&claimed && regions[i].damaged) {
			*addr = regions[i].addr;
			return regions[i].path;
		}
	any_damaged = 0;
	return NULL;
}

static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	uintptr_t a = (uintptr_t)info->si_addr;
	for (int i = 0; i < MAX_MAPS; i++) {
		uintptr_t b = (uintptr_t)regions[i].addr;
		if (b && b != (uintptr_t)&claimed && a >= b && a < b + regions[i].len) {
			/* the same addresses, now zero pages: the faulting read completes */
			if (mmap(regions[i].addr, regions[i].len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
			    MAP_FAILED)
				break;
			regions[i].damaged = 1;
			any_damaged = 1;
			return;
		}
	}
	signal(sig, SIG_DFL); /* not ours: the default, which ends the process */
	raise(sig);
}

void vs_map_guard_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}
