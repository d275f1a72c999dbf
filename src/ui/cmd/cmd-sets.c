/* sets, use, unload, info: the loaded sets. */
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_sets_exec(vs_session *s, vs_args *a)
{
	(void)a;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "active", VS_COL_STR, 0);
	vs_result_col(r, "name", VS_COL_STR, 0);
	vs_result_col(r, "kind", VS_COL_STR, 0);
	vs_result_col(r, "words", VS_COL_INT, 0);
	vs_result_col(r, "dims", VS_COL_INT, 0);
	vs_result_col(r, "docs", VS_COL_INT, 0);
	vs_result_col(r, "memory", VS_COL_STR, 0);
	vs_result_col(r, "source", VS_COL_STR, 0);
	char mem[32];
	for (size_t i = 0; i < s->nsets; i++) {
		const vs_vecset *set = s->sets[i];
		vs_human_bytes(vs_vecset_memory(set), mem, sizeof mem);
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, (long)i == s->active ? "*" : "");
		vs_result_str(r, 1, set->name);
		vs_result_str(r, 2, set->remote ? "table" : "vectors");
		vs_result_int(r, 3, (long long)vs_vecset_rows(set));
		vs_result_int(r, 4, (long long)set->dims);
		vs_result_str(r, 6, mem);
		vs_result_str(r, 7, set->source);
	}
	for (size_t i = 0; i < s->nindexes; i++) {
		const vs_index *ix = s->indexes[i];
		vs_human_bytes(vs_index_memory(ix), mem, sizeof mem);
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, (long)i == s->active_index ? "*" : "");
		vs_result_str(r, 1, ix->name);
		vs_result_str(r, 2, "index");
		vs_result_int(r, 3, (long long)ix->nterms);
		vs_result_int(r, 5, (long long)ix->ndocs);
		vs_result_str(r, 6, mem);
		vs_result_str(r, 7, ix->source);
	}
	for (size_t i = 0; i < s->nmodels; i++) {
		const vs_clip_model *m = s->models[i];
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, (long)i == s->active_model ? "*" : "");
		vs_result_str(r, 1, m->name);
		vs_result_str(r, 2, s->models[i]->family == VS_FAMILY_BLIP ? "blip" : "clip");
		vs_result_int(r, 4, m->proj);
		vs_result_str(r, 7, m->dir);
	}
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_sets_entry = {
	.name = "sets",
	.usage = "",
	.summary = "list the loaded vector sets, indexes and image-text models (* marks the active ones)",
	.example = "sets",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_sets_exec,
};

static int cmd_use_exec(vs_session *s, vs_args *a)
{
	if (vs_session_use(s, a->argv[0]) < 0)
		return vs_session_error(s, "use: no set, index or model named '%s' (see 'sets')", a->argv[0]);
	return 0;
}

const vs_cmd_entry cmd_use_entry = {
	.name = "use",
	.usage = "NAME",
	.summary = "make a loaded set, index or image-text model the active one of its kind",
	.example = "use demo",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_SET,
	.exec = cmd_use_exec,
};

static int cmd_unload_exec(vs_session *s, vs_args *a)
{
	if (vs_session_remove(s, a->argv[0]) < 0)
		return vs_session_error(s, "unload: no set, index or model named '%s' (see 'sets')", a->argv[0]);
	return 0;
}

const vs_cmd_entry cmd_unload_entry = {
	.name = "unload",
	.usage = "NAME",
	.summary = "free a loaded set, index or image-text model",
	.example = "unload demo",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_SET,
	.exec = cmd_unload_exec,
};

static void field(vs_result *r, const char *k, const char *v)
{
	if (vs_result_row(r) == 0) {
		vs_result_str(r, 0, k);
		vs_result_str(r, 1, v);
	}
}

/* A field/value table opening with the name, kind and source of what it describes. */
static vs_result *info_result(const char *name, const char *kind, const char *source)
{
	vs_result *r = vs_result_new();
	if (!r)
		return NULL;
	vs_result_col(r, "field", VS_COL_STR, 0);
	vs_result_col(r, "value", VS_COL_STR, 0);
	field(r, "name", name);
	field(r, "kind", kind);
	field(r, "source", source);
	return r;
}

static int index_info(vs_session *s, const vs_index *ix)
{
	vs_result *r = info_result(ix->name, "index", ix->source);
	if (!r)
		return vs_session_oom(s);
	char buf[256];
	snprintf(buf, sizeof buf, "%u", ix->ndocs);
	field(r, "documents", buf);
	snprintf(buf, sizeof buf, "%u%s", ix->nterms, ix->opt.hash_bits ? " buckets used" : "");
	field(r, "terms", buf);
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)ix->nnz);
	field(r, "postings", buf);
	snprintf(buf, sizeof buf, "%.1f tokens", ix->avgdl);
	field(r, "average length", buf);
	if (ix->raw_terms) { /* what index add and remove start from */
		snprintf(buf, sizeof buf, "%u terms, %llu postings", ix->raw_nterms, (unsigned long long)ix->raw_nnz);
		field(r, "all terms", buf);
	} else if (ix->raw_missing) {
		field(r, "all terms", "not kept (an older file): index add and remove need it built again");
	}
	const char *norms[] = {"l2", "l1", "none"};
	char df[128], mf[48] = "";
	snprintf(df, sizeof df, "min-df %g%s max-df %g%s", ix->opt.min_df, ix->opt.min_df_is_prop ? " (proportion)" : "",
	         ix->opt.max_df, ix->opt.max_df_is_prop ? " (proportion)" : "");
	if (ix->opt.max_features)
		snprintf(mf, sizeof mf, " max-features %zu", ix->opt.max_features);
	snprintf(buf, sizeof buf, "%sngram %d-%d, %s%s, stopwords %s, %s%s, norm %s", ix->opt.lines ? "lines, " : "",
	         ix->opt.ngram_min, ix->opt.ngram_max, ix->opt.hash_bits ? "hash" : df, mf,
	         ix->opt.stopwords == 1 ? "english" : ix->opt.stopwords == 2 ? "file" : "none",
	         ix->opt.binary ? "binary tf" : ix->opt.sublinear ? "sublinear tf" : "raw tf",
	         ix->opt.no_idf ? ", no idf" : ix->opt.no_smooth ? ", no smoothing" : "",
	         norms[ix->opt.norm]);
	if (ix->opt.hash_bits) {
		char hb[300];
		snprintf(hb, sizeof hb, "%s, 2^%d buckets", buf, ix->opt.hash_bits);
		field(r, "options", hb);
	} else {
		field(r, "options", buf);
	}
	vs_human_bytes(vs_index_memory(ix), buf, sizeof buf);
	field(r, "memory", buf);
	field(r, "mapped", ix->map ? "yes" : "no");
	vs_session_show(s, r);
	return 0;
}

static int model_info(vs_session *s, const vs_clip_model *m)
{
	int blip = m->family == VS_FAMILY_BLIP;
	vs_result *r = info_result(m->name, blip ? "blip" : "clip", m->dir);
	if (!r)
		return vs_session_oom(s);
	char buf[256];
	if (blip)
		snprintf(buf, sizeof buf, "BERT, %d layers x %d, %d heads, context %d, vocabulary %d, GELU; cross-attention "
		         "over the image tokens for ITM", m->text.layers, m->text.width, m->text.heads, m->context, m->vocab);
	else
		snprintf(buf, sizeof buf, "%d layers x %d, %d heads, context %d, vocabulary %d, %s", m->text.layers,
		         m->text.width, m->text.heads, m->context, m->vocab, m->text.quick_gelu ? "QuickGELU" : "GELU");
	field(r, "text encoder", buf);
	snprintf(buf, sizeof buf, "ViT, %d layers x %d, %d heads, %dx%d pixels in %d-pixel patches", m->vision.layers,
	         m->vision.width, m->vision.heads, m->image_size, m->image_size, m->patch_size);
	field(r, "image encoder", buf);
	snprintf(buf, sizeof buf, "%d", m->proj);
	field(r, "embedding dims", buf);
	if (blip) {
		field(r, "scores", "ITC cosine (text_proj, vision_proj); ITM match probability (itm_head)");
		field(r, "tokenizer", "BERT WordPiece (vocab.txt)");
	} else {
		snprintf(buf, sizeof buf, "%.6g", (double)m->logit_scale);
		field(r, "logit scale (log)", buf);
	}
	vs_session_show(s, r);
	return 0;
}

static int cmd_info_exec(vs_session *s, vs_args *a)
{
	if (a->argc && vs_session_find_model(s, a->argv[0]))
		return model_info(s, vs_session_find_model(s, a->argv[0]));
	if (a->argc && vs_session_find_index(s, a->argv[0]))
		return index_info(s, vs_session_find_index(s, a->argv[0]));
	if (!a->argc && s->active < 0 && s->active_index >= 0)
		return index_info(s, s->indexes[s->active_index]);
	vs_vecset *set = a->argc ? vs_session_find(s, a->argv[0]) : vs_session_active(s);
	if (!set)
		return a->argc ? vs_session_error(s, "info: no set, index or model named '%s' (see 'sets')", a->argv[0]) : -1;
	vs_result *r = info_result(set->name, "vectors", set->source);
	if (!r)
		return vs_session_oom(s);
	char buf[64];
	field(r, "format", set->format ? set->format : "?");
	if (set->remote)
		snprintf(buf, sizeof buf, "%zu fetched so far", set->oov);
	else
		snprintf(buf, sizeof buf, "%zu", set->count);
	field(r, set->remote ? "rows here" : "words", buf);
	snprintf(buf, sizeof buf, "%zu", set->dims);
	field(r, "dims", buf);
	vs_human_bytes(vs_vecset_memory(set), buf, sizeof buf);
	field(r, "memory", buf);
	if (set->map) {
		char res[32], all[32], line[96];
		vs_human_bytes(vs_map_resident(set->map, set->map_len), res, sizeof res);
		vs_human_bytes(set->map_len, all, sizeof all);
		snprintf(line, sizeof line, "yes: %s of %s paged in", res, all);
		field(r, "mapped", line);
	} else {
		field(r, "mapped", "no");
	}
	if (!set->remote)
		field(r, "scan", vs_codes_state(set));
	if (set->dtype != VS_VEC_F32)
		field(r, "rows", set->dtype == VS_VEC_F16 ? "f16, rounded when saved: answers are approximate"
		                                          : "int8 with a scale a row, rounded when saved: answers are approximate");
	if (set->meta) {
		char line[512];
		size_t o = (size_t)snprintf(line, sizeof line, "%zu rows:", set->meta->rows);
		for (size_t c = 0; c < set->meta->ncols && o < sizeof line; c++)
			o += (size_t)snprintf(line + o, sizeof line - o, " %s", set->meta->names[c]);
		field(r, "metadata", line);
	}
	for (const char *p = set->about; p && *p;) { /* how it was made: "field\tvalue" lines */
		const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
		if (!tab || !nl || tab > nl)
			break;
		char k[64], v[256];
		snprintf(k, sizeof k, "%.*s", (int)(tab - p), p);
		snprintf(v, sizeof v, "%.*s", (int)(nl - tab - 1), tab + 1);
		field(r, k, v);
		p = nl + 1;
	}
	if (set->remote) { /* no first words: the rows are the server's */
		vs_session_show(s, r);
		return 0;
	}
	field(r, "first words", "");
	size_t show = set->count < 8 ? set->count : 8, o = 0;
	char words[256] = "";
	for (size_t i = 0; i < show && o < sizeof words; i++)
		o += (size_t)snprintf(words + o, sizeof words - o, "%s%s", i ? " " : "", vs_vecset_word(set, i));
	vs_result_str(r, 1, words);
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_info_entry = {
	.name = "info",
	.usage = "[NAME]",
	.summary = "describe a set, index or image-text model (the active set by default)",
	.example = "info demo",
	.min_args = 0,
	.max_args = 1,
	.args_complete = VS_COMPLETE_SET,
	.exec = cmd_info_exec,
};
