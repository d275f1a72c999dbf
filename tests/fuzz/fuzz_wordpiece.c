/* BERT's WordPiece tokenizer (BLIP's text side): the input as a text,
 * tokenized with a small vocabulary written once (words, ## pieces, CJK,
 * the special tokens); every id must name a token. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "clip/clip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static vs_bert_tokenizer *t;
	if (!t) {
		char dir[96], path[128];
		snprintf(dir, sizeof dir, "%s/wordpiece", fuzz_dir());
		snprintf(path, sizeof path, "%s/vocab.txt", dir);
		mkdir(dir, 0700);
		static const char vocab[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n!\n,\n.\n'\na\nb\nc\n##a\n##b\n##c\nab\n"
		                            "un\n##aff\n##able\ncafe\n\xe4\xb8\xad\n\xcf\x83\xce\xb1\xcf\x82\n";
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(vocab, 1, sizeof vocab - 1, f) != sizeof vocab - 1)
			abort();
		fclose(f);
		vs_error err;
		t = vs_bert_tokenizer_load(dir, &err);
		if (!t)
			abort();
		remove(path);
		rmdir(dir);
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int32_t ids[64];
	size_t total;
	int n = vs_bert_tokenize(t, text, ids, 64, &total);
	if (n > 64 || (n >= 0 && (n < 2 || total < (size_t)n)))
		abort();
	for (int i = 0; i < n; i++)
		if (!vs_bert_token_text(t, ids[i]))
			abort();
	free(text);
	return 0;
}
