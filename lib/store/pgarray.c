/* pgarray.c - text[] literals for unnest(). */
#include "store/pgarray.h"

#include <string.h>

#define PGARRAY_FIRST_CAP 256

void
pgarray_init(pgarray *p, bgw_arena *a)
{
	memset(p, 0, sizeof(*p));
	p->a = a;
}

/* Room for need more bytes and the final "}" and NUL. */
static int
reserve(pgarray *p, size_t need)
{
	size_t cap = p->cap != 0 ? p->cap : PGARRAY_FIRST_CAP;
	char *q;

	if (p->err != BGW_OK)
		return -1;
	if (need > (size_t)-1 / 4 - p->len) {
		p->err = BGW_E_NOMEM;
		return -1;
	}
	if (p->buf != NULL && p->len + need + 2 <= p->cap)
		return 0;
	while (cap < p->len + need + 2)
		cap *= 2;
	/* Arena memory is not freed one block at a time: doubling keeps the waste below 2x. */
	q = bgw_arena_alloc(p->a, cap);
	if (q == NULL) {
		p->err = BGW_E_NOMEM;
		return -1;
	}
	if (p->buf != NULL)
		memcpy(q, p->buf, p->len);
	else
		q[p->len++] = '{';
	p->buf = q;
	p->cap = cap;
	return 0;
}

void
pgarray_add(pgarray *p, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	/* Worst case: every byte escaped, two quotes, a comma. */
	if (reserve(p, 2 * n + 4) != 0)
		return;
	if (p->n > 0)
		p->buf[p->len++] = ',';
	p->n++;
	if (s == NULL) {
		memcpy(p->buf + p->len, "NULL", 4);
		p->len += 4;
		return;
	}
	p->buf[p->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			p->buf[p->len++] = '\\';
		p->buf[p->len++] = s[i];
	}
	p->buf[p->len++] = '"';
}

const char *
pgarray_finish(pgarray *p, bgw_err *err)
{
	if (reserve(p, 0) != 0) {
		*err = p->err;
		return NULL;
	}
	p->buf[p->len] = '}';
	p->buf[p->len + 1] = '\0';
	*err = BGW_OK;
	return p->buf;
}
