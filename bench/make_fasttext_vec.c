/* make bench-big: a word2vec binary file written out as fastText writes a
 * .vec (its `print-word-vectors` and the published crawl/wiki files): a
 * "count dims" header, then each word and its values at iostream's
 * setprecision(5), each value followed by a space.
 *   make_fasttext_vec IN.bin OUT.vec */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s IN.bin OUT.vec\n", argv[0]);
		return 2;
	}
	FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "w");
	long n, dims;
	if (!in || !out || fscanf(in, "%ld %ld", &n, &dims) != 2 || n <= 0 || dims <= 0 || dims > 100000) {
		fprintf(stderr, "%s: cannot read a word2vec binary header\n", argv[1]);
		return 1;
	}
	fgetc(in);
	float *v = malloc((size_t)dims * sizeof *v);
	char word[4096];
	fprintf(out, "%ld %ld\n", n, dims);
	for (long i = 0; i < n; i++) {
		if (fscanf(in, "%4095s", word) != 1 || fgetc(in) != ' ' || fread(v, sizeof *v, (size_t)dims, in) != (size_t)dims) {
			fprintf(stderr, "%s: row %ld: cannot read\n", argv[1], i + 1);
			return 1;
		}
		fputs(word, out);
		fputc(' ', out);
		for (long d = 0; d < dims; d++)
			fprintf(out, "%.5g ", (double)v[d]);
		fputc('\n', out);
	}
	free(v);
	if (fclose(out) != 0) {
		fprintf(stderr, "%s: cannot write\n", argv[2]);
		return 1;
	}
	fclose(in);
	return 0;
}
