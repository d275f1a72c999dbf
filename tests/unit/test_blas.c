/* Unit tests: OpenBLAS runs kernels that use what the CPU has (src/core/
 * blas.c): on a CPU with AVX2 and FMA the kernel set is one of those that use
 * them, even where the library does not know the CPU's model; a kernel set
 * the user names in OPENBLAS_CORETYPE is left as it is. OpenBLAS's threads,
 * which spin when idle, are not running at start, and come back (with right
 * answers) at the first product large enough to be split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cblas.h>
#include <cmocka.h>
#include <dirent.h>

#include "core/core.h"

static int is_one_of(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static void kernels_use_the_cpu(void **state)
{
	(void)state;
#if defined(__x86_64__) && defined(__GNUC__)
	if (getenv("OPENBLAS_CORETYPE") || !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
		skip(); /* the user's choice, or nothing to choose */
	static const char *const avx2[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"};
	const char *k = vs_blas_kernels();
	if (!is_one_of(k, avx2, sizeof avx2 / sizeof avx2[0]))
		fail_msg("OpenBLAS runs %s kernels on a CPU with AVX2 and FMA", k);
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
		static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
		if (!is_one_of(k, avx512, 3))
			fail_msg("OpenBLAS runs %s kernels on a CPU with AVX-512", k);
	}
#else
	skip();
#endif
}

/* The same program started again with OPENBLAS_CORETYPE=Prescott reports
 * Prescott: the user's choice stands. */
static void user_choice_stands(void **state)
{
	(void)state;
	char cmd[4200], line[64] = "";
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		skip();
	self[n] = 0;
	snprintf(cmd, sizeof cmd, "OPENBLAS_CORETYPE=Prescott '%s' --print-kernels", self);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(line, sizeof line, p))
		line[0] = 0;
	assert_int_equal(pclose(p), 0);
	line[strcspn(line, "\n")] = 0;
	assert_string_equal(line, "Prescott");
}

static int threads_now(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Runs first: nothing has called BLAS yet. */
static void threads_parked_until_needed(void **state)
{
	(void)state;
	int at_start = threads_now();
	if (at_start == 0)
		skip(); /* no /proc */
	assert_int_equal(at_start, 1);
	enum { N = 400 };
	float *a = malloc(N * N * sizeof *a), *b = malloc(N * N * sizeof *b), *c = calloc(N * N, sizeof *c);
	assert_true(a && b && c);
	for (int i = 0; i < N * N; i++) {
		a[i] = (float)((i * 7) % 13) - 6;
		b[i] = (float)((i * 5) % 11) - 5;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1, a, N, b, N, 0, c, N);
	for (int i = 0; i < N; i += 37) /* small integers: exact in float */
		for (int j = 0; j < N; j += 41) {
			double want = 0;
			for (int k = 0; k < N; k++)
				want += (double)a[i * N + k] * b[k * N + j];
			assert_true(c[i * N + j] == (float)want);
		}
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1 && openblas_get_num_threads() > 1)
		assert_true(threads_now() > 1);
	free(a), free(b), free(c);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--print-kernels") == 0) {
		printf("%s\n", vs_blas_kernels());
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_parked_until_needed),
		cmocka_unit_test(kernels_use_the_cpu),
		cmocka_unit_test(user_choice_stands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
