/* load: read a vector file into a new set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_load_exec(vs_session *s, vs_args *a)
{
	const char *name = NULL;
	if (a->argc == 3) {
		if (strcmp(a->argv[1], "as") != 0)
			return vs_session_error(s, "load: expected 'as NAME' after the path, not '%s'", a->argv[1]);
		name = a->argv[2];
	} else if (a->argc != 1) {
		vs_session_error(s, "load: expected PATH [as NAME]");
		vs_command_usage(a, s->msg);
		return -1;
	}
	if (vs_pg_is_target(a->argv[0])) {
		static const char *const file_only[] = {"--format", "--limit", "--strict", "--labels", "--verify",
		                                        "--supervised", "--meta", NULL};
		for (int i = 0; file_only[i]; i++)
			if (vs_arg_flag(a, file_only[i]))
				return vs_session_error(s, "load: %s is for files, not a table in PostgreSQL", file_only[i]);
		return vs_session_load_table(s, a->argv[0], name, vs_arg_flag(a, "--exact"));
	}
	if (vs_arg_flag(a, "--exact"))
		return vs_session_error(s, "load: --exact is for a table in PostgreSQL (postgres://...)");
	vs_format fmt = VS_FMT_AUTO;
	const char *f = vs_arg_opt(a, "--format");
	if (f)
		vs_format_parse(f, &fmt); /* the choices were checked by the parser */
	size_t limit;
	if (vs_arg_size(s, a, "--limit", 0, &limit) < 0)
		return -1;
	vs_load_options opt = {.format = fmt, .limit = limit, .strict = vs_arg_flag(a, "--strict"),
	                       .labels = vs_arg_opt(a, "--labels"), .verify = vs_arg_flag(a, "--verify"),
	                       .supervised = vs_arg_flag(a, "--supervised")};
	const char *meta = vs_arg_opt(a, "--meta");
	if (vs_session_load(s, a->argv[0], name, &opt) < 0)
		return -1;
	if (!meta)
		return 0;
	/* the metadata of the set just loaded; if it cannot be read, the set goes too */
	vs_vecset *set = s->sets[s->active];
	vs_error err;
	if (vs_meta_load(set, meta, &err) < 0) {
		vs_session_error(s, "load: %s (the set is not kept)", err.msg);
		char *nm = strdup(set->name);
		if (nm)
			vs_session_remove(s, nm);
		free(nm);
		return -1;
	}
	const vs_meta *m = set->meta;
	if (m->unknown)
		vs_session_warn(s, "%s: %zu of %zu rows name words that %s does not have", meta, m->unknown, m->rows, set->name);
	if (m->duplicates)
		vs_session_warn(s, "%s: %zu repeated words (their first rows kept)", meta, m->duplicates);
	return 0;
}

static const vs_option cmd_load_options[] = {
	{"--format", "FORMAT", "auto (default), word2vec, word2vec-bin, glove, fasttext or vecs", VS_COMPLETE_CHOICE,
	 vs_vector_format_choices},
	{"--limit", "N", "keep only the first N words", VS_COMPLETE_NONE, NULL},
	{"--strict", NULL, "refuse words that are not valid UTF-8", VS_COMPLETE_NONE, NULL},
	{"--labels", "FILE", "for a numpy .npy matrix: its row names, one a line", VS_COMPLETE_FILE, NULL},
	{"--verify", NULL, "for a .vecs file: check every block against its checksum first", VS_COMPLETE_NONE, NULL},
	{"--meta", "FILE", "metadata of the words: a TSV with a header, the word first", VS_COMPLETE_FILE, NULL},
	{"--supervised", NULL, "for a fastText classifier (.ftz, supervised .bin): load its words' vectors anyway",
	 VS_COMPLETE_NONE, NULL},
	{"--exact", NULL, "for a table in PostgreSQL: the server scans every row, not its approximate index",
	 VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_load_entry = {
	.name = "load",
	.usage = "PATH [as NAME] [--format FORMAT] [--limit N] [--strict] [--labels FILE] [--verify] [--supervised] [--meta FILE]\n"
	         "       load postgres://USER@HOST/DB?table=T[&vector=COL&label=COL&id=COL&where=COL=VALUE] [as NAME] [--exact]",
	.summary = "load word vectors (word2vec, GloVe, fastText, .vecs; .gz too), a saved index, or a PostgreSQL table",
	.help = "The format is detected from the content: a 'count dims' header means word2vec\n"
	        "text or binary (fastText .vec is word2vec text), no header means GloVe, and\n"
	        "vecsh's own .vecs files are mapped. Gzip-compressed files are read as they are.\n"
	        "A fastText model (.bin, or .ftz quantized) is read with its character n-grams:\n"
	        "every word has a vector then, one outside the dictionary made from its n-grams\n"
	        "as fastText's print-word-vectors makes it, and results mark it (oov).\n"
	        "A TF-IDF index saved by 'save' is recognised by its magic bytes and mapped.\n"
	        "A numpy .npy matrix (float32, float16 or float64, e.g. CLIP embeddings computed\n"
	        "elsewhere) loads with --labels FILE naming its rows.\n"
	        "The new set becomes the active one; its name is the file's, or NAME.\n"
	        "--meta FILE attaches columns of metadata to the words: a TSV whose header\n"
	        "names the word's column and then the others, a row a word (the Embedding\n"
	        "Projector's metadata.tsv with the word first); plot --color COLUMN and\n"
	        "nn --where COLUMN=VALUE use them, info and browse show them.\n"
	        "A PostgreSQL table with pgvector opens as a set whose rows stay on the\n"
	        "server (libpq's URI or key=value words, with table=, and optionally vector=,\n"
	        "label=, id= and where=COLUMN=VALUE): nn, analogy and rank ask the server,\n"
	        "its HNSW index answering if it has one (approximate; --exact scans every\n"
	        "row); sim, odd, vec, browse, project and plot fetch the rows they need;\n"
	        "a word id:N (or ID_COLUMN:N) names the row whose id is N. Passwords are never\n"
	        "shown.",
	.example = "load examples/data/glove-demo.txt.gz as demo\nload vectors.bin --limit 100000\nload examples/data/kjv-fasttext.bin as kjv\nload examples/data/glove-demo.txt.gz as demo --meta examples/data/demo-meta.tsv\nload postgres://me@db.example.org/shop?table=items&label=title as items",
	.min_args = 1,
	.max_args = 3,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_load_options,
	.exec = cmd_load_exec,
};
