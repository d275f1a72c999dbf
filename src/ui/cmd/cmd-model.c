/* model: image-text models of either family (CLIP or BLIP), by the folder's config. */
#include "ui/ui.h"

static const vs_cmd_entry model_load_entry = {
	.name = "load",
	.usage = "DIR [as NAME]",
	.summary = "load an image-text checkpoint folder, CLIP or BLIP by its config.json",
	.help = "The family comes from config.json's model_type: 'clip' (config.json,\n"
	        "model.safetensors, merges.txt) or 'blip' (Hugging Face's\n"
	        "BlipForImageTextRetrieval: config.json, model.safetensors, vocab.txt).\n"
	        "Several models can be loaded; the last is active ('use NAME' changes it,\n"
	        "'sets' lists them, 'info NAME' describes one, 'unload NAME' frees it). The\n"
	        "clip and images commands use the active model whatever its family.\n"
	        "'clip load' is the same command.",
	.example = "model load blip-itm-base-coco as blip\nclip sim cat.jpg \"a cat on a sofa\" \"a dog\" --itm",
	.min_args = 1,
	.max_args = 3,
	.first_complete = VS_COMPLETE_FILE,
	.exec = vs_session_load_model,
};

static const vs_cmd_entry *const model_subcommands[] = {
	&model_load_entry, NULL,
};

const vs_cmd_entry cmd_model_entry = {
	.name = "model",
	.usage = "SUBCOMMAND ...",
	.summary = "image-text models (CLIP, BLIP): load a checkpoint of either family",
	.help = "CLIP compares an image and a text by the cosine of two embeddings; BLIP adds\n"
	        "image-text matching (ITM). Both are used through the clip and images commands.",
	.example = "model load blip-itm-base-coco\nclip classify cat.jpg cat dog bird --itm",
	.subcommands = model_subcommands,
};
