/* axis: a named direction of the active set (he->she, or the mean of several
 * pairs), for project --x/--y, rank-on and nn --minus; without arguments,
 * the axes made so far. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int list_axes(vs_session *s)
{
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "axis", VS_COL_STR, 0);
	vs_result_col(r, "set", VS_COL_STR, 0);
	vs_result_col(r, "pairs", VS_COL_STR, 0);
	for (size_t i = 0; i < s->naxes && vs_result_row(r) == 0; i++) {
		vs_result_str(r, 0, s->axes[i].name);
		vs_result_str(r, 1, s->axes[i].set->name);
		vs_result_str(r, 2, s->axes[i].pairs);
	}
	vs_session_show(s, r);
	return 0;
}

/* The pairs: "W1 W2", or "a:b c:d ...". */
static int parse_pairs(vs_session *s, vs_vecset *set, int argc, char **argv, long *from, long *to, size_t *n)
{
	*n = 0;
	if (argc == 2 && !strchr(argv[0], ':') && !strchr(argv[1], ':')) {
		if ((from[0] = vs_session_word(s, set, argv[0])) < 0 || (to[0] = vs_session_word(s, set, argv[1])) < 0)
			return -1;
		*n = 1;
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		char *colon = strchr(argv[i], ':');
		if (!colon || colon == argv[i] || !colon[1] || strchr(colon + 1, ':'))
			return vs_session_error(s, "axis: '%s' is not a pair FROM:TO (or give two words)", argv[i]);
		*colon = '\0';
		long a = vs_session_word(s, set, argv[i]), b = a < 0 ? -1 : vs_session_word(s, set, colon + 1);
		*colon = ':';
		if (a < 0 || b < 0)
			return -1;
		from[*n] = a;
		to[(*n)++] = b;
	}
	return 0;
}

static int cmd_axis_exec(vs_session *s, vs_args *a)
{
	if (a->argc == 0)
		return list_axes(s);
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	if (a->argc < 3 && !(a->argc == 2 && strchr(a->argv[1], ':')))
		return vs_session_error(s, "axis: give a name and two words, or a name and FROM:TO pairs");
	size_t n, d = set->dims;
	long *from = malloc((size_t)a->argc * sizeof *from), *to = malloc((size_t)a->argc * sizeof *to);
	float *g = malloc(d * sizeof *g);
	char *pairs = vs_join_args(a->argc - 1, a->argv + 1), *name = strdup(a->argv[0]);
	vs_axis *grown = NULL;
	vs_error err;
	int rc = -1;
	if (!from || !to || !g || !pairs || !name)
		vs_session_oom(s);
	else if (parse_pairs(s, set, a->argc - 1, a->argv + 1, from, to, &n) < 0)
		;
	else if (vs_direction(set, from, to, n, g, &err) < 0)
		vs_session_error(s, "axis: %s", err.msg);
	else {
		size_t at = 0;
		while (at < s->naxes && strcmp(s->axes[at].name, name) != 0)
			at++;
		if (at == s->naxes && !(grown = realloc(s->axes, (s->naxes + 1) * sizeof *grown))) {
			vs_session_oom(s);
		} else {
			if (grown) {
				s->axes = grown;
				s->naxes++;
			} else { /* made again: the old one goes */
				free(s->axes[at].name), free(s->axes[at].g), free(s->axes[at].pairs);
			}
			s->axes[at] = (vs_axis){name, set, g, pairs};
			name = pairs = NULL;
			g = NULL;
			vs_session_info(s, "axis %s of %s: %zu pair%s", s->axes[at].name, set->name, n, n == 1 ? "" : "s");
			rc = 0;
		}
	}
	free(from), free(to), free(g), free(pairs), free(name);
	return rc;
}

const vs_cmd_entry cmd_axis_entry = {
	.name = "axis",
	.usage = "[NAME W1 W2 | NAME FROM:TO...]",
	.summary = "name a direction of the active set (he to she, or the mean of several pairs)",
	.help = "The direction is the normalised mean of the differences of the pairs'\n"
	        "unit vectors (TO minus FROM). project --x AXIS --y AXIS places words on two\n"
	        "directions, rank-on sorts words along one, nn --minus removes one from\n"
	        "every vector before ranking. Without arguments: the axes made so far.",
	.example = "axis gender he:she man:woman king:queen\naxis size small big\nrank-on gender doctor nurse engineer teacher\naxis",
	.min_args = 0,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.exec = cmd_axis_exec,
};
