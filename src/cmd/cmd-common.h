/* Helpers shared by the command handlers (glue only, no engine logic). */
#ifndef VECSH_CMD_COMMON_H
#define VECSH_CMD_COMMON_H

#include "vecsh/command.h"
#include "vecsh/topk.h"

/* A ranked word list: columns rank, word, score. */
vs_result *vs_words_result(const vs_vecset *set, const vs_hit *hits, size_t n);
/* The same with another name for the item column (a static string: "image"). */
vs_result *vs_ranked_result(const vs_vecset *set, const vs_hit *hits, size_t n, const char *item);

/* Parse "w1 [+|-] w2 ..." into positive and negative word indices (arrays
 * of argc entries). Reports unknown words. */
int vs_parse_expression(vs_session *s, const vs_vecset *set, int argc, char **argv, long *pos, size_t *npos,
                        long *neg, size_t *nneg);

/* Format a byte count for people: "12.3 MiB". */
void vs_human_bytes(size_t n, char *buf, size_t size);

extern const char *const vs_vector_format_choices[];
extern const char *const vs_output_format_choices[];

#endif
