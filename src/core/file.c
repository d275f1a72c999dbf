/* Files: reading whole (gzip or not), mapping, writing through a temporary
 * file renamed into place, and walking folders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"


/* ---- reading whole files ---- */

/* ---- fresh memory made ready on every core ---- */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

enum { PAGE = 4096 };

/* Pages [from, to) after base. */
static void prefault_pages(void *base, size_t from, size_t to)
{
	char *p = (char *)base + from * PAGE;
	size_t len = (to - from) * PAGE;
	if (madvise(p, len, MADV_POPULATE_WRITE) != 0) /* before Linux 5.14: a write a page */
		for (size_t i = 0; i < len; i += PAGE)
			((volatile char *)p)[i] = 0;
}

void vs_prefault(void *p, size_t bytes)
{
	uintptr_t a = ((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1), e = ((uintptr_t)p + bytes) & ~(uintptr_t)(PAGE - 1);
	if (bytes < (64u << 20) || e <= a)
		return;
	vs_parallel_ranges((size_t)(e - a) / PAGE, 0, 0, prefault_pages, (void *)a);
}

void vs_advise_huge(void *p, size_t bytes)
{
	enum { HUGE = 2u << 20 };
	uintptr_t a = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1), e = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE - 1);
	if (e > a)
		madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
}

/* A buffer for a whole file: a large one in huge pages where the kernel
 * allows them, its pages made ready on every core (a fresh page costs here
 * more than reading it). */
static char *alloc_for_reading(size_t size)
{
	enum { HUGE = 2u << 20 };
	if (size < 16 * (size_t)HUGE)
		return malloc(size);
	void *p = NULL;
	if (posix_memalign(&p, HUGE, size) != 0)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);
	vs_prefault(p, size);
	return p;
}

/* The size bytes of an open file, read (not mapped: a file that another
 * program truncates meanwhile is an error, not a SIGBUS); NUL-terminated. */
char *vs_read_fd(const char *path, int fd, size_t size, size_t *len, vs_error *err)
{
	size_t n = 0;
	char *buf = alloc_for_reading(size + 1);
	if (!buf) {
		vs_oom(err);
		return NULL;
	}
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			vs_fail(err, "%s: %s", path, r < 0 ? strerror(errno) : "the file shrank while it was read");
			free(buf);
			return NULL;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *vs_read_file(const char *path, size_t *len, vs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		vs_fail(err, "%s: %s", path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		return NULL;
	}
	char *buf = vs_read_fd(path, fd, st.st_size > 0 ? (size_t)st.st_size : 0, len, err);
	close(fd);
	return buf;
}

static int buffer_reserve(vs_buffer *b, size_t need)
{
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 1 << 16;
	while (cap < need)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d)
		return -1;
	b->data = d;
	b->cap = cap;
	return 0;
}

void vs_buffer_free(vs_buffer *b)
{
	free(b->data);
	b->data = NULL;
	b->cap = 0;
}

/* Gzip data in b (n bytes) inflated in place of it: every member, as gzread
 * reads them; 0, or -1 when the stream is damaged or cut short. */
static int inflate_buffer(vs_buffer *b, size_t n, size_t *len)
{
	vs_buffer out = {0};
	z_stream z;
	memset(&z, 0, sizeof z);
	if (buffer_reserve(&out, n * 4 + 64) < 0 || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		vs_buffer_free(&out);
		return -1;
	}
	z.next_in = (unsigned char *)b->data;
	size_t in_left = n, o = 0;
	int rc = Z_OK;
	for (;;) {
		if (out.cap - o < 2 && buffer_reserve(&out, out.cap * 2) < 0) {
			rc = Z_MEM_ERROR;
			break;
		}
		unsigned in_now = in_left > (1u << 30) ? 1u << 30 : (unsigned)in_left;
		unsigned out_now = out.cap - o - 1 > (1u << 30) ? 1u << 30 : (unsigned)(out.cap - o - 1);
		z.avail_in = in_now;
		z.next_out = (unsigned char *)out.data + o;
		z.avail_out = out_now;
		rc = inflate(&z, Z_NO_FLUSH);
		in_left -= in_now - z.avail_in;
		o += out_now - z.avail_out;
		if (rc == Z_STREAM_END) { /* another member follows only if its magic does */
			if (in_left < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
				break;
			rc = inflateReset(&z);
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			break;
		if (rc == Z_BUF_ERROR && in_left == 0) /* cut short */
			break;
	}
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		vs_buffer_free(&out);
		errno = rc == Z_MEM_ERROR ? ENOMEM : EINVAL;
		return -1;
	}
	out.data[o] = '\0';
	vs_buffer_free(b);
	*b = out;
	*len = o;
	return 0;
}

int vs_read_file_into(const char *path, vs_buffer *b, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	/* a pipe or device is read to its end (index <(zcat ...)); a file's size is a hint */
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode) ||
	    buffer_reserve(b, (S_ISREG(st.st_mode) ? (size_t)st.st_size : 0) + 2) < 0) {
		close(fd);
		return -1;
	}
	size_t n = 0;
	for (;;) {
		if (n + 1 >= b->cap && buffer_reserve(b, b->cap * 2) < 0)
			break;
		ssize_t got = read(fd, b->data + n, b->cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0) {
				close(fd);
				if (n >= 2 && (unsigned char)b->data[0] == 0x1f && (unsigned char)b->data[1] == 0x8b)
					return inflate_buffer(b, n, len);
				b->data[n] = '\0';
				*len = n;
				return 0;
			}
			break;
		}
		n += (size_t)got;
	}
	close(fd);
	return -1;
}

/* Whole content of a file (gzip-compressed or not); NULL if unreadable. */
char *vs_read_file_gz(const char *path, size_t *len)
{
	vs_buffer b = {0};
	if (vs_read_file_into(path, &b, len) == 0)
		return b.data;
	vs_buffer_free(&b);
	return NULL;
}


/* ---- writing through a temporary file ---- */

/* Open a temporary file beside path. */
/* The folder of path, and its last part. */
static void split_path(const char *path, char *dir, size_t dsize, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, dsize, ".");
		*base = path;
	} else {
		snprintf(dir, dsize, "%.*s", slash == path ? 1 : (int)(slash - path), path);
		*base = slash + 1;
	}
}

/* Temporary files of an earlier save to path that was killed (PATH.tmp.XXXXXX
 * that no writer holds locked) are removed. */
static void remove_stale_temps(const char *path)
{
	char dir[4096];
	const char *base;
	split_path(path, dir, sizeof dir, &base);
	size_t bl = strlen(base);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, base, bl) != 0 || strncmp(e->d_name + bl, ".tmp.", 5) != 0 ||
		    strlen(e->d_name + bl + 5) != 6)
			continue;
		char p[8192];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) /* nobody is writing it */
			unlink(p);
		close(fd);
	}
	closedir(d);
}

/* The rename is durable once the folder is synced too. */
static void sync_folder(const char *path)
{
	char dir[4096];
	const char *base;
	split_path(path, dir, sizeof dir, &base);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* A new file "PATH<suffix>XXXXXX" beside path: its descriptor, its name in
 * *name (malloc'd); -1 with err. */
static int temp_beside(const char *path, const char *suffix, char **name, vs_error *err)
{
	size_t n = strlen(path) + strlen(suffix) + 8;
	char *tmp = malloc(n);
	if (!tmp)
		return vs_oom(err);
	snprintf(tmp, n, "%s%sXXXXXX", path, suffix);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		vs_fail(err, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	*name = tmp;
	return fd;
}

FILE *vs_tmpfile_open(const char *path, char **tmp_path, vs_error *err)
{
	remove_stale_temps(path);
	char *tmp;
	int fd = temp_beside(path, ".tmp.", &tmp, err);
	if (fd < 0)
		return NULL;
	fchmod(fd, 0644);
	flock(fd, LOCK_EX); /* ours while it is written: a later save leaves it alone */
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(tmp);
		free(tmp);
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	*tmp_path = tmp;
	return f;
}

FILE *vs_scratch_open(const char *path, vs_error *err)
{
	char *tmp;
	int fd = temp_beside(path, ".scratch.", &tmp, err);
	if (fd < 0)
		return NULL;
	unlink(tmp);
	free(tmp);
	FILE *f = fdopen(fd, "w+b");
	if (!f) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

/* Flush, sync, close and rename into place; on any failure remove the temporary. */
int vs_tmpfile_commit(FILE *f, char *tmp_path, const char *path, int failed, vs_error *err)
{
	int e = 0;
	if (!failed && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
		e = errno ? errno : EIO;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (failed || e || rename(tmp_path, path) != 0) {
		if (!failed)
			vs_fail(err, "%s: cannot write: %s", path, strerror(e ? e : errno));
		unlink(tmp_path);
		free(tmp_path);
		return -1;
	}
	sync_folder(path);
	free(tmp_path);
	return 0;
}

int vs_tmpfile_finish(FILE *f, char *tmp_path, const char *path, int write_failed, vs_error *err)
{
	if (write_failed)
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno));
	return vs_tmpfile_commit(f, tmp_path, path, write_failed, err);
}

/* ---- mapping ---- */

size_t vs_map_resident(const void *map, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int here = 0;
	while (f && fgets(line, sizeof line, f)) {
		unsigned long from, to;
		size_t kb;
		if (sscanf(line, "%lx-%lx ", &from, &to) == 2 && strchr(line, '-') < strchr(line, ' '))
			here = from == (unsigned long)(uintptr_t)map;
		else if (here && sscanf(line, "Rss: %zu kB", &kb) == 1) {
			fclose(f);
			return kb * 1024 < len ? kb * 1024 : len; /* whole pages, the last one partly the file's */
		}
	}
	if (f)
		fclose(f);
	/* no smaps: the pages in memory (the page cache's, not only ours) */
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (len + (size_t)page - 1) / (size_t)page, in = 0;
	unsigned char *vec = malloc(pages ? pages : 1);
	if (vec && mincore((void *)map, len, vec) == 0)
		for (size_t i = 0; i < pages; i++)
			in += vec[i] & 1;
	free(vec);
	return in * (size_t)page < len ? in * (size_t)page : len;
}

void *vs_map_file(const char *path, size_t min, const char *what, size_t *len, vs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	size_t size = (size_t)st.st_size;
	if (size < min) {
		close(fd);
		vs_fail(err, "%s: truncated %s: %zu bytes, smaller than its header", path, what, size);
		return NULL;
	}
	void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		vs_fail(err, "%s: cannot map the file: %s", path, strerror(errno));
		return NULL;
	}
	vs_map_register(map, size, path);
	*len = size;
	return map;
}

void vs_unmap_file(void *map, size_t len)
{
	if (!map)
		return;
	vs_map_unregister(map);
	munmap(map, len);
}

void vs_map_let_go(const void *p, size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = ((uintptr_t)p + page - 1) / page * page,
	          e = ((uintptr_t)p + n) / page * page;
	if (e > a)
		madvise((void *)a, (size_t)(e - a), MADV_DONTNEED);
}

/* ---- folders ---- */

int vs_file_list_add(vs_file_list *l, const char *path, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		vs_file_entry *nf = realloc(l->f, cap * sizeof *nf);
		if (!nf)
			return -1;
		l->f = nf;
		l->cap = cap;
	}
	l->f[l->n].path = strdup(path);
	l->f[l->n].name = strdup(name);
	if (!l->f[l->n].path || !l->f[l->n].name) {
		free(l->f[l->n].path);
		free(l->f[l->n].name);
		return -1;
	}
	l->n++;
	return 0;
}

void vs_file_list_free(vs_file_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->f[i].path);
		free(l->f[i].name);
	}
	free(l->f);
	memset(l, 0, sizeof *l);
}

static int cmp_entry_name(const void *a, const void *b)
{
	return strcmp(((const vs_file_entry *)a)->name, ((const vs_file_entry *)b)->name);
}

void vs_file_list_sort(vs_file_list *l, size_t first)
{
	if (l->n > first)
		qsort(l->f + first, l->n - first, sizeof *l->f, cmp_entry_name);
}

/* A folder's path being walked, grown as it goes deeper: the walked folder,
 * then the relative part (a file's name, as shown, is what follows root). */
typedef struct walk_path {
	char *s;
	size_t len, cap, root;
} walk_path;

/* The path with "/name" after its first len bytes; -1 without memory. */
static int walk_path_set(walk_path *w, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (len + n + 2 > w->cap) {
		size_t cap = (len + n + 2) * 2;
		char *s = realloc(w->s, cap);
		if (!s)
			return -1;
		w->s = s;
		w->cap = cap;
	}
	w->s[len] = '/';
	memcpy(w->s + len + 1, name, n + 1);
	w->len = len + 1 + n;
	return 0;
}

/* The folder at w->s (its first len bytes). */
static int walk(vs_file_list *l, walk_path *w, size_t len, const vs_walk_options *o, size_t *unreadable, int depth)
{
	w->s[len] = '\0';
	DIR *d = opendir(w->s);
	if (!d) {
		(*unreadable)++;
		if (o->unreadable)
			o->unreadable(o->ctx, w->s);
		return 0;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || (o->skip_hidden && e->d_name[0] == '.'))
			continue;
		if (walk_path_set(w, len, e->d_name) < 0) {
			rc = -1;
			break;
		}
		const char *p = w->s, *r = w->s + w->root;
		struct stat st, lst;
		if (e->d_type == DT_REG) { /* no stat needed: the folder says what it is */
			if (!o->accept || o->accept(e->d_name))
				rc = vs_file_list_add(l, p, r);
		} else if (e->d_type == DT_DIR) {
			rc = depth < 64 ? walk(l, w, w->len, o, unreadable, depth + 1) : 0;
		} else if (lstat(p, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* symbolic links to folders are not followed (no loops) */
		} else if (stat(p, &st) != 0) {
			(*unreadable)++;
			if (o->unreadable)
				o->unreadable(o->ctx, p);
		} else if (S_ISDIR(st.st_mode)) {
			rc = depth < 64 ? walk(l, w, w->len, o, unreadable, depth + 1) : 0;
		} else if (S_ISREG(st.st_mode) && (!o->accept || o->accept(e->d_name))) {
			rc = vs_file_list_add(l, p, r);
		}
	}
	closedir(d);
	return rc;
}

int vs_walk_folder(vs_file_list *l, const char *dir, const vs_walk_options *opt, size_t *unreadable, vs_error *err)
{
	static const vs_walk_options defaults = {0};
	size_t dummy = 0, first = l->n, n = strlen(dir);
	walk_path w = {.s = malloc(n + 256), .len = n, .cap = n + 256, .root = n + 1};
	if (!w.s)
		return vs_oom(err);
	memcpy(w.s, dir, n + 1);
	int rc = walk(l, &w, n, opt ? opt : &defaults, unreadable ? unreadable : &dummy, 0);
	free(w.s);
	if (rc < 0)
		return vs_oom(err);
	vs_file_list_sort(l, first);
	return 0;
}
