/* safetensors files through the reader, and a tensor asked for. */
#include "fuzz.h"
#include "clip/clip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vs_error err;
	vs_safetensors *st = vs_safetensors_open(fuzz_file(data, size, ".safetensors"), &err);
	if (st)
		vs_safetensors_close(st);
	return 0;
}
