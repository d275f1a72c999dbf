/* hash: the bucket and sign the hashing trick gives single terms. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "text/text.h"

static int cmd_hash_exec(vs_session *s, vs_args *a)
{
	const char *v = vs_arg_opt(a, "--bits");
	int bits = 20;
	if (v && vs_parse_bits(s, "hash", "--bits", v, VS_MAX_HASH_BITS, &bits) < 0)
		return -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "term", VS_COL_STR, 0);
	vs_result_col(r, "murmur3", VS_COL_INT, 0);
	vs_result_col(r, "bucket", VS_COL_INT, 0);
	vs_result_col(r, "sign", VS_COL_STR, 0);
	for (int i = 0; i < a->argc; i++) {
		size_t len;
		char *term = vs_python_lower(a->argv[i], strlen(a->argv[i]), &len); /* lowercase=True */
		if (!term || vs_result_row(r) < 0) {
			free(term);
			vs_result_free(r);
			return vs_session_oom(s);
		}
		int sign;
		long bucket = vs_term_bucket(term, len, bits, &sign);
		vs_result_str(r, 0, term);
		vs_result_int(r, 1, (int32_t)vs_murmur3_32(term, len, 0));
		vs_result_int(r, 2, bucket);
		vs_result_str(r, 3, sign < 0 ? "-" : "+");
		free(term);
	}
	vs_result_note(r, "2^%d buckets: bucket = |murmurhash3_32(term, seed 0)| mod 2^%d, sign that of the hash", bits,
	               bits);
	vs_session_show(s, r);
	return 0;
}

static const vs_option cmd_hash_options[] = {
	{"--bits", "B", "2^B buckets, 1 to 30 (default 20, as HashingVectorizer)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_hash_entry = {
	.name = "hash",
	.usage = "TERM... [--bits B]",
	.summary = "the bucket and sign the hashing trick gives each term",
	.help = "Each term (lowercased; quote an n-gram: \"new york\") hashed as scikit-learn's\n"
	        "HashingVectorizer does: MurmurHash3 (32-bit, seed 0) of its UTF-8 bytes, the\n"
	        "bucket its absolute value modulo 2^B, the sign of its count that of the hash\n"
	        "(alternate_sign=True).",
	.example = "hash cat dog mat --bits 3",
	.min_args = 1,
	.max_args = -1,
	.options = cmd_hash_options,
	.exec = cmd_hash_exec,
};
