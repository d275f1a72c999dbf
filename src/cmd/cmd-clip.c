/* clip: CLIP's side of vecsh. Today: tokens, CLIP's tokenizer exactly. */
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include <math.h>
#include <time.h>

#include "vecsh/clip_model.h"
#include "vecsh/clip_tokenizer.h"

static const char *const subcommands[] = {"load", "tokens", "text", NULL};

/* The tokenizer of --bpe FILE, or of $VECSH_CLIP_BPE; kept for the session. */
static vs_clip_tokenizer *tokenizer(vs_session *s, const vs_args *a)
{
	const char *path = vs_arg_opt(a, "--bpe");
	if (!path)
		path = getenv("VECSH_CLIP_BPE");
	if (!path || !*path) {
		if (s->clip)
			return s->clip->tokenizer;
		if (s->clip_tokenizer)
			return s->clip_tokenizer;
		vs_session_error(s, "clip: no tokenizer: 'clip load DIR', or give --bpe FILE (OpenAI's "
		                    "bpe_simple_vocab_16e6.txt.gz or a checkpoint's merges.txt), or set VECSH_CLIP_BPE");
		return NULL;
	}
	if (s->clip_tokenizer && s->clip_bpe && strcmp(s->clip_bpe, path) == 0)
		return s->clip_tokenizer;
	vs_error err;
	vs_clip_tokenizer *t = vs_clip_tokenizer_load(path, &err);
	if (!t) {
		vs_session_error(s, "clip: %s", err.msg);
		return NULL;
	}
	char *p = strdup(path);
	if (!p) {
		vs_clip_tokenizer_free(t);
		vs_session_error(s, "out of memory");
		return NULL;
	}
	vs_clip_tokenizer_free(s->clip_tokenizer);
	free(s->clip_bpe);
	s->clip_tokenizer = t;
	s->clip_bpe = p;
	return t;
}

static int clip_tokens(vs_session *s, vs_args *a)
{
	vs_clip_tokenizer *t = tokenizer(s, a);
	if (!t)
		return -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_error(s, "out of memory");
	int multi = a->argc > 2;
	if (multi)
		vs_result_col(r, "text", VS_COL_INT, 0);
	vs_result_col(r, "position", VS_COL_INT, 0);
	vs_result_col(r, "id", VS_COL_INT, 0);
	vs_result_col(r, "piece", VS_COL_STR, 0);
	for (int i = 1; i < a->argc; i++) {
		int32_t ids[VS_CLIP_CONTEXT];
		int n = vs_clip_tokenize(t, a->argv[i], ids, VS_CLIP_CONTEXT);
		if (n < 0) {
			vs_result_free(r);
			return vs_session_error(s, "out of memory");
		}
		for (int k = 0; k < n; k++) {
			if (vs_result_row(r) < 0)
				break;
			char *piece = vs_clip_token_text(t, ids[k]);
			size_t c = 0;
			if (multi)
				vs_result_int(r, c++, i);
			vs_result_int(r, c++, k);
			vs_result_int(r, c++, ids[k]);
			vs_result_str(r, c, piece ? piece : "?");
			free(piece);
		}
	}
	vs_session_show(s, r);
	return 0;
}

static int clip_load(vs_session *s, vs_args *a)
{
	if (a->argc != 2 && !(a->argc == 4 && strcmp(a->argv[2], "as") == 0))
		return vs_session_error(s, "clip load: expected DIR [as NAME]");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vs_error err;
	vs_clip_model *m = vs_clip_load(a->argv[1], &err);
	if (!m)
		return vs_session_error(s, "clip load: %s", err.msg);
	const char *name = a->argc == 4 ? a->argv[3] : strrchr(a->argv[1], '/') && strrchr(a->argv[1], '/')[1]
	                                                  ? strrchr(a->argv[1], '/') + 1 : a->argv[1];
	m->name = strdup(name);
	vs_clip_free(s->clip);
	s->clip = m;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vs_session_info(s, "loaded CLIP %s: text encoder %d layers x %d, %d heads, projection %d, %s (%.2f s)", m->name,
	                m->layers, m->width, m->heads, m->proj, m->quick_gelu ? "QuickGELU" : "GELU",
	                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

static int clip_text(vs_session *s, vs_args *a)
{
	if (!s->clip)
		return vs_session_error(s, "clip text: no CLIP model: 'clip load DIR' first");
	if (a->argc < 2)
		return vs_session_error(s, "clip text: give a text");
	int vec = vs_arg_flag(a, "--vec");
	vs_result *r = vs_result_new();
	float *e = malloc((size_t)s->clip->proj * sizeof *e);
	if (!r || !e) {
		vs_result_free(r);
		free(e);
		return vs_session_error(s, "out of memory");
	}
	vs_result_col(r, "text", VS_COL_STR, 0);
	if (vec)
		vs_result_col(r, "vector", VS_COL_VEC, -7);
	else
		vs_result_col(r, "norm", VS_COL_FLOAT, 6);
	for (int i = 1; i < a->argc; i++) {
		vs_error err;
		if (vs_clip_encode_text(s->clip, a->argv[i], e, &err) < 0) {
			vs_result_free(r);
			free(e);
			return vs_session_error(s, "clip text: %s", err.msg);
		}
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, a->argv[i]);
		if (vec) {
			vs_result_vec(r, 1, e, (size_t)s->clip->proj);
		} else {
			double n2 = 0;
			for (int d = 0; d < s->clip->proj; d++)
				n2 += (double)e[d] * e[d];
			vs_result_float(r, 1, sqrt(n2));
		}
	}
	free(e);
	vs_session_show(s, r);
	return 0;
}

static int cmd_clip_exec(vs_session *s, vs_args *a)
{
	if (strcmp(a->argv[0], "load") == 0)
		return clip_load(s, a);
	if (strcmp(a->argv[0], "text") == 0)
		return clip_text(s, a);
	if (strcmp(a->argv[0], "tokens") == 0) {
		if (a->argc < 2)
			return vs_session_error(s, "clip tokens: give a text (quote it: clip tokens \"a photo of a cat\")");
		return clip_tokens(s, a);
	}
	return vs_session_error(s, "clip: unknown subcommand '%s' (this vecsh has: load, tokens, text)", a->argv[0]);
}

static const vs_option cmd_clip_options[] = {
	{"--bpe", "FILE", "the BPE merges (bpe_simple_vocab_16e6.txt.gz or merges.txt)", VS_COMPLETE_FILE, NULL},
	{"--vec", NULL, "clip text: print the embeddings (7 significant digits)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_clip_entry = {
	.name = "clip",
	.usage = "load DIR [as NAME] | tokens TEXT... [--bpe FILE] | text TEXT... [--vec]",
	.summary = "CLIP: load a checkpoint, tokenize and embed texts",
	.help = "CLIP's tokenizer exactly as OpenAI's: Unicode NFC, HTML entities unescaped\n"
	        "twice, white space collapsed, lowercased, split by CLIP's pattern, byte-level\n"
	        "BPE with </w> word ends, <|startoftext|> and <|endoftext|> around, at most 77\n"
	        "tokens (the end token kept). The merges file is OpenAI's\n"
	        "bpe_simple_vocab_16e6.txt.gz or a Hugging Face checkpoint's merges.txt, given\n"
	        "with --bpe or in VECSH_CLIP_BPE, and kept for the session.\n"
	        "load: a Hugging Face CLIP checkpoint folder (config.json, model.safetensors\n"
	        "mapped, F32 or F16, merges.txt); sizes come from the files and every tensor's\n"
	        "shape is checked. text: the text encoder's embedding of each text, with its\n"
	        "norm, or the values with --vec. The image encoder is not in this version.",
	.example = "clip tokens \"a photo of a cat.\" --bpe bpe_simple_vocab_16e6.txt.gz\n"
	           "clip load clip-vit-base-patch32\nclip text \"a photo of a cat\" \"a diagram\" --vec",
	.min_args = 1,
	.max_args = -1,
	.first_complete = VS_COMPLETE_CHOICE,
	.args_complete = VS_COMPLETE_NONE,
	.choices = subcommands,
	.options = cmd_clip_options,
	.exec = cmd_clip_exec,
};
