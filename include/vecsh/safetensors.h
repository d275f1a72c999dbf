/* safetensors.h: reading a .safetensors file by mapping it. */
#ifndef VECSH_SAFETENSORS_H
#define VECSH_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "vecsh/error.h"

typedef enum vs_dtype { VS_DT_F32, VS_DT_F16, VS_DT_BF16, VS_DT_OTHER } vs_dtype;

typedef struct vs_tensor {
	char *name;
	vs_dtype dtype;
	int ndim;
	int64_t shape[8];
	const void *data;   /* into the mapping */
	size_t nbytes;
} vs_tensor;

typedef struct vs_safetensors {
	char *path;
	void *map;
	size_t map_len;
	vs_tensor *t;
	size_t n;
} vs_safetensors;

/* An IEEE half-precision value as float (exact). */
float vs_half_to_float(uint16_t h);

/* Map and index the file; every tensor's offsets and sizes are checked. */
vs_safetensors *vs_safetensors_open(const char *path, vs_error *err);
void vs_safetensors_close(vs_safetensors *st);
const vs_tensor *vs_safetensors_find(const vs_safetensors *st, const char *name);

/* A tensor of the expected shape (dims terminated by -1) as float32: the
 * mapped data itself when it is F32 and aligned, else a converted copy that
 * *owned receives (free it). Errors name the tensor. */
const float *vs_tensor_f32(const vs_safetensors *st, const char *name, const int64_t *dims, float **owned,
                           vs_error *err);

#endif
