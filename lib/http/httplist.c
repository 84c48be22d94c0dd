/* httplist.c - weighted lists of HTTP request headers (see httplist.h). */
#include "http/httplist.h"

#include <string.h>

#define QVALUE_MAX_LEN 5 /* "0.001" */

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A qvalue ("0", "0.5", "1.000") between v and end, in thousandths; -1 if malformed. */
static int
qvalue(const char *v, const char *end)
{
	int q, scale = HTTPLIST_Q_MAX;

	while (end > v && is_ows(end[-1]))
		end--;
	if (end - v < 1 || end - v > QVALUE_MAX_LEN || (v[0] != '0' && v[0] != '1'))
		return -1;
	q = (v[0] - '0') * HTTPLIST_Q_MAX;
	if (v + 1 < end && v[1] != '.')
		return -1;
	for (const char *d = v + 2; d < end; d++) {
		if (*d < '0' || *d > '9')
			return -1;
		scale /= 10;
		q += (*d - '0') * scale;
	}
	return q <= HTTPLIST_Q_MAX ? q : -1;
}

/* The weight among the parameters between s and end (each after a ';'). */
static int
weight(const char *s, const char *end)
{
	int q = HTTPLIST_Q_MAX;

	while (s < end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		const char *stop = semi != NULL ? semi : end;

		while (s < stop && is_ows(*s))
			s++;
		if (stop - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=')
			q = qvalue(s + 2, stop);
		if (q < 0)
			return -1;
		s = stop < end ? stop + 1 : end;
	}
	return q;
}

bool
httplist_next(const char **p, httplist_item *out)
{
	const char *s = *p, *comma, *end, *t;

	if (s == NULL || *s == '\0')
		return false;
	comma = strchr(s, ',');
	end = comma != NULL ? comma : s + strlen(s);
	while (s < end && is_ows(*s))
		s++;
	for (t = s; t < end && *t != ';' && !is_ows(*t); t++)
		;
	out->token = s;
	out->len = (size_t)(t - s);
	/* What follows the token up to the first ';' is not a parameter: skipped. */
	t = memchr(t, ';', (size_t)(end - t));
	out->q = t != NULL ? weight(t + 1, end) : HTTPLIST_Q_MAX;
	*p = comma != NULL ? comma + 1 : end;
	return true;
}
