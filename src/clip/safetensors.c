/* The safetensors format: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and data offsets, then the data. */
#include "clip/clip.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void vs_safetensors_close(vs_safetensors *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->t[i].name);
	free(st->t);
	free(st->path);
	if (st->map)
		vs_unmap_file((void *)st->map, st->map_len);
	free(st);
}

static size_t dtype_size(vs_dtype d)
{
	return d == VS_DT_F32 ? 4 : d == VS_DT_OTHER ? 1 : 2;
}

vs_safetensors *vs_safetensors_open(const char *path, vs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || sb.st_size < 8) {
		close(fd);
		vs_fail(err, "%s: truncated safetensors file", path);
		return NULL;
	}
	size_t size = (size_t)sb.st_size;
	void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		vs_fail(err, "%s: cannot map the file: %s", path, strerror(errno));
		return NULL;
	}
	vs_safetensors *st = calloc(1, sizeof *st);
	if (!st) {
		munmap(map, size);
		vs_oom(err);
		return NULL;
	}
	vs_map_register(map, size, path);
	st->map = map;
	st->map_len = size;
	st->path = strdup(path);
	uint64_t hl;
	memcpy(&hl, map, 8);
	if (hl > size - 8) {
		vs_fail(err, "%s: byte offset 0: header length %llu is past the end of the file", path, (unsigned long long)hl);
		vs_safetensors_close(st);
		return NULL;
	}
	cJSON *h = cJSON_ParseWithLength((const char *)map + 8, (size_t)hl);
	if (!h || !cJSON_IsObject(h)) {
		cJSON_Delete(h);
		vs_fail(err, "%s: the header is not a JSON object", path);
		vs_safetensors_close(st);
		return NULL;
	}
	const char *data = (const char *)map + 8 + hl;
	size_t dlen = size - 8 - (size_t)hl;
	size_t cap = (size_t)cJSON_GetArraySize(h);
	st->t = calloc(cap ? cap : 1, sizeof *st->t);
	const char *why = st->t ? NULL : "out of memory";
	char bad[256] = ""; /* the tensor's name, kept past the JSON tree it comes from */
	for (cJSON *e = h->child; e && !why; e = e->next) {
		if (strcmp(e->string, "__metadata__") == 0)
			continue;
		snprintf(bad, sizeof bad, "%s", e->string);
		cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype"), *sh = cJSON_GetObjectItemCaseSensitive(e, "shape"),
		      *off = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
		if (!cJSON_IsString(dt) || !cJSON_IsArray(sh) || !cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2 ||
		    cJSON_GetArraySize(sh) > 8) {
			why = "a tensor entry without dtype, shape and data_offsets";
			break;
		}
		vs_tensor *t = &st->t[st->n];
		t->dtype = strcmp(dt->valuestring, "F32") == 0   ? VS_DT_F32
		           : strcmp(dt->valuestring, "F16") == 0 ? VS_DT_F16
		           : strcmp(dt->valuestring, "BF16") == 0 ? VS_DT_BF16
		                                                 : VS_DT_OTHER;
		double elems = 1;
		t->ndim = 0;
		for (cJSON *d = sh->child; d; d = d->next) {
			/* whole numbers from 0 to 2^40: anything else (1e300, -1, 2.5) is not a shape */
			if (!cJSON_IsNumber(d) || !(d->valuedouble >= 0 && d->valuedouble <= 1099511627776.0) ||
			    d->valuedouble != floor(d->valuedouble)) {
				why = "a bad shape (dimensions are whole numbers from 0 to 2^40)";
				break;
			}
			t->shape[t->ndim++] = (int64_t)d->valuedouble;
			elems *= d->valuedouble;
		}
		if (why)
			break;
		const cJSON *oa = cJSON_GetArrayItem(off, 0), *ob = cJSON_GetArrayItem(off, 1);
		double a = cJSON_IsNumber(oa) ? oa->valuedouble : -1, b = cJSON_IsNumber(ob) ? ob->valuedouble : -1;
		if (a != floor(a) || b != floor(b))
			why = "data offsets that are not whole numbers";
		if (!why && (a < 0 || b < a || b > (double)dlen))
			why = "data offsets outside the file (truncated?)";
		if (!why && t->dtype != VS_DT_OTHER && b - a != elems * (double)dtype_size(t->dtype))
			why = "data offsets that disagree with the shape";
		if (why)
			break;
		t->data = data + (size_t)a;
		t->nbytes = (size_t)(b - a);
		t->name = strdup(e->string);
		if (!t->name)
			why = "out of memory";
		st->n++;
	}
	cJSON_Delete(h);
	if (why) {
		vs_fail(err, "%s: tensor '%s': %s", path, bad, why);
		vs_safetensors_close(st);
		return NULL;
	}
	return st;
}

const vs_tensor *vs_safetensors_find(const vs_safetensors *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->t[i].name, name) == 0)
			return &st->t[i];
	return NULL;
}

const float *vs_tensor_f32(const vs_safetensors *st, const char *name, const int64_t *dims, float **owned,
                           vs_error *err)
{
	*owned = NULL;
	const vs_tensor *t = vs_safetensors_find(st, name);
	if (!t) {
		vs_fail(err, "%s: no tensor '%s'", st->path, name);
		return NULL;
	}
	int nd = 0;
	while (dims[nd] >= 0)
		nd++;
	int same = nd == t->ndim;
	for (int i = 0; same && i < nd; i++)
		same = dims[i] == t->shape[i];
	if (!same) {
		char want[128] = "", got[128] = "";
		for (int i = 0; i < nd; i++)
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", i ? ", " : "", (long long)dims[i]);
		for (int i = 0; i < t->ndim; i++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", i ? ", " : "", (long long)t->shape[i]);
		vs_fail(err, "%s: tensor '%s' has shape [%s], the config says [%s]", st->path, name, got, want);
		return NULL;
	}
	if (t->dtype == VS_DT_OTHER) {
		vs_fail(err, "%s: tensor '%s' is neither F32, F16 nor BF16", st->path, name);
		return NULL;
	}
	size_t n = t->nbytes / dtype_size(t->dtype);
	if (t->dtype == VS_DT_F32 && ((uintptr_t)t->data & 3) == 0)
		return t->data;
	float *f = malloc((n ? n : 1) * sizeof *f);
	if (!f) {
		vs_oom(err);
		return NULL;
	}
	const unsigned char *p = t->data;
	for (size_t i = 0; i < n; i++) {
		if (t->dtype == VS_DT_F32) {
			memcpy(&f[i], p + 4 * i, 4);
		} else {
			uint16_t h;
			memcpy(&h, p + 2 * i, 2);
			if (t->dtype == VS_DT_F16) {
				f[i] = vs_half_to_float(h);
			} else {
				uint32_t bits = (uint32_t)h << 16;
				memcpy(&f[i], &bits, 4);
			}
		}
	}
	*owned = f;
	return f;
}
