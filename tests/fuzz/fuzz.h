/* Shared by the fuzz harnesses: the input written to a file the reader is
 * given (the readers take paths), and the libFuzzer entry point. */
#ifndef VECSH_FUZZ_H
#define VECSH_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This process's folder for the files it gives the readers (made at first
 * use; replay removes it at the end). */
static inline const char *fuzz_dir(void)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/vecsh-fuzz-%d", (int)getpid());
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			abort();
	}
	return dir;
}

/* A file of this process holding data (suffix: a name ending readers look at). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	static char path[96];
	snprintf(path, sizeof path, "%s/input%s", fuzz_dir(), suffix);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	return path;
}

#endif
