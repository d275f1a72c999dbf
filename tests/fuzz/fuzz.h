/* Shared by the fuzz harnesses: the input written to a file the reader is
 * given (the readers take paths), and the libFuzzer entry point. */
#ifndef VECSH_FUZZ_H
#define VECSH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A file of this process holding data (suffix: a name ending readers look at). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/vecsh-fuzz-%d%s", (int)getpid(), suffix);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	return path;
}

#endif
