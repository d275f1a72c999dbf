/* A progress line on the terminal for work that takes more than a second:
 * what, done/total (or a percentage), rate and time left, erased when done.
 * Shown only to a person at a terminal, never into a script's output. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ui/ui.h"

double vs_seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Seconds before a progress line shows: 1, or $VECSH_PROGRESS_DELAY. */
static double delay(void)
{
	const char *e = getenv("VECSH_PROGRESS_DELAY");
	char *end;
	double d = e && *e ? strtod(e, &end) : 1.0;
	return e && *e && !*end && d >= 0 ? d : 1.0;
}

void vs_progress_start(vs_progress *p, vs_session *s, const char *what)
{
	p->what = what;
	p->shown = 0;
	p->delay = delay();
	p->out = s->interactive && isatty(fileno(s->msg)) ? s->msg : NULL;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void vs_progress_update(void *ctx, double done)
{
	vs_progress *p = ctx;
	if (!p->out)
		return;
	double el = vs_seconds_since(&p->start);
	if (el < p->delay && !p->shown)
		return;
	if (done < 0)
		done = 0;
	if (done > 1)
		done = 1;
	int width = 30, fill = (int)(done * width + 0.5);
	char left[32] = "";
	if (done > 0.01)
		snprintf(left, sizeof left, ", %.0f s left", el * (1 - done) / done);
	fprintf(p->out, "\r%s [%.*s%*s] %3d%%  %.1f s%s\033[K", p->what, fill, "==============================",
	        width - fill, "", (int)(done * 100), el, left);
	fflush(p->out);
	p->shown = 1;
}

/* Is a line of done of total due (a terminal, past the delay)? Its seconds
 * so far, and the time left as ", N s left" (or nothing). */
static int counted_line_due(vs_progress *p, size_t done, size_t total, double *el, char *left, size_t room)
{
	left[0] = '\0';
	if (!p->out || !total)
		return 0;
	*el = vs_seconds_since(&p->start);
	if (*el < p->delay && !p->shown)
		return 0;
	double f = (double)done / (double)total;
	if (f > 0.01 && done < total)
		snprintf(left, room, ", %.0f s left", *el * (1 - f) / f);
	return 1;
}

void vs_progress_count(vs_progress *p, size_t done, size_t total)
{
	double el;
	char left[32];
	if (!counted_line_due(p, done, total, &el, left, sizeof left))
		return;
	fprintf(p->out, "\r%s %zu/%zu (%.0f/s%s)\033[K", p->what, done, total, el > 0 ? (double)done / el : 0.0, left);
	fflush(p->out);
	p->shown = 1;
}

void vs_progress_files(void *ctx, size_t done, size_t total, size_t bytes)
{
	vs_progress *p = ctx;
	double el;
	char left[32];
	if (!counted_line_due(p, done, total, &el, left, sizeof left))
		return;
	fprintf(p->out, "\r%s %zu/%zu files, %.1f MB (%.1f MB/s%s)\033[K", p->what, done, total, (double)bytes / 1e6,
	        el > 0 ? (double)bytes / 1e6 / el : 0.0, left);
	fflush(p->out);
	p->shown = 1;
}

void vs_progress_end(vs_progress *p)
{
	if (p->out && p->shown)
		fprintf(p->out, "\r\033[K");
	p->shown = 0;
}
