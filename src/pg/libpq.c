/* libpq, opened on first use with dlopen and its functions looked up once. */
#define VS_LIBPQ_TABLE /* the functions' own names here, not the table's */
#include "pg/internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct vs_libpq vs_libpq;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];

static void load(void)
{
	void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(failure, sizeof failure, "%s", dlerror());
		return;
	}
	/* (through a void * lvalue: POSIX's way from dlsym to a function pointer) */
#define X(name)                                                                                                   \
	if (!(*(void **)&vs_libpq.name = dlsym(h, #name))) {                                                         \
		snprintf(failure, sizeof failure, "libpq.so.5 has no %s", #name);                                      \
		return;                                                                                              \
	}
	VS_LIBPQ_FUNCTIONS(X)
#undef X
}

int vs_libpq_load(vs_error *err)
{
	pthread_once(&once, load);
	if (failure[0])
		return vs_fail(err, "PostgreSQL tables need libpq (Debian's libpq5): %s", failure);
	return 0;
}
