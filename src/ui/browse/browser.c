/* The browser: a list with score bars, a detail pane, a history of results
 * to go back and forth in, prompts, a help overlay and a braille scatter of
 * the projection. Keys as in less and htop. */
#include "ui/ui.h"

#include <curses.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "core/core.h"

#define MAX_HISTORY 64

const char *vs_browse_unavailable(void)
{
	const char *term = getenv("TERM");
	if (!isatty(STDIN_FILENO))
		return "standard input is not a terminal";
	if (!isatty(STDOUT_FILENO))
		return "standard output is not a terminal";
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return "the terminal is dumb (TERM is unset or 'dumb')";
	return NULL;
}

/* Window resizes: our own SIGWINCH handler sets a flag that the key loop
 * polls, so resizing works whatever handlers readline left behind. */
static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* The next key, or KEY_RESIZE after the terminal changed size. */
static int next_key(void)
{
	for (;;) {
		if (resized) {
			resized = 0;
			struct winsize ws;
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
				resize_term(ws.ws_row, ws.ws_col);
			clear();
			return KEY_RESIZE;
		}
		int c = getch();
		if (c != ERR && c != KEY_RESIZE)
			return c;
	}
}

typedef struct page {
	vs_result *r;
	size_t sel, top;
} page;

typedef struct browser {
	const vs_browse_host *host;
	page hist[MAX_HISTORY];
	int n, cur;
	char status[512];
	int colors, utf8;
	char *detail;        /* detail of the selected row, cached */
	size_t detail_row;
	int detail_page;
	int closing;         /* a command asked to leave */
} browser;

enum { C_TITLE = 1, C_BAR, C_SEL, C_ACCENT, C_DIM, C_GROUP }; /* C_GROUP .. C_GROUP + 5: clusters */

/* ---- text that fits ---- */

/* Draw s at (y, x) in at most w columns, cut with an ellipsis. */
static void put_fit(int y, int x, const char *s, int w)
{
	if (w <= 0)
		return;
	move(y, x);
	int used = 0;
	const char *p = s;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t total = vs_utf8_width(s);
	while (*p) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, strlen(p), &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			n = 1;
		}
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 0;
		if ((size_t)w < total && used + cw > w - 1) {
			addstr("\xe2\x80\xa6"); /* … */
			return;
		}
		if (used + cw > w)
			return;
		addnstr(p, (int)n);
		used += cw;
		p += n;
	}
}

static void cell_text(const vs_result *r, size_t row, size_t col, char *buf, size_t size)
{
	const vs_cell *c = &r->cells[row * r->ncols + col];
	if (!c->set)
		snprintf(buf, size, "%s", "");
	else if (r->cols[col].type == VS_COL_STR)
		snprintf(buf, size, "%s", c->s);
	else if (r->cols[col].type == VS_COL_INT)
		snprintf(buf, size, "%lld", c->i);
	else if (r->cols[col].type == VS_COL_FLOAT)
		snprintf(buf, size, "%.*f", r->cols[col].decimals > 4 ? 4 : r->cols[col].decimals, c->f);
	else
		snprintf(buf, size, "[%zu values]", c->nvec);
}

/* ---- drawing ---- */

static page *cur(browser *b) { return &b->hist[b->cur]; }

static void draw_bar(browser *b, int y, int x, int w, double frac)
{
	if (w <= 0)
		return;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	int eighths = (int)lround(frac * w * 8);
	if (b->colors)
		attron(COLOR_PAIR(C_BAR));
	move(y, x);
	for (int i = 0; i < w; i++) {
		int e = eighths - i * 8;
		if (e >= 8)
			addstr(b->utf8 ? "\xe2\x96\x88" : "#");
		else if (e > 0 && b->utf8) {
			static const char *const part[] = {"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
			                                   "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"};
			addstr(part[e]);
		} else
			addch(' ');
	}
	if (b->colors)
		attroff(COLOR_PAIR(C_BAR));
}

/* A score's bar: from zero to the right for positive scores; when the list
 * has negative scores, zero is in the middle and those grow to the left. */
static void draw_signed_bar(browser *b, int y, int x, int w, double v, double maxs, int has_negative)
{
	if (!has_negative) {
		draw_bar(b, y, x, w, maxs > 0 ? fabs(v) / maxs : 0);
		return;
	}
	int half = w / 2;
	if (v >= 0) {
		draw_bar(b, y, x + half, w - half, maxs > 0 ? v / maxs : 0);
		return;
	}
	int cells = maxs > 0 ? (int)lround(-v / maxs * half) : 0;
	if (cells > half)
		cells = half;
	if (b->colors)
		attron(COLOR_PAIR(C_ACCENT));
	for (int i = 0; i < cells; i++)
		mvaddstr(y, x + half - 1 - i, b->utf8 ? "\xe2\x96\x88" : "#");
	if (b->colors)
		attroff(COLOR_PAIR(C_ACCENT));
}

static void draw_status(browser *b, const char *keys)
{
	int h = LINES;
	move(h - 1, 0);
	clrtoeol();
	attron(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
	for (int x = 0; x < COLS; x++)
		mvaddch(h - 1, x, ' ');
	put_fit(h - 1, 1, b->status[0] ? b->status : keys, COLS - 2);
	attroff(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
}

static void ensure_detail(browser *b)
{
	page *p = cur(b);
	if (b->detail && b->detail_row == p->sel && b->detail_page == b->cur)
		return;
	free(b->detail);
	b->detail = NULL;
	if (p->r->nrows && b->host->detail)
		b->detail = b->host->detail(b->host->ctx, p->r, p->sel);
	b->detail_row = p->sel;
	b->detail_page = b->cur;
}

static void draw_list(browser *b)
{
	page *p = cur(b);
	const vs_result *r = p->r;
	erase();
	int h = LINES, w = COLS;
	/* title */
	attron(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
	for (int x = 0; x < w; x++)
		mvaddch(0, x, ' ');
	char title[600];
	snprintf(title, sizeof title, " %s%s%s   [%d/%d]", b->host->title ? b->host->title : "vecsh",
	         r->query ? ": " : "", r->query ? r->query : "", b->cur + 1, b->n);
	put_fit(0, 0, title, w);
	attroff(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);

	int detail_w = w >= 70 ? w * 2 / 5 : 0;
	int list_w = w - detail_w - (detail_w ? 1 : 0);
	int rows = h - 2;
	size_t item = vs_result_item_column(r);
	long score = vs_result_score_column(r);
	double maxs = 0;
	int has_negative = 0;
	for (size_t i = 0; score >= 0 && i < r->nrows; i++) {
		double v = r->cells[i * r->ncols + (size_t)score].f;
		maxs = fmax(maxs, fabs(v));
		has_negative |= v < 0;
	}
	/* the rank column is as wide as the largest rank */
	int rank_w = 4;
	for (size_t n = r->nrows; n >= 10000; n /= 10)
		rank_w++;
	int lead = rank_w + 2;
	if (p->sel >= r->nrows && r->nrows)
		p->sel = r->nrows - 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (rows > 0 && p->sel >= p->top + (size_t)rows)
		p->top = p->sel - (size_t)rows + 1;
	/* a taller window (after a resize) is filled: the list starts no later than it must */
	if (rows > 0 && p->top + (size_t)rows > r->nrows)
		p->top = r->nrows > (size_t)rows ? r->nrows - (size_t)rows : 0;
	int item_w = list_w - lead - (score >= 0 ? 9 + 12 : 0);
	if (item_w > 28 && score >= 0)
		item_w = 28;
	if (item_w < 6)
		item_w = 6;
	int bar_w = list_w - lead - item_w - 10;
	if (r->nrows == 0)
		put_fit(2, 2, "(no items)", list_w - 2);
	for (int y = 0; y < rows && p->top + (size_t)y < r->nrows; y++) {
		size_t row = p->top + (size_t)y;
		int sel = row == p->sel;
		if (sel)
			attron(b->colors ? COLOR_PAIR(C_SEL) | A_BOLD : A_REVERSE);
		for (int x = 0; x < list_w; x++)
			mvaddch(1 + y, x, ' ');
		char buf[64], text[1024];
		snprintf(buf, sizeof buf, "%*zu", rank_w & 31, row + 1);
		mvaddstr(1 + y, 0, buf);
		cell_text(r, row, item, text, sizeof text);
		put_fit(1 + y, lead, text, item_w);
		if (score >= 0) {
			double v = r->cells[row * r->ncols + (size_t)score].f;
			snprintf(buf, sizeof buf, "%8.4f", v);
			mvaddstr(1 + y, lead + item_w + 1, buf);
			if (sel)
				attroff(b->colors ? COLOR_PAIR(C_SEL) | A_BOLD : A_REVERSE);
			draw_signed_bar(b, 1 + y, lead + item_w + 11, bar_w, v, maxs, has_negative);
			if (sel)
				attron(b->colors ? COLOR_PAIR(C_SEL) | A_BOLD : A_REVERSE);
		}
		if (sel)
			attroff(b->colors ? COLOR_PAIR(C_SEL) | A_BOLD : A_REVERSE);
	}
	if (detail_w) {
		for (int y = 1; y < h - 1; y++)
			mvaddstr(y, list_w, b->utf8 ? "\xe2\x94\x82" : "|");
		ensure_detail(b);
		int y = 1;
		if (r->nrows) {
			char text[1024];
			cell_text(r, p->sel, item, text, sizeof text);
			attron(A_BOLD);
			put_fit(y++, list_w + 2, text, detail_w - 3);
			attroff(A_BOLD);
		}
		for (const char *s = b->detail; s && *s && y < h - 1;) {
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s) : strlen(s);
			char line[1024];
			snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), s);
			put_fit(y++, list_w + 2, line, detail_w - 3);
			s += n + (nl != NULL);
		}
	}
	draw_status(b, "j/k move  Enter open  h back  l forward  / query  : command  p plot  ? help  q quit");
}

/* ---- history ---- */

static void push(browser *b, vs_result *r)
{
	for (int i = b->cur + 1; i < b->n; i++)
		vs_result_free(b->hist[i].r);
	b->n = b->cur + 1;
	if (b->n == MAX_HISTORY) { /* drop the oldest */
		vs_result_free(b->hist[0].r);
		memmove(b->hist, b->hist + 1, (MAX_HISTORY - 1) * sizeof *b->hist);
		b->n--;
	}
	b->hist[b->n] = (page){r, 0, 0};
	b->cur = b->n++;
}

static void run_and_push(browser *b, const char *cmd)
{
	char *error = NULL;
	/* while the command runs, Ctrl-C is a signal that interrupts it, as at the prompt */
	noraw();
	cbreak();
	vs_result *r = b->host->run(b->host->ctx, cmd, &error, &b->closing);
	raw();
	if (r) {
		push(b, r);
		b->status[0] = '\0';
	} else {
		snprintf(b->status, sizeof b->status, "%s", error ? error : "the command shows no list");
	}
	free(error);
}

/* ---- prompts ---- */

/* Read a line at the bottom; Tab completes the last word through the host.
 * Returns a malloc'd line, or NULL if abandoned (Esc, Ctrl-C). */
static char *prompt(browser *b, const char *lead)
{
	char buf[512] = "";
	size_t len = 0;
	curs_set(1);
	for (;;) {
		move(LINES - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		mvaddstr(LINES - 1, 0, lead);
		attroff(A_BOLD);
		put_fit(LINES - 1, (int)strlen(lead), buf, COLS - (int)strlen(lead) - 1);
		refresh();
		int c = next_key();
		if (c == 27 || c == 3 || c == 7) {
			curs_set(0);
			return NULL;
		}
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if (c == KEY_BACKSPACE || c == 127 || c == 8) {
			while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80)
				len--;
			if (len > 0)
				len--;
			buf[len] = '\0';
		} else if (c == '\t' && b->host->complete) {
			char *w = strrchr(buf, ' ');
			w = w ? w + 1 : buf;
			char *done = b->host->complete(b->host->ctx, cur(b)->r, w);
			if (done && (size_t)(w - buf) + strlen(done) < sizeof buf - 1) {
				strcpy(w, done);
				len = strlen(buf);
			}
			free(done);
		} else if (c == KEY_RESIZE) {
			continue;
		} else if (c >= 32 && c < 256 && len < sizeof buf - 1) {
			buf[len++] = (char)c;
			buf[len] = '\0';
		}
	}
	curs_set(0);
	return strdup(buf);
}

/* ---- help ---- */

static void draw_help(browser *b)
{
	static const char *const lines[] = {
		"vecsh browse: keys",
		"",
		"  j k, Up Down      move",
		"  PgUp PgDn         a page",
		"  g G, Home End     first, last",
		"  Enter             open the item: a word's neighbours, a",
		"                    document's keywords, a term's documents",
		"  h, Backspace      back",
		"  l                 forward",
		"  /                 a new query (Tab completes)",
		"  :                 run any vecsh command and show its result",
		"  p                 the projection of the list (PCA; set projection)",
		"  ?                 this help",
		"  q, Ctrl-C, :q     back to the shell",
		"",
		"In the projection: arrows pan, + - zoom, j k choose, p or q leave.",
		"",
		"Press any key.",
	};
	int n = (int)(sizeof lines / sizeof lines[0]), w = 4;
	for (int i = 0; i < n; i++) /* as wide as its longest line, so nothing is cut */
		if ((int)vs_utf8_width(lines[i]) + 4 > w)
			w = (int)vs_utf8_width(lines[i]) + 4;
	if (w > COLS)
		w = COLS;
	int y0 = (LINES - n - 2) / 2, x0 = (COLS - w) / 2;
	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	for (int y = 0; y < n + 2 && y0 + y < LINES; y++) {
		move(y0 + y, x0);
		attron(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
		for (int x = 0; x < w && x0 + x < COLS; x++)
			addch(' ');
		if (y > 0 && y <= n)
			put_fit(y0 + y, x0 + 2, lines[y - 1], w - 4);
		attroff(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
	}
	refresh();
}

/* ---- projection: a braille scatter ---- */

static void projection(browser *b)
{
	page *p = cur(b);
	const vs_result *r = p->r;
	double *xy = malloc((r->nrows ? r->nrows : 1) * 2 * sizeof *xy);
	char *error = NULL;
	if (!xy || !b->host->project || b->host->project(b->host->ctx, r, xy, &error) < 0) {
		snprintf(b->status, sizeof b->status, "no projection: %s", error ? error : "not a list of words");
		free(error);
		free(xy);
		return;
	}
	double minx = INFINITY, maxx = -INFINITY, miny = INFINITY, maxy = -INFINITY;
	for (size_t i = 0; i < r->nrows; i++) {
		minx = fmin(minx, xy[2 * i]), maxx = fmax(maxx, xy[2 * i]);
		miny = fmin(miny, xy[2 * i + 1]), maxy = fmax(maxy, xy[2 * i + 1]);
	}
	double zoom = 1, cx = (minx + maxx) / 2, cy = (miny + maxy) / 2;
	size_t item = vs_result_item_column(r);
	for (;;) {
		erase();
		int H = LINES - 2, W = COLS;
		attron(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
		for (int x = 0; x < W; x++)
			mvaddch(0, x, ' ');
		int grouped = 0; /* rows in clusters: their labels in their cluster's colour */
		for (size_t i = 0; b->host->group && i < r->nrows && !grouped; i++)
			grouped = b->host->group(b->host->ctx, r, i) > 0;
		char title[600];
		snprintf(title, sizeof title, " projection (%s) of %s   zoom %.1fx%s",
		         b->host->projection ? b->host->projection(b->host->ctx) : "PCA", r->query ? r->query : "the list",
		         zoom, grouped ? "   colours: k-means clusters" : "");
		put_fit(0, 0, title, W);
		attroff(b->colors ? COLOR_PAIR(C_TITLE) : A_REVERSE);
		if (H > 2 && W > 10) {
			/* dots: 2 x 4 per cell */
			int dw = W * 2, dh = H * 4;
			double spanx = (maxx - minx > 0 ? maxx - minx : 1) * 1.15 / zoom;
			double spany = (maxy - miny > 0 ? maxy - miny : 1) * 1.15 / zoom;
			unsigned char *cells = calloc((size_t)W * (size_t)H, 1);
			int *px = malloc(r->nrows * sizeof *px), *py = malloc(r->nrows * sizeof *py);
			for (size_t i = 0; cells && px && py && i < r->nrows; i++) {
				int dx = (int)lround((xy[2 * i] - cx) / spanx * (dw - 1) + (dw - 1) / 2.0);
				int dy = (int)lround((cy - xy[2 * i + 1]) / spany * (dh - 1) + (dh - 1) / 2.0);
				px[i] = dx;
				py[i] = dy;
				if (dx < 0 || dy < 0 || dx >= dw || dy >= dh)
					continue;
				static const unsigned char bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
				cells[(dy / 4) * W + dx / 2] |= bit[dy % 4][dx % 2];
			}
			for (int y = 0; cells && y < H; y++)
				for (int x = 0; x < W; x++) {
					unsigned char c = cells[y * W + x];
					if (!c)
						continue;
					if (b->utf8) {
						char ch[4] = {(char)0xE2, (char)(0xA0 | (c >> 6)), (char)(0x80 | (c & 0x3F)), 0};
						mvaddstr(1 + y, x, ch);
					} else {
						mvaddch(1 + y, x, '*');
					}
				}
			for (size_t i = 0; px && py && i < r->nrows; i++) {
				int x = px[i] / 2 + 1, y = py[i] / 4 + 1;
				if (x < 0 || y < 1 || x >= W || y > H)
					continue;
				char text[256];
				cell_text(r, i, item, text, sizeof text);
				int sel = i == p->sel, g = grouped && b->colors ? b->host->group(b->host->ctx, r, i) : 0;
				int attr = sel ? (b->colors ? COLOR_PAIR(C_ACCENT) | A_BOLD : A_REVERSE | A_BOLD)
				               : g > 0 ? COLOR_PAIR(C_GROUP + (g - 1) % 6) : 0;
				if (attr)
					attron(attr);
				put_fit(y, x, text, W - x);
				if (attr)
					attroff(attr);
			}
			free(cells), free(px), free(py);
		}
		b->status[0] = '\0';
		draw_status(b, "arrows pan  + - zoom  j k choose  p q back");
		refresh();
		int c = next_key();
		double stepx = (maxx - minx > 0 ? maxx - minx : 1) / zoom / 10, stepy = (maxy - miny > 0 ? maxy - miny : 1) / zoom / 10;
		if (c == 'q' || c == 'p' || c == 27 || c == 3)
			break;
		else if (c == '+' || c == '=')
			zoom *= 1.5;
		else if (c == '-' && zoom > 0.2)
			zoom /= 1.5;
		else if (c == KEY_LEFT)
			cx -= stepx;
		else if (c == KEY_RIGHT)
			cx += stepx;
		else if (c == KEY_UP)
			cy += stepy;
		else if (c == KEY_DOWN)
			cy -= stepy;
		else if ((c == 'j') && p->sel + 1 < r->nrows)
			p->sel++;
		else if (c == 'k' && p->sel > 0)
			p->sel--;
	}
	free(xy);
}

/* ---- the loop ---- */

/* Curses on, with our SIGWINCH handler; old_winch gets the one to restore. */
static int start_screen(browser *b, struct sigaction *old_winch)
{
	set_escdelay(25);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGWINCH, &dfl, old_winch);
	if (!initscr()) {
		sigaction(SIGWINCH, old_winch, NULL);
		return -1;
	}
	struct sigaction ours;
	memset(&ours, 0, sizeof ours);
	ours.sa_handler = on_winch;
	sigaction(SIGWINCH, &ours, NULL);
	resized = 0;
	timeout(100);
	raw();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(C_BAR, COLOR_GREEN, -1);
		init_pair(C_SEL, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_ACCENT, COLOR_YELLOW, -1);
		init_pair(C_DIM, COLOR_BLUE, -1);
		static const short group_colours[6] = {COLOR_CYAN, COLOR_GREEN, COLOR_MAGENTA, COLOR_RED, COLOR_YELLOW,
		                                       COLOR_BLUE};
		for (int g = 0; g < 6; g++)
			init_pair((short)(C_GROUP + g), group_colours[g], -1);
		b->colors = 1;
	}
	return 0;
}

/* Moving the selection: j/k, pages, home and end. Returns 0 if c is not one. */
static int move_selection(browser *b, int c)
{
	page *p = cur(b);
	size_t n = p->r->nrows, pagesz = LINES > 3 ? (size_t)LINES - 3 : 1;
	switch (c) {
	case 'j':
	case KEY_DOWN:
		if (p->sel + 1 < n)
			p->sel++;
		return 1;
	case 'k':
	case KEY_UP:
		if (p->sel > 0)
			p->sel--;
		return 1;
	case KEY_NPAGE:
	case ' ':
		p->sel = p->sel + pagesz < n ? p->sel + pagesz : (n ? n - 1 : 0);
		return 1;
	case KEY_PPAGE:
		p->sel = p->sel > pagesz ? p->sel - pagesz : 0;
		return 1;
	case 'g':
	case KEY_HOME:
		p->sel = 0;
		return 1;
	case 'G':
	case KEY_END:
		p->sel = n ? n - 1 : 0;
		return 1;
	default:
		return 0;
	}
}

/* Is a ':' command one that leaves, as in less and vi (:q, :quit, :exit)? */
static int is_quit(const char *q)
{
	while (*q == ' ')
		q++;
	size_t n = strcspn(q, " !");
	return (n == 1 && q[0] == 'q') || (n == 4 && strncmp(q, "quit", 4) == 0) ||
	       (n == 4 && strncmp(q, "exit", 4) == 0);
}

/* One key of the main loop; 1 when the browser is to close. */
static int handle_key(browser *b, int c)
{
	const vs_browse_host *host = b->host;
	page *p = cur(b);
	if (move_selection(b, c))
		return 0;
	switch (c) {
	case 'q':
	case 3: /* Ctrl-C */
		return 1;
	case '\n':
	case '\r':
	case KEY_ENTER: {
		char *cmd = p->r->nrows && host->drill ? host->drill(host->ctx, p->r, p->sel) : NULL;
		if (cmd)
			run_and_push(b, cmd);
		else
			snprintf(b->status, sizeof b->status, "nothing to open here");
		free(cmd);
		break;
	}
	case 'h':
	case KEY_BACKSPACE:
	case KEY_LEFT:
	case 127:
	case 8:
		if (b->cur > 0)
			b->cur--;
		else
			snprintf(b->status, sizeof b->status, "this is the first page");
		break;
	case 'l':
	case KEY_RIGHT:
		if (b->cur + 1 < b->n)
			b->cur++;
		else
			snprintf(b->status, sizeof b->status, "this is the last page");
		break;
	case '/': {
		char *q = prompt(b, "/");
		const char *fmt = host->query_command ? host->query_command(host->ctx, p->r) : NULL;
		if (q && *q && fmt) {
			char cmd[1024];
			snprintf(cmd, sizeof cmd, fmt, q);
			run_and_push(b, cmd);
		}
		free(q);
		break;
	}
	case ':': {
		char *q = prompt(b, ":");
		int quit = q && is_quit(q);
		if (q && *q && !quit)
			run_and_push(b, q);
		free(q);
		return quit || b->closing;
	}
	case 'p':
		projection(b);
		break;
	case '?':
		draw_help(b);
		while (next_key() == KEY_RESIZE)
			draw_help(b);
		break;
	default:
		break;
	}
	return b->closing;
}

int vs_browse(const vs_browse_host *host, vs_result *first)
{
	browser b;
	memset(&b, 0, sizeof b);
	b.host = host;
	b.hist[0] = (page){first, 0, 0};
	b.n = 1;
	b.detail_page = -1;
	b.utf8 = MB_CUR_MAX > 1;
	struct sigaction old_winch;
	if (start_screen(&b, &old_winch) < 0)
		return -1;
	for (int done = 0; !done;) {
		draw_list(&b);
		refresh();
		int c = next_key();
		if (c != KEY_RESIZE)
			b.status[0] = '\0';
		done = handle_key(&b, c);
	}
	endwin();
	sigaction(SIGWINCH, &old_winch, NULL);
	free(b.detail);
	for (int i = 0; i < b.n; i++)
		vs_result_free(b.hist[i].r);
	return 0;
}
