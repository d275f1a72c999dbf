/* sets, use, unload, info: the loaded sets. */
#include <string.h>

#include "cmd-common.h"
#include "vecsh/vecio.h"

static int cmd_sets_exec(vs_session *s, vs_args *a)
{
	(void)a;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_error(s, "out of memory");
	vs_result_col(r, "active", VS_COL_STR, 0);
	vs_result_col(r, "name", VS_COL_STR, 0);
	vs_result_col(r, "words", VS_COL_INT, 0);
	vs_result_col(r, "dims", VS_COL_INT, 0);
	vs_result_col(r, "memory", VS_COL_STR, 0);
	vs_result_col(r, "source", VS_COL_STR, 0);
	for (size_t i = 0; i < s->nsets; i++) {
		const vs_vecset *set = s->sets[i];
		char mem[32];
		vs_human_bytes(vs_vecset_memory(set), mem, sizeof mem);
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, (long)i == s->active ? "*" : "");
		vs_result_str(r, 1, set->name);
		vs_result_int(r, 2, (long long)set->count);
		vs_result_int(r, 3, (long long)set->dims);
		vs_result_str(r, 4, mem);
		vs_result_str(r, 5, set->source);
	}
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_sets_entry = {
	.name = "sets",
	.usage = "",
	.summary = "list the loaded sets",
	.example = "sets",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_sets_exec,
};

static int cmd_use_exec(vs_session *s, vs_args *a)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (strcmp(s->sets[i]->name, a->argv[0]) == 0) {
			s->active = (long)i;
			return 0;
		}
	return vs_session_error(s, "use: no set named '%s' (see 'sets')", a->argv[0]);
}

const vs_cmd_entry cmd_use_entry = {
	.name = "use",
	.usage = "NAME",
	.summary = "make a loaded set the active one",
	.example = "use demo",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_SET,
	.exec = cmd_use_exec,
};

static int cmd_unload_exec(vs_session *s, vs_args *a)
{
	if (vs_session_remove(s, a->argv[0]) < 0)
		return vs_session_error(s, "unload: no set named '%s' (see 'sets')", a->argv[0]);
	return 0;
}

const vs_cmd_entry cmd_unload_entry = {
	.name = "unload",
	.usage = "NAME",
	.summary = "free a loaded set",
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

static int cmd_info_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = a->argc ? vs_session_find(s, a->argv[0]) : vs_session_active(s);
	if (!set)
		return a->argc ? vs_session_error(s, "info: no set named '%s' (see 'sets')", a->argv[0]) : -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_error(s, "out of memory");
	vs_result_col(r, "field", VS_COL_STR, 0);
	vs_result_col(r, "value", VS_COL_STR, 0);
	char buf[64];
	field(r, "name", set->name);
	field(r, "source", set->source);
	field(r, "format", set->format ? set->format : "?");
	snprintf(buf, sizeof buf, "%zu", set->count);
	field(r, "words", buf);
	snprintf(buf, sizeof buf, "%zu", set->dims);
	field(r, "dims", buf);
	vs_human_bytes(vs_vecset_memory(set), buf, sizeof buf);
	field(r, "memory", buf);
	field(r, "mapped", set->map ? "yes" : "no");
	field(r, "first words", "");
	size_t show = set->count < 8 ? set->count : 8, o = 0;
	char words[256] = "";
	for (size_t i = 0; i < show && o < sizeof words; i++)
		o += (size_t)snprintf(words + o, sizeof words - o, "%s%s", i ? " " : "", set->words[i]);
	vs_result_str(r, 1, words);
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_info_entry = {
	.name = "info",
	.usage = "[NAME]",
	.summary = "describe a set (the active one by default)",
	.example = "info demo",
	.min_args = 0,
	.max_args = 1,
	.args_complete = VS_COMPLETE_SET,
	.exec = cmd_info_exec,
};
