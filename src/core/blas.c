/* blas.c: OpenBLAS's kernels chosen from what the CPU can do.
 *
 * OpenBLAS built for any x86-64 (Debian's, DYNAMIC_ARCH) picks its kernels
 * from the CPU's family and model numbers. A processor newer than the
 * library's table (0.3.21 does not know Sapphire or Emerald Rapids, model
 * 143 or 207) falls back to Prescott's SSE3 kernels: sgemm runs at a quarter
 * of the speed the AVX-512 kernels reach on the same cores (76 against 337
 * GFLOP/s for a 577x768 by 768x3072 product, measured). When the library
 * chose a kernel set without AVX2 on a CPU that has it, and the user has not
 * named one in OPENBLAS_CORETYPE, the set is chosen again from the CPU's
 * features, through OpenBLAS's own selection (the variable is set and the
 * library's dynamic initialisation run again), before any BLAS call.
 *
 * OpenBLAS also starts its threads when it is loaded, and an idle thread
 * spins (sched_yield) for about 2^28 cycles before it sleeps: in the first
 * tenth of a second of every vecsh process it took CPU time from vecsh's
 * own threads (an index of the man pages 8% slower on this 2-core machine,
 * measured). The threads are stopped at start; OpenBLAS starts them again at
 * its first threaded product. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* OpenBLAS's own (weak: a build without dynamic kernels lacks these two) */
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
int blas_thread_shutdown_(void) __attribute__((weak)); /* a threaded build's */
char *openblas_get_corename(void);

/* Kernel sets of OpenBLAS 0.3.21 that use AVX2 or AVX-512. */
static int uses_avx2(const char *core)
{
	static const char *const names[] = {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids",
	                                    "excavator"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(core, names[i]) == 0)
			return 1;
	return 0;
}

/* The best kernel set this CPU's features allow, or NULL when OpenBLAS's own
 * choice cannot be bettered. */
static const char *kernels_for_features(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
		return "SkylakeX";
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		return "Haswell";
#endif
	return NULL;
}

void vs_blas_choose_kernels(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	if (getenv("OPENBLAS_CORETYPE"))
		return; /* the user's choice */
	if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit)
		return;
	const char *current = openblas_get_corename();
	const char *better = kernels_for_features();
	if (!better || (current && uses_avx2(current)))
		return;
	if (setenv("OPENBLAS_CORETYPE", better, 0) < 0)
		return;
	gotoblas_dynamic_quit();
	gotoblas_dynamic_init();
	/* programs started from vecsh (the references in the benches) choose for themselves */
	unsetenv("OPENBLAS_CORETYPE");
}

const char *vs_blas_kernels(void)
{
	return openblas_get_corename();
}

/* Before main, and after OpenBLAS's own initialisation (a program's
 * initialisers run after those of the libraries it needs). Every program
 * linked with vecsh's library keeps this file (the Makefile's -u). */
__attribute__((constructor)) static void choose_at_start(void)
{
	vs_blas_choose_kernels();
	if (blas_thread_shutdown_)
		blas_thread_shutdown_();
}
