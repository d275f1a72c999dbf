/* A folder of images as a vector set of CLIP embeddings, with a cache keyed
 * by model and folder (NAME.vecs beside NAME.meta: each image's size and
 * modification time), so adding the folder again embeds only what changed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clip/clip.h"

enum { BATCH = 8 }; /* images per encoder pass: the weights are read once a batch */

int vs_is_image_name(const char *n)
{
	static const char *const ext[] = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", NULL};
	size_t l = strlen(n);
	for (int i = 0; ext[i]; i++) {
		size_t e = strlen(ext[i]);
		if (l > e && strcasecmp(n + l - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

int vs_clip_encode_image_file(const vs_clip_model *m, const char *path, float *out, vs_error *err)
{
	float *px = vs_model_file_pixels(m, path, err);
	if (!px)
		return -1;
	int rc = vs_clip_encode_pixels(m, px, out, err);
	if (rc < 0) {
		char msg[VS_ERR_MAX];
		snprintf(msg, sizeof msg, "%s", err->msg);
		vs_fail(err, "%s: %s", path, msg);
	}
	free(px);
	return rc;
}

/* The cache files of a model and folder under dir: images-KEY.vecs and .meta. */
static void cache_paths(const vs_clip_model *m, const char *folder, const char *dir, char *vecs, char *meta,
                        size_t size)
{
	char a[PATH_MAX], b[PATH_MAX];
	if (!realpath(m->dir, a))
		snprintf(a, sizeof a, "%s", m->dir);
	if (!realpath(folder, b))
		snprintf(b, sizeof b, "%s", folder);
	char key[2 * PATH_MAX + 2];
	snprintf(key, sizeof key, "%s\n%s", a, b);
	unsigned long long h = vs_hash_fnv1a(key, strlen(key));
	snprintf(vecs, size, "%s/images-%016llx.vecs", dir, h);
	snprintf(meta, size, "%s/images-%016llx.meta", dir, h);
}

/* What the cache holds: embeddings by name, valid while size and mtime match. */
typedef struct cache {
	vs_vecset *set;
	long long *size, *mtime;
} cache;

static void cache_free(cache *c)
{
	vs_vecset_free(c->set);
	free(c->size);
	free(c->mtime);
}

static void cache_read(cache *c, const char *vecs_path, const char *meta_path, size_t dims)
{
	memset(c, 0, sizeof *c);
	vs_error err;
	vs_load_options lo = {.format = VS_FMT_VECS};
	c->set = access(vecs_path, R_OK) == 0 ? vs_load(vecs_path, &lo, NULL, &err) : NULL;
	if (c->set && c->set->dims != dims) {
		vs_vecset_free(c->set);
		c->set = NULL;
	}
	if (!c->set)
		return;
	c->size = calloc(c->set->count, sizeof *c->size);
	c->mtime = calloc(c->set->count, sizeof *c->mtime);
	FILE *mf = fopen(meta_path, "r");
	char line[PATH_MAX + 64];
	while (mf && c->size && c->mtime && fgets(line, sizeof line, mf)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			continue;
		*t1 = '\0';
		long i = vs_vecset_find(c->set, line);
		if (i >= 0) {
			c->size[i] = atoll(t1 + 1);
			c->mtime[i] = atoll(t2 + 1);
		}
	}
	if (mf)
		fclose(mf);
	if (!c->size || !c->mtime)
		cache_free(c), memset(c, 0, sizeof *c);
}

static long cache_lookup(const cache *c, const char *name, const struct stat *st)
{
	long i = c->set ? vs_vecset_find(c->set, name) : -1;
	return i >= 0 && c->size[i] == (long long)st->st_size && c->mtime[i] == (long long)st->st_mtime ? i : -1;
}

/* The embedding of a folder being made: rows in the order of the files kept. */
typedef struct job {
	const vs_clip_model *m;
	float *vals;              /* kept x P */
	char **names;             /* borrowed from the file list */
	long long *sizes, *mtimes;
	size_t kept;
	float *px, *bout;         /* a batch of preprocessed images and their embeddings */
	size_t pending[BATCH];
	int npending;
	FILE *skipped;            /* the names of unreadable images, ", "-separated */
	vs_image_folder_report *rep;
} job;

static int flush_batch(job *j, vs_error *err)
{
	if (!j->npending)
		return 0;
	size_t P = (size_t)j->m->proj;
	if (vs_clip_encode_pixels_batch(j->m, j->px, j->npending, j->bout, err) < 0)
		return -1;
	for (int b = 0; b < j->npending; b++)
		memcpy(j->vals + j->pending[b] * P, j->bout + (size_t)b * P, P * sizeof *j->vals);
	j->rep->embedded += (size_t)j->npending;
	j->npending = 0;
	return 0;
}

/* Queue one image for the encoder; 1 if it is unreadable (skipped). */
static int queue_image(job *j, const char *path, vs_error *err)
{
	size_t npx = 3 * (size_t)j->m->image_size * j->m->image_size;
	vs_image img;
	if (vs_image_load(path, &img, err) < 0)
		return 1;
	int bad = vs_model_preprocess(j->m, &img, j->px + (size_t)j->npending * npx, err) < 0;
	vs_image_free(&img);
	if (bad)
		return 1;
	j->pending[j->npending++] = j->kept;
	return j->npending == BATCH ? flush_batch(j, err) : 0;
}

static void write_cache(const vs_vecset *set, const job *j, const char *vecs_path, const char *meta_path)
{
	vs_error err;
	if (vs_vecs_write(set, vecs_path, &err) < 0)
		return;
	char *tmp;
	FILE *mf = vs_tmpfile_open(meta_path, &tmp, &err);
	if (!mf)
		return;
	for (size_t i = 0; i < j->kept; i++)
		fprintf(mf, "%s\t%lld\t%lld\n", j->names[i], j->sizes[i], j->mtimes[i]);
	vs_tmpfile_commit(mf, tmp, meta_path, 0, &err);
}

static int job_init(job *j, const vs_clip_model *m, size_t n, vs_image_folder_report *rep, char **skipped_buf,
                    size_t *skipped_len)
{
	memset(j, 0, sizeof *j);
	j->m = m;
	j->rep = rep;
	size_t P = (size_t)m->proj, npx = 3 * (size_t)m->image_size * m->image_size;
	j->vals = malloc(n * P * sizeof *j->vals);
	j->px = malloc(BATCH * npx * sizeof *j->px);
	j->bout = malloc(BATCH * P * sizeof *j->bout);
	j->names = malloc(n * sizeof *j->names);
	j->sizes = malloc(n * sizeof *j->sizes);
	j->mtimes = malloc(n * sizeof *j->mtimes);
	j->skipped = open_memstream(skipped_buf, skipped_len);
	return j->vals && j->px && j->bout && j->names && j->sizes && j->mtimes && j->skipped ? 0 : -1;
}

static void job_free(job *j)
{
	if (j->skipped)
		fclose(j->skipped);
	free(j->vals), free(j->px), free(j->bout), free(j->names), free(j->sizes), free(j->mtimes);
}

/* Embed (or take from the cache) every file of the list, in order. */
static int embed_files(job *j, const vs_file_list *l, const cache *c, const vs_image_folder_options *opt,
                       vs_error *err)
{
	size_t P = (size_t)j->m->proj;
	for (size_t i = 0; i < l->n; i++) {
		if (vs_interrupted)
			return vs_fail(err, "interrupted");
		struct stat fs;
		if (stat(l->f[i].path, &fs) != 0)
			continue;
		long ci = cache_lookup(c, l->f[i].name, &fs);
		if (ci >= 0) {
			memcpy(j->vals + j->kept * P, c->set->vectors + (size_t)ci * P, P * sizeof *j->vals);
			j->rep->cached++;
		} else {
			vs_error ierr;
			int r = queue_image(j, l->f[i].path, &ierr);
			if (r < 0)
				return vs_fail(err, "%s", ierr.msg);
			if (r > 0) {
				fprintf(j->skipped, "%s%s", j->rep->skipped++ ? ", " : "", l->f[i].name);
				continue;
			}
		}
		j->names[j->kept] = l->f[i].name;
		j->sizes[j->kept] = (long long)fs.st_size;
		j->mtimes[j->kept] = (long long)fs.st_mtime;
		j->kept++;
		if (opt->progress)
			opt->progress(opt->progress_ctx, i + 1, l->n);
	}
	return flush_batch(j, err);
}

vs_vecset *vs_clip_embed_folder(const vs_clip_model *m, const char *folder, const vs_image_folder_options *opt,
                                vs_image_folder_report *rep, vs_error *err)
{
	memset(rep, 0, sizeof *rep);
	struct stat st;
	if (stat(folder, &st) != 0) {
		vs_fail(err, "%s: %s", folder, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		vs_fail(err, "%s: a file, not a folder (give the folder that holds the images)", folder);
		return NULL;
	}
	vs_file_list l = {0};
	vs_walk_options wo = {.skip_hidden = 1, .accept = vs_is_image_name};
	if (vs_walk_folder(&l, folder, &wo, NULL, err) < 0)
		return NULL;
	if (l.n == 0) {
		vs_file_list_free(&l);
		vs_fail(err, "%s: no images (PNG, JPEG, BMP, GIF, TGA)", folder);
		return NULL;
	}
	char vecs_path[PATH_MAX + 64], meta_path[PATH_MAX + 64];
	if (opt->cache_dir)
		cache_paths(m, folder, opt->cache_dir, vecs_path, meta_path, sizeof vecs_path);
	cache c = {0};
	if (opt->cache_dir)
		cache_read(&c, vecs_path, meta_path, (size_t)m->proj);
	job j;
	vs_vecset *set = NULL;
	size_t skipped_len = 0;
	if (job_init(&j, m, l.n, rep, &rep->skipped_list, &skipped_len) < 0)
		vs_oom(err);
	else if (embed_files(&j, &l, &c, opt, err) == 0) {
		fflush(j.skipped);
		if (j.kept == 0)
			vs_fail(err, "%s: no readable image (skipped: %s)", folder, rep->skipped_list);
		else if ((set = vs_vecset_from_arrays((const char *const *)j.names, j.kept, j.vals, (size_t)m->proj, err))) {
			rep->images = j.kept;
			if (opt->cache_dir)
				write_cache(set, &j, vecs_path, meta_path);
		}
	}
	job_free(&j);
	cache_free(&c);
	vs_file_list_free(&l);
	return set;
}
