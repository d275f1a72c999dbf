/* clip: CLIP's side of vecsh. Today: tokens, CLIP's tokenizer exactly. */
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include "vecsh/clip_tokenizer.h"

static const char *const subcommands[] = {"tokens", NULL};

/* The tokenizer of --bpe FILE, or of $VECSH_CLIP_BPE; kept for the session. */
static vs_clip_tokenizer *tokenizer(vs_session *s, const vs_args *a)
{
	const char *path = vs_arg_opt(a, "--bpe");
	if (!path)
		path = getenv("VECSH_CLIP_BPE");
	if (!path || !*path) {
		if (s->clip_tokenizer)
			return s->clip_tokenizer;
		vs_session_error(s, "clip: no tokenizer: give --bpe FILE (OpenAI's bpe_simple_vocab_16e6.txt.gz "
		                    "or a checkpoint's merges.txt), or set VECSH_CLIP_BPE");
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

static int cmd_clip_exec(vs_session *s, vs_args *a)
{
	if (strcmp(a->argv[0], "tokens") == 0) {
		if (a->argc < 2)
			return vs_session_error(s, "clip tokens: give a text (quote it: clip tokens \"a photo of a cat\")");
		return clip_tokens(s, a);
	}
	return vs_session_error(s, "clip: unknown subcommand '%s' (this vecsh has: tokens)", a->argv[0]);
}

static const vs_option cmd_clip_options[] = {
	{"--bpe", "FILE", "the BPE merges (bpe_simple_vocab_16e6.txt.gz or merges.txt)", VS_COMPLETE_FILE, NULL},
	{0},
};

const vs_cmd_entry cmd_clip_entry = {
	.name = "clip",
	.usage = "tokens TEXT... [--bpe FILE]",
	.summary = "CLIP: the token ids and BPE pieces of texts",
	.help = "CLIP's tokenizer exactly as OpenAI's: Unicode NFC, HTML entities unescaped\n"
	        "twice, white space collapsed, lowercased, split by CLIP's pattern, byte-level\n"
	        "BPE with </w> word ends, <|startoftext|> and <|endoftext|> around, at most 77\n"
	        "tokens (the end token kept). The merges file is OpenAI's\n"
	        "bpe_simple_vocab_16e6.txt.gz or a Hugging Face checkpoint's merges.txt, given\n"
	        "with --bpe or in VECSH_CLIP_BPE, and kept for the session.",
	.example = "clip tokens \"a photo of a cat.\" --bpe bpe_simple_vocab_16e6.txt.gz",
	.min_args = 1,
	.max_args = -1,
	.first_complete = VS_COMPLETE_CHOICE,
	.args_complete = VS_COMPLETE_NONE,
	.choices = subcommands,
	.options = cmd_clip_options,
	.exec = cmd_clip_exec,
};
