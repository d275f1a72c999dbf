/* numpy .npy matrices with a file of row labels. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors/internal.h"

vs_vecset *vs_npy_load(const char *path, const char *labels, vs_error *err)
{
	size_t len;
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	len = sz > 0 ? (size_t)sz : 0;
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != len) {
		fclose(f);
		free(buf);
		vs_fail(err, "%s: cannot read the file", path);
		return NULL;
	}
	fclose(f);
	vs_vecset *set = NULL;
	char **names = NULL;
	size_t nnames = 0;
	float *vals = NULL;
	/* magic, version, header length, a Python dict literal */
	unsigned major = len > 7 ? (unsigned char)buf[6] : 0;
	size_t hl = 0, hstart = major == 1 ? 10 : 12;
	if (len < 10 || (major != 1 && major != 2 && major != 3)) {
		vs_fail(err, "%s: not a .npy file this vecsh reads", path);
		goto out;
	}
	hl = major == 1 ? (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8
	                : (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8 |
	                      (size_t)(unsigned char)buf[10] << 16 | (size_t)(unsigned char)buf[11] << 24;
	if (hstart + hl > len) {
		vs_fail(err, "%s: truncated .npy header", path);
		goto out;
	}
	char header[1024];
	snprintf(header, sizeof header, "%.*s", (int)(hl < sizeof header - 1 ? hl : sizeof header - 1), buf + hstart);
	int f16 = strstr(header, "'<f2'") != NULL, f32 = strstr(header, "'<f4'") != NULL;
	const char *fo = strstr(header, "'fortran_order':");
	const char *shape = strstr(header, "'shape':");
	unsigned long long rows = 0, cols = 0;
	if ((!f16 && !f32) || !fo || strstr(fo, "True") == fo + 17 || !shape ||
	    sscanf(shape, "'shape': (%llu, %llu)", &rows, &cols) != 2) {
		vs_fail(err, "%s: expected a 2-D float32 or float16 array in C order (header %s)", path, header);
		goto out;
	}
	size_t el = f16 ? 2 : 4, data = hstart + hl;
	if (cols == 0 || cols > VS_MAX_DIMS || rows == 0 || rows > (len - data) / (cols * el) ||
	    rows * cols * el != len - data) {
		vs_fail(err, "%s: the data does not hold %llu x %llu values (truncated?)", path, rows, cols);
		goto out;
	}
	vals = malloc(rows * cols * sizeof *vals);
	if (!vals) {
		vs_fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < rows * cols; i++) {
		if (f16) {
			uint16_t h;
			memcpy(&h, buf + data + 2 * i, 2);
			vals[i] = vs_half_to_float(h);
		} else {
			memcpy(&vals[i], buf + data + 4 * i, 4);
		}
		if (!isfinite(vals[i])) {
			vs_fail(err, "%s: value %zu of row %zu is not a finite number", path, (size_t)(i % cols + 1), (size_t)(i / cols + 1));
			goto out;
		}
	}
	/* the labels: one a line, as many as rows */
	FILE *lf = fopen(labels, "r");
	if (!lf) {
		vs_fail(err, "%s: %s", labels, strerror(errno));
		goto out;
	}
	names = calloc(rows, sizeof *names);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (names && (n = getline(&line, &cap, lf)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (nnames == rows) {
			nnames++;
			break;
		}
		names[nnames++] = strdup(line);
	}
	free(line);
	fclose(lf);
	if (!names || nnames != rows) {
		if (nnames > rows)
			vs_fail(err, "%s: more labels than the %llu rows of %s", labels, rows, path);
		else
			vs_fail(err, "%s: %zu labels for the %llu rows of %s", labels, nnames, rows, path);
		goto out;
	}
	set = vs_vecset_from_arrays((const char *const *)names, rows, vals, cols, err);
	if (set && (set->source = strdup(path)) == NULL) {
		vs_vecset_free(set);
		set = NULL;
		vs_fail(err, "out of memory");
	}
out:
	for (size_t i = 0; names && i < nnames && i < rows; i++)
		free(names[i]);
	free(names);
	free(vals);
	free(buf);
	return set;
}
