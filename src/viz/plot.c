/* Plots of projected points: SVG written directly, PNG through cairo. */
#include "viz/viz.h"

#include <cairo.h>
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

typedef struct layout {
	double sx, sy, ox, oy; /* pixel = (x * sx + ox, y * sy + oy) */
} layout;

/* A point's colour: the accent for the query's words, a cluster's colour
 * (matplotlib's tab10, ten colours that people tell apart), or dark blue. */
/* cairo (and fontconfig, which it brings) are opened when a PNG is first
 * written, not linked: the fifteen libraries they pull in (X11, xcb,
 * freetype, pixman) would otherwise slow every start of vecsh. */
#define CAIRO_FUNCTIONS(X) \
	X(cairo_arc) \
	X(cairo_close_path) \
	X(cairo_create) \
	X(cairo_debug_reset_static_data) \
	X(cairo_destroy) \
	X(cairo_fill) \
	X(cairo_image_surface_create) \
	X(cairo_line_to) \
	X(cairo_move_to) \
	X(cairo_paint) \
	X(cairo_select_font_face) \
	X(cairo_set_font_size) \
	X(cairo_set_line_width) \
	X(cairo_set_source_rgb) \
	X(cairo_show_text) \
	X(cairo_stroke) \
	X(cairo_surface_destroy) \
	X(cairo_surface_write_to_png_stream)
static struct {
#define X(name) __typeof__(name) *name;
	CAIRO_FUNCTIONS(X)
#undef X
	__typeof__(FcFini) *FcFini;
} cairo_lib;
static pthread_once_t cairo_once = PTHREAD_ONCE_INIT;
static char cairo_failure[512];

static void cairo_open(void)
{
	void *h = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL), *fc = dlopen("libfontconfig.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h || !fc) {
		snprintf(cairo_failure, sizeof cairo_failure, "%s", dlerror());
		return;
	}
	/* (through a void * lvalue: POSIX's way from dlsym to a function pointer) */
#define X(name)                                                                                                   \
	if (!(*(void **)&cairo_lib.name = dlsym(h, #name))) {                                                        \
		snprintf(cairo_failure, sizeof cairo_failure, "libcairo.so.2 has no %s", #name);                        \
		return;                                                                                              \
	}
	CAIRO_FUNCTIONS(X)
#undef X
	if (!(*(void **)&cairo_lib.FcFini = dlsym(fc, "FcFini")))
		snprintf(cairo_failure, sizeof cairo_failure, "libfontconfig.so.1 has no FcFini");
}

/* cairo's functions called by their own names through the table */
#define cairo_arc cairo_lib.cairo_arc
#define cairo_close_path cairo_lib.cairo_close_path
#define cairo_create cairo_lib.cairo_create
#define cairo_debug_reset_static_data cairo_lib.cairo_debug_reset_static_data
#define cairo_destroy cairo_lib.cairo_destroy
#define cairo_fill cairo_lib.cairo_fill
#define cairo_image_surface_create cairo_lib.cairo_image_surface_create
#define cairo_line_to cairo_lib.cairo_line_to
#define cairo_move_to cairo_lib.cairo_move_to
#define cairo_paint cairo_lib.cairo_paint
#define cairo_select_font_face cairo_lib.cairo_select_font_face
#define cairo_set_font_size cairo_lib.cairo_set_font_size
#define cairo_set_line_width cairo_lib.cairo_set_line_width
#define cairo_set_source_rgb cairo_lib.cairo_set_source_rgb
#define cairo_show_text cairo_lib.cairo_show_text
#define cairo_stroke cairo_lib.cairo_stroke
#define cairo_surface_destroy cairo_lib.cairo_surface_destroy
#define cairo_surface_write_to_png_stream cairo_lib.cairo_surface_write_to_png_stream
#define FcFini cairo_lib.FcFini

static unsigned point_colour(const vs_plot_point *pt)
{
	static const unsigned tab10[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
	                                 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
	if (pt->highlight)
		return 0xc0392b;
	if (pt->group > 0)
		return tab10[(pt->group - 1) % 10];
	return 0x2c3e50;
}

/* The title broken at spaces into lines that fit the picture's width
 * (20-pixel type: about 11 pixels a character), at most MAX_TITLE_LINES;
 * returns how many, each line's start and length in the title. */
enum { MAX_TITLE_LINES = 6 };
static size_t title_lines(const vs_plot *p, size_t start[], size_t len[])
{
	if (!p->title)
		return 0;
	size_t fits = p->width > 60 ? (size_t)(p->width - 40) / 11 : 1, n = 0;
	const char *t = p->title;
	while (*t == ' ')
		t++;
	while (*t && n < MAX_TITLE_LINES) {
		size_t chars = 0, bytes = 0, cut = 0; /* cut: the last space that keeps the line within fits */
		for (; t[bytes]; bytes++) {
			if (((unsigned char)t[bytes] & 0xC0) != 0x80) /* a character starts */
				if (chars++ == fits)
					break;
			if (t[bytes] == ' ')
				cut = bytes;
		}
		size_t take = !t[bytes] ? bytes : cut ? cut : bytes; /* a word longer than the line is cut */
		if (n == MAX_TITLE_LINES - 1 && t[take]) /* the last line takes the rest, as far as it fits */
			take = bytes;
		start[n] = (size_t)(t - p->title);
		len[n++] = take;
		t += take;
		while (*t == ' ')
			t++;
	}
	return n;
}

static layout fit(const vs_plot *p)
{
	double minx = INFINITY, maxx = -INFINITY, miny = INFINITY, maxy = -INFINITY;
	for (size_t i = 0; i < p->npoints; i++) {
		minx = fmin(minx, p->points[i].x), maxx = fmax(maxx, p->points[i].x);
		miny = fmin(miny, p->points[i].y), maxy = fmax(maxy, p->points[i].y);
	}
	size_t start[MAX_TITLE_LINES], len[MAX_TITLE_LINES], lines = title_lines(p, start, len);
	double m = 60, top = lines ? 44 + 26.0 * (double)lines : 40;
	double w = p->width - 2 * m, h = p->height - top - m;
	double dx = maxx - minx > 0 ? maxx - minx : 1, dy = maxy - miny > 0 ? maxy - miny : 1;
	double s = fmin(w / dx, h / dy); /* one scale for both axes: distances stay true */
	layout l;
	l.sx = s;
	l.sy = -s; /* y grows upwards */
	l.ox = m + (w - dx * s) / 2 - minx * s;
	l.oy = top + (h - dy * s) / 2 + maxy * s;
	return l;
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

static int write_svg(const vs_plot *p, FILE *f)
{
	layout l = fit(p);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
	        p->width, p->height, p->width, p->height);
	fputs("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" "
	      "markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#c0392b\"/>"
	      "</marker></defs>\n",
	      f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	size_t start[MAX_TITLE_LINES], len[MAX_TITLE_LINES], lines = title_lines(p, start, len);
	for (size_t i = 0; i < lines; i++) {
		char *line = strndup(p->title + start[i], len[i]);
		if (!line)
			return -1;
		fprintf(f, "<text class=\"title\" x=\"20\" y=\"%zu\" font-family=\"sans-serif\" font-size=\"20\" "
		           "fill=\"#222\">", 34 + 26 * i);
		xml_text(f, line);
		fputs("</text>\n", f);
		free(line);
	}
	for (size_t a = 0; a < p->narrows; a++) {
		const vs_plot_point *s = &p->points[p->arrows[a].from], *e = &p->points[p->arrows[a].to];
		fprintf(f,
		        "<line class=\"arrow\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c0392b\" "
		        "stroke-width=\"2\" marker-end=\"url(#arrow)\"/>\n",
		        s->x * l.sx + l.ox, s->y * l.sy + l.oy, e->x * l.sx + l.ox, e->y * l.sy + l.oy);
	}
	for (size_t i = 0; i < p->npoints; i++) {
		const vs_plot_point *pt = &p->points[i];
		double x = pt->x * l.sx + l.ox, y = pt->y * l.sy + l.oy;
		char col[8];
		unsigned rgb = point_colour(pt);
		snprintf(col, sizeof col, "#%06x", rgb);
		fprintf(f, "<g class=\"point\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"/>", x, y,
		        pt->highlight ? 6 : 4, col);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\" font-size=\"14\" fill=\"%s\"%s>",
		        x + 8, y - 6, col, pt->highlight ? " font-weight=\"bold\"" : "");
		xml_text(f, pt->label);
		fputs("</text></g>\n", f);
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int write_png(const vs_plot *p, FILE *f)
{
	layout l = fit(p);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, p->width, p->height);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	size_t start[MAX_TITLE_LINES], len[MAX_TITLE_LINES], lines = title_lines(p, start, len);
	cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
	cairo_set_font_size(cr, 20);
	for (size_t i = 0; i < lines; i++) {
		char *line = strndup(p->title + start[i], len[i]);
		if (line) {
			cairo_move_to(cr, 20, 34 + 26 * (double)i);
			cairo_show_text(cr, line);
		}
		free(line);
	}
	cairo_set_line_width(cr, 2);
	for (size_t a = 0; a < p->narrows; a++) {
		const vs_plot_point *st = &p->points[p->arrows[a].from], *e = &p->points[p->arrows[a].to];
		double x1 = st->x * l.sx + l.ox, y1 = st->y * l.sy + l.oy, x2 = e->x * l.sx + l.ox, y2 = e->y * l.sy + l.oy;
		cairo_set_source_rgb(cr, 0.75, 0.22, 0.17);
		cairo_move_to(cr, x1, y1);
		cairo_line_to(cr, x2, y2);
		cairo_stroke(cr);
		double ang = atan2(y2 - y1, x2 - x1);
		cairo_move_to(cr, x2, y2);
		cairo_line_to(cr, x2 - 12 * cos(ang - 0.4), y2 - 12 * sin(ang - 0.4));
		cairo_line_to(cr, x2 - 12 * cos(ang + 0.4), y2 - 12 * sin(ang + 0.4));
		cairo_close_path(cr);
		cairo_fill(cr);
	}
	cairo_set_font_size(cr, 14);
	for (size_t i = 0; i < p->npoints; i++) {
		const vs_plot_point *pt = &p->points[i];
		double x = pt->x * l.sx + l.ox, y = pt->y * l.sy + l.oy;
		unsigned rgb = point_colour(pt);
		cairo_set_source_rgb(cr, (rgb >> 16) / 255.0, (rgb >> 8 & 255) / 255.0, (rgb & 255) / 255.0);
		cairo_arc(cr, x, y, pt->highlight ? 6 : 4, 0, 2 * M_PI);
		cairo_fill(cr);
		cairo_move_to(cr, x + 8, y - 6);
		cairo_show_text(cr, pt->label);
	}
	cairo_destroy(cr);
	cairo_status_t st = cairo_surface_write_to_png_stream(s, to_file, f);
	cairo_surface_destroy(s);
	/* release the font caches cairo and fontconfig keep for the process */
	cairo_debug_reset_static_data();
	FcFini();
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

int vs_plot_write(const vs_plot *p, const char *path, vs_error *err)
{
	size_t n = strlen(path);
	int png = n > 4 && strcasecmp(path + n - 4, ".png") == 0;
	int svg = n > 4 && strcasecmp(path + n - 4, ".svg") == 0;
	if (!png && !svg)
		return vs_fail(err, "%s: the plot file must end in .svg or .png", path);
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f)
		return -1;
	if (png && (pthread_once(&cairo_once, cairo_open), cairo_failure[0])) {
		vs_tmpfile_commit(f, tmp, path, 1, err);
		return vs_fail(err, "%s: PNG plots need cairo (Debian's libcairo2): %s", path, cairo_failure);
	}
	int r = png ? write_png(p, f) : write_svg(p, f);
	if (r < 0)
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
	return vs_tmpfile_commit(f, tmp, path, r < 0, err);
}
