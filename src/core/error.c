#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>

volatile int vs_interrupted;

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
