/* Run a harness on files, without libFuzzer: make check replays every
 * reproducer under tests/fuzz/crashes through it (under ASan and UBSan).
 *   usage: replay-HARNESS FILE... */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		static uint8_t buf[1 << 22];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	nftw(fuzz_dir(), remove_one, 16, FTW_DEPTH | FTW_PHYS); /* the files it gave the readers */
	return 0;
}
