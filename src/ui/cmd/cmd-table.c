/* The command table: every command's entry, in the order help lists them. */
#include "ui/ui.h"

extern const vs_cmd_entry cmd_help_entry, cmd_load_entry, cmd_save_entry, cmd_verify_entry, cmd_sets_entry, cmd_use_entry,
	cmd_unload_entry, cmd_info_entry, cmd_nn_entry, cmd_analogy_entry, cmd_sim_entry, cmd_rank_entry,
	cmd_odd_entry, cmd_vec_entry, cmd_subwords_entry, cmd_eval_entry, cmd_train_entry, cmd_index_entry, cmd_bow_entry, cmd_hash_entry, cmd_windows_entry, cmd_keywords_entry, cmd_search_entry,
	cmd_similar_entry, cmd_terms_entry, cmd_idf_entry, cmd_df_entry, cmd_docs_entry, cmd_project_entry, cmd_cluster_entry, cmd_align_entry, cmd_compare_entry, cmd_axis_entry, cmd_rank_on_entry, cmd_export_entry,
	cmd_plot_entry, cmd_browse_entry, cmd_clip_entry, cmd_model_entry, cmd_images_entry, cmd_format_entry, cmd_set_entry, cmd_quit_entry;

const vs_cmd_entry *const vs_commands[] = {
	&cmd_help_entry, &cmd_load_entry,    &cmd_save_entry, &cmd_verify_entry, &cmd_sets_entry, &cmd_use_entry,  &cmd_unload_entry,
	&cmd_info_entry, &cmd_nn_entry,      &cmd_analogy_entry, &cmd_sim_entry, &cmd_rank_entry, &cmd_odd_entry,
	&cmd_vec_entry, &cmd_subwords_entry, &cmd_eval_entry, &cmd_train_entry, &cmd_index_entry, &cmd_bow_entry, &cmd_hash_entry, &cmd_windows_entry, &cmd_keywords_entry, &cmd_search_entry,
	&cmd_similar_entry, &cmd_terms_entry, &cmd_idf_entry, &cmd_df_entry, &cmd_docs_entry,
	&cmd_project_entry, &cmd_cluster_entry, &cmd_align_entry, &cmd_compare_entry, &cmd_axis_entry, &cmd_rank_on_entry, &cmd_export_entry, &cmd_plot_entry, &cmd_browse_entry, &cmd_clip_entry, &cmd_model_entry, &cmd_images_entry, &cmd_format_entry,
	&cmd_set_entry, &cmd_quit_entry,
};

const size_t vs_ncommands = sizeof vs_commands / sizeof vs_commands[0];
