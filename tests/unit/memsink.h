/* memsink.h - a bgw_sink into a growing arena buffer, for the unit tests of the writers
 * that stream (zipw, xlsxexport, evidence).  fail_after > 0: the sink answers BGW_E_IO
 * once more than that many bytes would be held (a client that went away). */
#ifndef BGW_TEST_MEMSINK_H
#define BGW_TEST_MEMSINK_H

#include <string.h>

#include "core/arena.h"
#include "core/err.h"

typedef struct mem {
	bgw_arena *a;
	char *buf;
	size_t len, cap;
	size_t fail_after; /* 0: never */
} mem;

static inline bgw_err
to_mem(void *ud, const char *buf, size_t n)
{
	mem *m = ud;

	if (m->fail_after != 0 && m->len + n > m->fail_after)
		return BGW_E_IO;
	if (!bgw_arena_grow(m->a, &m->buf, &m->cap, m->len, n, 4096))
		return BGW_E_NOMEM;
	memcpy(m->buf + m->len, buf, n);
	m->len += n;
	return BGW_OK;
}

#endif
