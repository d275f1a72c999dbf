/* verify: check a .vecs file against its checksums, as sqlite3's integrity_check. */
#include "ui/ui.h"

static int cmd_verify_exec(vs_session *s, vs_args *a)
{
	vs_vecs_check c;
	vs_error err;
	if (vs_vecs_verify(a->argv[0], &c, &err) < 0)
		return vs_session_error(s, "verify: %s", err.msg);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "file", VS_COL_STR, 0);
	vs_result_col(r, "version", VS_COL_INT, 0);
	vs_result_col(r, "blocks", VS_COL_INT, 0);
	vs_result_col(r, "bytes", VS_COL_INT, 0);
	vs_result_col(r, "status", VS_COL_STR, 0);
	if (vs_result_row(r) == 0) {
		vs_result_str(r, 0, a->argv[0]);
		vs_result_int(r, 1, c.version);
		vs_result_int(r, 2, (long long)c.blocks);
		vs_result_int(r, 3, (long long)c.bytes);
		vs_result_str(r, 4, "ok");
	}
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_verify_entry = {
	.name = "verify",
	.usage = "FILE",
	.summary = "check a .vecs file, block by block, against its checksums",
	.help = "Opening a .vecs file checks its header, its tables' places and a sample of\n"
	        "its words (hash table, norms, sorted order) and codes at once, nothing a word;\n"
	        "verify reads all of it and compares each 1 MiB block with the CRC-32 that\n"
	        "save wrote, naming the byte offset of the first that differs. 'load --verify'\n"
	        "does the same before loading. Files of version 1 have no checksums.",
	.example = "verify demo.vecs",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_FILE,
	.exec = cmd_verify_exec,
};
