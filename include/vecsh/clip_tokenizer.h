/* clip_tokenizer.h: CLIP's tokenizer, exactly as OpenAI's simple_tokenizer:
 * Unicode NFC, HTML entities unescaped twice, white space collapsed and
 * trimmed, lowercased, split by CLIP's pattern, byte-level BPE with </w>
 * word ends, <|startoftext|> and <|endoftext|> around, at most 77 tokens. */
#ifndef VECSH_CLIP_TOKENIZER_H
#define VECSH_CLIP_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "vecsh/error.h"

#define VS_CLIP_SOT 49406
#define VS_CLIP_EOT 49407
#define VS_CLIP_CONTEXT 77

typedef struct vs_clip_tokenizer vs_clip_tokenizer;

/* From OpenAI's bpe_simple_vocab_16e6.txt(.gz) or a Hugging Face merges.txt:
 * a header line, then the merges; CLIP uses the first 48894. */
vs_clip_tokenizer *vs_clip_tokenizer_load(const char *merges_path, vs_error *err);
void vs_clip_tokenizer_free(vs_clip_tokenizer *t);

/* Token ids of text: SOT, the BPE tokens, EOT, truncated to context tokens
 * with EOT kept last. Returns the count (<= context), or -1 when out of memory. */
int vs_clip_tokenize(const vs_clip_tokenizer *t, const char *text, int32_t *ids, size_t context);

/* The text of a token: its bytes, with "</w>" where a word ends (malloc'd). */
char *vs_clip_token_text(const vs_clip_tokenizer *t, int32_t id);

/* The cleaning steps, exposed for tests: NFC, html.unescape twice, white
 * space collapsed and trimmed, lowercased. malloc'd, or NULL. */
char *vs_clip_clean(const char *text);
/* Python's html.unescape (malloc'd). */
char *vs_html_unescape(const char *s);

#endif
