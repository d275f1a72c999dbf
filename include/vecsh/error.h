/* error.h: error messages passed from engines to their callers. */
#ifndef VECSH_ERROR_H
#define VECSH_ERROR_H

#include <stddef.h>

#define VS_ERR_MAX 1024

/* An engine call that can fail takes a vs_error and fills msg on failure.
 * Engines never print: the caller decides where the message goes. */
typedef struct vs_error {
	char msg[VS_ERR_MAX];
} vs_error;

#if defined(__GNUC__)
#define VS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VS_PRINTF(a, b)
#endif

/* Set the message (printf-style) and return -1, so callers can write
 * `return vs_fail(err, "...")`. err may be NULL. */
int vs_fail(vs_error *err, const char *fmt, ...) VS_PRINTF(2, 3);

/* Interrupt flag set by the front end (Ctrl-C); long engine loops poll it. */
extern volatile int vs_interrupted;

#endif
