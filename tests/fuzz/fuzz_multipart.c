/* fuzz_multipart.c - libFuzzer harness for the streaming multipart parser.
 *
 * Input: one byte choosing the chunk size, one byte choosing the limits, the request's
 * Content-Type up to the first LF, then the body.  The body is parsed twice, in chunks and
 * whole; both runs must report the same parts, data and result (unless the body limit,
 * which is checked a chunk at a time, stopped one of them), and the callbacks check that
 * every part is well-formed and the arena does not grow while parsing.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/multipart.h"
#include "core/utf8.h"

/* The longest Content-Type taken from the input. */
#define FUZZ_CT_MAX 256

#define FNV_INIT 2166136261u

struct seen {
	uint32_t hash; /* of every event and byte, in order: the same however the body is cut */
	int open;
	size_t parts;
	size_t max_parts;
};

static uint32_t
fnv(uint32_t h, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n-- > 0) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static void
check_str(const char *s, int may_be_empty)
{
	size_t n = strlen(s);

	if ((!may_be_empty && n == 0) || !utf8_valid(s, n))
		__builtin_trap();
}

static bgw_err
on_begin(void *ud, const multipart_part *p)
{
	struct seen *s = ud;

	if (s->open || p->name == NULL || ++s->parts > s->max_parts)
		__builtin_trap();
	s->open = 1;
	check_str(p->name, 0);
	if (p->filename != NULL)
		check_str(p->filename, 1);
	if (p->content_type != NULL)
		check_str(p->content_type, 0);
	s->hash = fnv(s->hash, "<", 1);
	s->hash = fnv(s->hash, p->name, strlen(p->name) + 1);
	s->hash = fnv(s->hash, p->filename != NULL ? p->filename : "\x01",
	    p->filename != NULL ? strlen(p->filename) + 1 : 1);
	s->hash = fnv(s->hash, p->content_type != NULL ? p->content_type : "\x01",
	    p->content_type != NULL ? strlen(p->content_type) + 1 : 1);
	return BGW_OK;
}

static bgw_err
on_data(void *ud, const char *buf, size_t n)
{
	struct seen *s = ud;

	if (!s->open || n == 0)
		__builtin_trap();
	s->hash = fnv(s->hash, buf, n);
	return BGW_OK;
}

static bgw_err
on_end(void *ud)
{
	struct seen *s = ud;

	if (!s->open)
		__builtin_trap();
	s->open = 0;
	s->hash = fnv(s->hash, ">", 1);
	return BGW_OK;
}

static const multipart_callbacks cbs = {on_begin, on_data, on_end};

/* Parse body in chunks of chunk bytes; the first error or BGW_OK. */
static bgw_err
parse(const char *ct, const multipart_limits *lim, const char *body, size_t n, size_t chunk,
    struct seen *s)
{
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	size_t off = 0, footprint;
	bgw_err e;

	if (a == NULL)
		return BGW_E_NOMEM;
	memset(s, 0, sizeof(*s));
	s->hash = FNV_INIT;
	s->max_parts = lim->max_parts;
	e = multipart_new(a, ct, lim, &cbs, s, &p);
	if (e != BGW_OK) {
		bgw_arena_free(a);
		return e;
	}
	footprint = bgw_arena_footprint(a);
	do {
		size_t k = n - off < chunk ? n - off : chunk;

		e = multipart_feed(p, body + off, k);
		off += k;
	} while (e == BGW_OK && off < n);
	if (e == BGW_OK)
		e = multipart_finish(p);
	/* sticky errors, and no growth however many parts */
	if ((e != BGW_OK && multipart_feed(p, "x", 1) != e) ||
	    bgw_arena_footprint(a) != footprint)
		__builtin_trap();
	bgw_arena_free(a);
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ct[FUZZ_CT_MAX + 1];
	const char *body, *lf;
	multipart_limits lim;
	struct seen s1, s2;
	size_t chunk, ctlen, n;
	bgw_err e1, e2;

	if (size < 2)
		return 0;
	/* 1..128 bytes, or multiples of 512 up to 64 KiB: tiny and realistic splits */
	chunk = data[0] < 128 ? (size_t)data[0] + 1 : (size_t)(data[0] - 127) * 512;
	lim.max_parts = 1 + (data[1] & 0x0F);
	lim.max_header_bytes = (data[1] & 0x10) ? 48 : 1024;
	lf = memchr(data + 2, '\n', size - 2 < FUZZ_CT_MAX ? size - 2 : FUZZ_CT_MAX);
	if (lf == NULL)
		return 0;
	ctlen = (size_t)(lf - (const char *)(data + 2));
	memcpy(ct, data + 2, ctlen);
	ct[ctlen] = '\0';
	body = lf + 1;
	n = size - (size_t)(body - (const char *)data);
	/* sometimes a body limit that cuts the body short */
	lim.max_total = (data[1] & 0x20) && n > 1 ? n / 2 : n + 1;

	e1 = parse(ct, &lim, body, n, chunk, &s1);
	e2 = parse(ct, &lim, body, n, n > 0 ? n : 1, &s2);
	if (e1 == BGW_E_TOO_LARGE || e2 == BGW_E_TOO_LARGE)
		return 0;
	if (e1 != e2 || s1.hash != s2.hash || s1.parts != s2.parts)
		__builtin_trap();
	return 0;
}
