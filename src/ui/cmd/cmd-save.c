/* save: write a set as .vecs or export it. */
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static const char *const save_formats[] = {"vecs", "word2vec", "word2vec-bin", "glove", "fasttext", NULL};

static int cmd_save_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_find_index(s, a->argv[0]);
	if (ix) {
		const char *f = vs_arg_opt(a, "--format");
		if (f && strcmp(f, "vecs") != 0)
			return vs_session_error(s, "save: %s is an index; it is saved in the index format only", ix->name);
		vs_error err;
		if (vs_index_save(ix, a->argv[1], &err) < 0)
			return vs_session_error(s, "save: %s", err.msg);
		ix->unsaved = 0;
		vs_session_info(s, "saved index %s to %s", ix->name, a->argv[1]);
		return 0;
	}
	vs_vecset *set = vs_session_find(s, a->argv[0]);
	if (!set)
		return vs_session_error(s, "save: no set named '%s' (see 'sets')", a->argv[0]);
	vs_format fmt = VS_FMT_VECS;
	const char *f = vs_arg_opt(a, "--format");
	if (f)
		vs_format_parse(f, &fmt);
	vs_error err;
	if (vs_save(set, a->argv[1], fmt, &err) < 0)
		return vs_session_error(s, "save: %s", err.msg);
	set->unsaved = 0;
	vs_session_info(s, "saved %s to %s (%s%s)", set->name, a->argv[1], vs_format_name(fmt),
	                vs_is_gzip_name(a->argv[1]) && fmt != VS_FMT_VECS ? ", gzip" : "");
	if (set->sub)
		vs_session_info(s, "the file has the %zu dictionary words' vectors (fastText's print-word-vectors); the "
		                "character n-grams are not kept in it, so words outside the dictionary have no vector there",
		                set->count);
	return 0;
}

static const vs_option cmd_save_options[] = {
	{"--format", "FORMAT", "vecs (default), word2vec, word2vec-bin, glove or fasttext", VS_COMPLETE_CHOICE,
	 save_formats},
	{0},
};

const vs_cmd_entry cmd_save_entry = {
	.name = "save",
	.usage = "NAME PATH [--format FORMAT]",
	.summary = "write a set (.vecs, or export) or an index to a file",
	.help = "The native .vecs format opens near-instantly (it is mapped). An index is\n"
	        "written in vecsh's checksummed index format. The file is written to a\n"
	        "temporary file beside PATH and renamed into place.",
	.example = "save demo /tmp/demo.vecs\nsave demo /tmp/demo.txt --format glove",
	.min_args = 2,
	.max_args = 2,
	.first_complete = VS_COMPLETE_SET,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_save_options,
	.exec = cmd_save_exec,
};
