/* clip.h: CLIP: the tokenizer, safetensors checkpoints, the model, preprocessing and image folders. */
#ifndef VECSH_CLIP_H
#define VECSH_CLIP_H

#include "core/core.h"
#include "text/text.h"
#include "image/image.h"
#include "vectors/vectors.h"

/* ---- CLIP's tokenizer, exactly as OpenAI's simple_tokenizer:
 * Unicode NFC, HTML entities unescaped twice, white space collapsed and
 * trimmed, lowercased, split by CLIP's pattern, byte-level BPE with </w>
 * word ends, <|startoftext|> and <|endoftext|> around, at most 77 tokens. */

#include <stddef.h>
#include <stdint.h>

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
/* The same, with *total the count before truncation (more than context: the
 * text was cut, as OpenAI's tokenize(..., truncate=True) cuts it). */
int vs_clip_tokenize_full(const vs_clip_tokenizer *t, const char *text, int32_t *ids, size_t context, size_t *total);

/* The text of a token: its bytes, with "</w>" where a word ends (malloc'd). */
char *vs_clip_token_text(const vs_clip_tokenizer *t, int32_t id);

/* The cleaning steps, exposed for tests: NFC, html.unescape twice, white
 * space collapsed and trimmed, lowercased. malloc'd, or NULL. */
char *vs_clip_clean(const char *text);
/* Python's html.unescape (malloc'd). */
char *vs_html_unescape(const char *s);

/* ---- BERT's uncased WordPiece tokenizer, exactly as Hugging Face's
 * BertTokenizer (BLIP's text side): the special and added tokens ([CLS],
 * [SEP], [UNK], [PAD], [MASK], BLIP's [DEC] and [ENC]) split out first; the
 * rest cleaned (control characters and U+FFFD dropped, white space made
 * spaces), spaces put around CJK ideographs, NFC, split at white space,
 * lowercased with accents stripped (NFD, marks dropped), split at
 * punctuation; greedy longest-match WordPiece with "##", a word of more
 * than 100 characters or with no match is [UNK]; [CLS] ... [SEP]. */

typedef struct vs_bert_tokenizer vs_bert_tokenizer;

/* DIR/vocab.txt (a token a line), DIR/added_tokens.json when there (else
 * [DEC] and [ENC] after the vocabulary), do_lower_case of
 * DIR/tokenizer_config.json when there. */
vs_bert_tokenizer *vs_bert_tokenizer_load(const char *dir, vs_error *err);
void vs_bert_tokenizer_free(vs_bert_tokenizer *t);
/* [CLS], the tokens, [SEP], at most context ids ([SEP] kept last when cut);
 * *total (may be NULL) gets the count before cutting. The count, or -1 when
 * out of memory. */
int vs_bert_tokenize(const vs_bert_tokenizer *t, const char *text, int32_t *ids, size_t context, size_t *total);
/* The text of an id (NULL if none), the id of a token (-1 if none). */
const char *vs_bert_token_text(const vs_bert_tokenizer *t, int32_t id);
long vs_bert_token_id(const vs_bert_tokenizer *t, const char *token);
/* One more than the highest id. */
size_t vs_bert_vocab_size(const vs_bert_tokenizer *t);

/* ---- Reading a .safetensors file by mapping it. */

#include <stddef.h>
#include <stdint.h>

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

/* Map and index the file; every tensor's offsets and sizes are checked. */
vs_safetensors *vs_safetensors_open(const char *path, vs_error *err);
void vs_safetensors_close(vs_safetensors *st);
const vs_tensor *vs_safetensors_find(const vs_safetensors *st, const char *name);

/* A tensor of the expected shape (dims terminated by -1) as float32: the
 * mapped data itself when it is F32 and aligned, else a converted copy that
 * *owned receives (free it). Errors name the tensor. */
const float *vs_tensor_f32(const vs_safetensors *st, const char *name, const int64_t *dims, float **owned,
                           vs_error *err);

/* ---- A CLIP checkpoint (Hugging Face layout: config.json,
 * model.safetensors, merges.txt) and its text encoder, in float32 through
 * OpenBLAS, and its image encoder. */

#include <stddef.h>
#include <stdint.h>

typedef struct vs_clip_text_layer {
	const float *ln1_w, *ln1_b, *q_w, *q_b, *k_w, *k_b, *v_w, *v_b, *o_w, *o_b;
	const float *ln2_w, *ln2_b, *fc1_w, *fc1_b, *fc2_w, *fc2_b;
} vs_clip_text_layer;

/* A transformer: pre-LayerNorm blocks of attention and MLP. */
typedef struct vs_clip_tower {
	int width, layers, heads, inter;
	double eps;
	int quick_gelu;        /* QuickGELU (OpenAI) or GELU (as LAION's configs say) */
	vs_clip_text_layer *layer;
} vs_clip_tower;

/* The families of image-text models vecsh runs. */
typedef enum vs_model_family { VS_FAMILY_CLIP, VS_FAMILY_BLIP } vs_model_family;

struct vs_blip; /* BLIP's weights (blip.c) */

typedef struct vs_clip_model {
	char *name, *dir;
	vs_model_family family;
	struct vs_blip *blip;            /* BLIP's own weights; NULL for CLIP */
	vs_bert_tokenizer *bert;         /* BLIP's tokenizer */
	int context, vocab, proj;
	float logit_scale;     /* exp(logit_scale) multiplies cosines */
	/* the text encoder */
	vs_clip_tower text;
	const float *tok_emb, *pos_emb, *lnf_w, *lnf_b, *text_proj;
	/* the image encoder (a ViT) */
	vs_clip_tower vision;
	int image_size, patch_size;
	const float *class_emb, *patch_w, *vpos_emb, *pre_ln_w, *pre_ln_b, *post_ln_w, *post_ln_b, *visual_proj;
	vs_safetensors *st;
	vs_clip_tokenizer *tokenizer;
	float **owned;
	size_t nowned;
} vs_clip_model;

/* The image embedding (proj values) of pixels already preprocessed: 3 x
 * image_size x image_size floats, channel-major, normalised. */
int vs_clip_encode_pixels(const vs_clip_model *m, const float *pixels, float *out, vs_error *err);
/* batch images at once (pixels one after another, out batch x proj): the
 * weights are read once for the batch. */
int vs_clip_encode_pixels_batch(const vs_clip_model *m, const float *pixels, int batch, float *out, vs_error *err);

/* Load DIR/config.json, DIR/model.safetensors and the tokenizer (DIR/merges.txt,
 * or OpenAI's bpe_simple_vocab_16e6.txt.gz in DIR). The family comes from
 * config.json's model_type: "clip" (or none), or "blip" (Hugging Face's
 * BlipForImageTextRetrieval: the tokenizer is DIR/vocab.txt). For BLIP, the
 * text and image embeddings are ITC's: text_proj / vision_proj of the first
 * token, normalised; m->proj is image_text_hidden_size, m->context the text's
 * max_position_embeddings. */
vs_clip_model *vs_clip_load(const char *dir, vs_error *err);
void vs_clip_free(vs_clip_model *m);

/* The text embedding (proj values, not normalised) of token ids (SOT ... EOT).
 * Only the real tokens run: exact under the causal mask. */
int vs_clip_encode_tokens(const vs_clip_model *m, const int32_t *ids, int n, float *out, vs_error *err);
/* *total (may be NULL) gets the text's token count before truncation to the context. */
int vs_clip_encode_text(const vs_clip_model *m, const char *text, float *out, size_t *total, vs_error *err);

/* v scaled to unit length (a zero vector stays zero). */
void vs_clip_normalise(float *v, int n);

/* OpenAI CLIP's preprocessing to 3 x size x size floats (channel-major). */
int vs_clip_preprocess(const vs_image *img, int size, float *out, vs_error *err);
/* Hugging Face's BlipImageProcessor: convert to RGB (alpha dropped, a
 * palette looked up), PIL's bicubic resize straight to size x size, rescale
 * by 1/255, normalise with CLIP's mean and standard deviation. */
int vs_blip_preprocess(const vs_image *img, int size, float *out, vs_error *err);
/* The preprocessing of the model's family, to m->image_size. */
int vs_model_preprocess(const vs_clip_model *m, const vs_image *img, float *out, vs_error *err);
/* An image file decoded and preprocessed for the model (malloc'd 3 x size x
 * size floats), or NULL with a message naming the file. */
float *vs_model_file_pixels(const vs_clip_model *m, const char *path, vs_error *err);

/* The embeddings of B texts (B x m->proj; *totals, may be NULL, their token
 * counts before cutting): BLIP encodes them in one batch, CLIP one by one. */
int vs_model_encode_texts(const vs_clip_model *m, const char *const *texts, int B, float *out, size_t *totals,
                          vs_error *err);

/* The token ids of a text as the model's tokenizer makes them (at most
 * m->context); *total the count before cutting. -1 when out of memory. */
int vs_model_tokenize(const vs_clip_model *m, const char *text, int32_t *ids, size_t *total);
/* The text of a token of the model's tokenizer (malloc'd, or NULL). */
char *vs_model_token_text(const vs_clip_model *m, int32_t id);

/* ---- BLIP's image-text matching (ITM): the text encoded with
 * cross-attention over every image token, itm_head on the first token,
 * softmax; the probability of "match". An image's tokens, and each layer's
 * cross-attention keys and values over them, are kept to score many texts. */

typedef struct vs_blip_image vs_blip_image;

/* The image's tokens (after the vision tower and its final LayerNorm) from
 * preprocessed pixels, with its ITC embedding (normalised) in itc (may be NULL). */
vs_blip_image *vs_blip_image_encode(const vs_clip_model *m, const float *pixels, float *itc, vs_error *err);
void vs_blip_image_free(vs_blip_image *im);
/* The same for an image file, kept by the model (up to 64 MB of images,
 * the least recently used dropped first) while the file's size and
 * modification time stay the same: the image is the model's, valid until
 * the next call (do not free it). Errors name the file. */
vs_blip_image *vs_blip_image_file(vs_clip_model *m, const char *path, float *itc, vs_error *err);
/* The match probability of token ids ([CLS] ... [SEP], as Hugging Face feeds
 * them; enc_first puts [ENC] first, as the original Salesforce code does). */
int vs_blip_itm(const vs_clip_model *m, vs_blip_image *im, const int32_t *ids, int n, int enc_first, double *prob,
                vs_error *err);
/* The same for B sequences at once (ids one after another, len[s] each):
 * one pass through the weights for all of them. */
int vs_blip_itm_batch(const vs_clip_model *m, vs_blip_image *im, const int32_t *ids, const int *len, int B,
                      int enc_first, double *prob, vs_error *err);
/* The same for texts (totals, may be NULL: their token counts before cutting). */
int vs_blip_itm_texts(const vs_clip_model *m, vs_blip_image *im, const char *const *texts, int B, int enc_first,
                      double *prob, size_t *totals, vs_error *err);
/* The same for a text. */
int vs_blip_itm_text(const vs_clip_model *m, vs_blip_image *im, const char *text, int enc_first, double *prob,
                     size_t *total, vs_error *err);

/* ---- images through the model (image_folder.c) ---- */

/* Does the name end as an image file vecsh decodes (.png, .jpg, ...)? */
int vs_is_image_name(const char *name);

/* The embedding of an image file (not normalised): decode, preprocess, encode. */
int vs_clip_encode_image_file(const vs_clip_model *m, const char *path, float *out, vs_error *err);

typedef struct vs_image_folder_options {
	const char *cache_dir;  /* where the embeddings are cached, or NULL for none */
	/* called after each file with done/total */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
} vs_image_folder_options;

typedef struct vs_image_folder_report {
	size_t images, embedded, cached, skipped;
	char *skipped_list;     /* the names of unreadable images (malloc'd; free it) */
} vs_image_folder_report;

/* Every image below folder (sorted by name, hidden files left out) embedded
 * by m, as a set whose words are the paths relative to folder; unreadable
 * images are skipped and reported. */
vs_vecset *vs_clip_embed_folder(const vs_clip_model *m, const char *folder, const vs_image_folder_options *opt,
                                vs_image_folder_report *rep, vs_error *err);

#endif
