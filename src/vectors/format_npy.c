/* numpy .npy matrices (float32, float16 or float64, C order, 2-D) with a
 * file of row labels, as embeddings computed elsewhere (CLIP's) come. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors/internal.h"

typedef struct npy_header {
	size_t data;         /* offset of the values */
	size_t elem;         /* bytes per value: 2, 4 or 8 */
	unsigned long long rows, cols;
} npy_header;

/* The magic, the version, the header's length and its dict literal:
 * {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), } */
static int parse_header(const char *path, const char *buf, size_t len, npy_header *h, vs_error *err)
{
	unsigned major = len > 7 ? (unsigned char)buf[6] : 0;
	size_t hstart = major == 1 ? 10 : 12;
	if (len < 8 || memcmp(buf, "\x93NUMPY", 6) != 0 || (major != 1 && major != 2 && major != 3))
		return vs_fail(err, "%s: not a .npy file this vecsh reads (numpy format versions 1 to 3)", path);
	if (len < hstart)
		return vs_fail(err, "%s: truncated .npy header (%zu bytes)", path, len);
	const unsigned char *u = (const unsigned char *)buf;
	size_t hl = major == 1 ? (size_t)u[8] | (size_t)u[9] << 8
	                       : (size_t)u[8] | (size_t)u[9] << 8 | (size_t)u[10] << 16 | (size_t)u[11] << 24;
	if (hl > len - hstart)
		return vs_fail(err, "%s: truncated .npy header", path);
	char header[1024];
	snprintf(header, sizeof header, "%.*s", (int)(hl < sizeof header - 1 ? hl : sizeof header - 1), buf + hstart);
	h->elem = strstr(header, "'<f2'") ? 2 : strstr(header, "'<f4'") ? 4 : strstr(header, "'<f8'") ? 8 : 0;
	const char *fo = strstr(header, "'fortran_order':");
	const char *shape = strstr(header, "'shape':");
	if (!h->elem)
		return vs_fail(err, "%s: the values are not little-endian float16, float32 or float64", path);
	if (!fo || strncmp(fo + 16, " False", 6) != 0)
		return vs_fail(err, "%s: the matrix is not in C order (save it with np.ascontiguousarray)", path);
	if (!shape || sscanf(shape, "'shape': (%llu, %llu)", &h->rows, &h->cols) != 2)
		return vs_fail(err, "%s: expected a 2-D matrix (rows, dimensions)", path);
	h->data = hstart + hl;
	if (h->cols == 0 || h->cols > VS_MAX_DIMS || h->rows == 0 || h->rows > (len - h->data) / (h->cols * h->elem) ||
	    h->rows * h->cols * h->elem != len - h->data)
		return vs_fail(err, "%s: the data does not hold %llu x %llu values (truncated?)", path, h->rows, h->cols);
	return 0;
}

/* The values as float32 (float64 rounded as numpy's astype does), all finite. */
static float *read_values(const char *path, const char *buf, const npy_header *h, vs_error *err)
{
	size_t n = (size_t)(h->rows * h->cols);
	float *vals = malloc(n * sizeof *vals);
	if (!vals) {
		vs_oom(err);
		return NULL;
	}
	const char *p = buf + h->data;
	for (size_t i = 0; i < n; i++) {
		if (h->elem == 2) {
			uint16_t x;
			memcpy(&x, p + 2 * i, 2);
			vals[i] = vs_half_to_float(x);
		} else if (h->elem == 4) {
			memcpy(&vals[i], p + 4 * i, 4);
		} else {
			double d;
			memcpy(&d, p + 8 * i, 8);
			vals[i] = (float)d;
		}
		if (!isfinite(vals[i])) {
			vs_fail(err, "%s: value %zu of row %zu is not a finite number", path, (size_t)(i % h->cols + 1),
			        (size_t)(i / h->cols + 1));
			free(vals);
			return NULL;
		}
	}
	return vals;
}

/* One label a line, exactly as many as rows. */
static char **read_labels(const char *labels, const char *path, size_t rows, vs_error *err)
{
	FILE *lf = fopen(labels, "r");
	if (!lf) {
		vs_fail(err, "%s: %s", labels, strerror(errno));
		return NULL;
	}
	char **names = calloc(rows ? rows : 1, sizeof *names);
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;
	int oom = !names;
	while (!oom && n <= rows && (got = getline(&line, &cap, lf)) >= 0) {
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		if (n < rows && !(names[n] = strdup(line)))
			oom = 1;
		n++;
	}
	free(line);
	fclose(lf);
	if (!oom && n == rows)
		return names;
	if (oom)
		vs_oom(err);
	else if (n > rows)
		vs_fail(err, "%s: more labels than the %zu rows of %s", labels, rows, path);
	else
		vs_fail(err, "%s: %zu labels for the %zu rows of %s", labels, n, rows, path);
	for (size_t i = 0; names && i < rows; i++)
		free(names[i]);
	free(names);
	return NULL;
}

vs_vecset *vs_npy_load(const char *path, const char *labels, vs_error *err)
{
	size_t len;
	char *buf = vs_read_file(path, &len, err);
	if (!buf)
		return NULL;
	npy_header h;
	float *vals = NULL;
	char **names = NULL;
	vs_vecset *set = NULL;
	if (parse_header(path, buf, len, &h, err) == 0 && (vals = read_values(path, buf, &h, err)) &&
	    (names = read_labels(labels, path, (size_t)h.rows, err)))
		set = vs_vecset_from_arrays((const char *const *)names, (size_t)h.rows, vals, (size_t)h.cols, err);
	if (set && !(set->source = strdup(path))) {
		vs_vecset_free(set);
		set = NULL;
		vs_oom(err);
	}
	for (size_t i = 0; names && i < h.rows; i++)
		free(names[i]);
	free(names);
	free(vals);
	free(buf);
	return set;
}
