#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>

volatile sig_atomic_t vs_interrupted;

int vs_fail(vs_error *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int vs_oom(vs_error *err)
{
	return vs_fail(err, "out of memory");
}
