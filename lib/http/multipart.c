/* multipart.c - streaming multipart/form-data parser: a byte-level state machine.
 *
 * The delimiter CRLF "--" boundary is searched for with a count of how many of its bytes
 * the input has matched so far.  Its only CR is the first byte (bchars hold no CR), so after
 * a mismatch no suffix of the matched bytes can start a new match: the matched bytes were
 * data and the search restarts at the mismatching byte.  The matched bytes need not be kept
 * either, as they equal the delimiter's prefix; that is what keeps memory independent of
 * how the body is split.
 */
#include "http/multipart.h"

#include <stdbool.h>
#include <string.h>

#include "core/utf8.h"

/* CR LF "-" "-" before the boundary. */
#define DELIM_PREFIX_LEN 4

enum state {
	ST_PREAMBLE,  /* before the first delimiter: discarded */
	ST_DELIM,     /* just after a delimiter: "--", padding or CRLF */
	ST_PAD,       /* transport padding after a delimiter */
	ST_DELIM_LF,  /* CR seen after a delimiter */
	ST_CLOSE,     /* "-" seen after a delimiter */
	ST_HEADERS,   /* a part's header block */
	ST_DATA,      /* a part's data */
	ST_EPILOGUE,  /* after the close delimiter: discarded */
	ST_FINISHED,  /* multipart_finish was called */
};

struct multipart_parser {
	multipart_limits lim;
	const multipart_callbacks *cb;
	void *ud;
	enum state state;
	bgw_err err;       /* sticky: once set, every call returns it */
	bool in_part;      /* part_begin was called and part_end not yet */
	size_t parts;
	size_t total;
	char *delim;       /* CR LF "--" boundary */
	size_t delim_len;
	size_t match;      /* bytes of delim matched at the end of the input so far */
	char *hdr;         /* the current header block, max_header_bytes */
	size_t hdr_len;
	size_t line_start; /* offset in hdr of the line being read */
	char *vals;        /* decoded parameter values, max_header_bytes + 1 */
	size_t vals_len;
	multipart_part part;
};

/* A cursor over a header or parameter value. */
struct cur {
	const char *p;
	const char *end;
};

static bool
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 8187 attr-char: what filename* may hold unencoded. */
static bool
is_attr_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL;
}

/* RFC 2046 bchars. */
static bool
is_bchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
eq_nocase(const char *s, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)lit[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static void
skip_ows(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool
take_token(struct cur *c, const char **tok, size_t *n)
{
	const char *s = c->p;

	while (c->p < c->end && is_tchar((unsigned char)*c->p))
		c->p++;
	*tok = s;
	*n = (size_t)(c->p - s);
	return *n > 0;
}

/* An RFC 7230 quoted-string at c, unescaped into out (room for end - p bytes). */
static bool
take_quoted(struct cur *c, char *out, size_t *n)
{
	size_t k = 0;

	if (c->p >= c->end || *c->p != '"')
		return false;
	c->p++;
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch == '"') {
			*n = k;
			return true;
		}
		if (ch == '\\') {
			if (c->p >= c->end)
				return false;
			ch = (unsigned char)*c->p++;
		}
		/* The header scanner already refused every control byte but HTAB. */
		if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
			return false;
		out[k++] = (char)ch;
	}
	return false;
}

/* One parameter: OWS ";" OWS token "=" (token / quoted-string), RFC 7231 section 3.1.1.1.
 * Returns 1 with the name and the value (decoded into out, not NUL-terminated), 0 at the end
 * of the value, -1 if malformed.  A ";" with nothing after it is tolerated at the end.
 * A decoded value is never longer than the rest of the input, so out needs more room than
 * that (room for a NUL too); less is refused, though callers size out so it never is. */
static int
next_param(struct cur *c, const char **name, size_t *name_len, char *out, size_t out_cap,
    size_t *out_len, bool *quoted)
{
	const char *tok;
	size_t n;

	skip_ows(c);
	if (c->p == c->end)
		return 0;
	if (*c->p != ';')
		return -1;
	c->p++;
	skip_ows(c);
	if (c->p == c->end)
		return 0;
	if (!take_token(c, name, name_len))
		return -1;
	if (c->p == c->end || *c->p != '=')
		return -1;
	c->p++;
	if ((size_t)(c->end - c->p) >= out_cap)
		return -1;
	*quoted = c->p < c->end && *c->p == '"';
	if (*quoted)
		return take_quoted(c, out, out_len) ? 1 : -1;
	if (!take_token(c, &tok, &n))
		return -1;
	memcpy(out, tok, n);
	*out_len = n;
	return 1;
}

/* RFC 8187 ext-value: charset "'" [language] "'" value-chars, decoded into out as UTF-8.
 * out may be in: each output byte is written behind the input already read, as the value
 * starts two bytes (the quotes) in and every byte above 0x7F costs three input bytes ("%XX")
 * and at most two output bytes. */
static bool
decode_ext_value(const char *in, size_t n, char *out, size_t *out_len)
{
	const char *q1 = memchr(in, '\'', n), *q2;
	bool latin1;
	size_t i, k = 0;

	if (q1 == NULL)
		return false;
	q2 = memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - in));
	if (q2 == NULL)
		return false;
	if (eq_nocase(in, (size_t)(q1 - in), "utf-8"))
		latin1 = false;
	else if (eq_nocase(in, (size_t)(q1 - in), "iso-8859-1"))
		latin1 = true;
	else
		return false;
	for (i = (size_t)(q1 + 1 - in); in + i < q2; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	for (i = (size_t)(q2 + 1 - in); i < n; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == '%') {
			int hi, lo;

			if (n - i < 3 || (hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0)
				return false;
			ch = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (!is_attr_char(ch)) {
			return false;
		}
		if (latin1 && ch >= 0x80) {
			out[k++] = (char)(0xC0 | (ch >> 6));
			out[k++] = (char)(0x80 | (ch & 0x3F));
		} else {
			out[k++] = (char)ch;
		}
	}
	*out_len = k;
	return true;
}

/* A name or filename the caller can treat as text: UTF-8, no NUL or control but HTAB. */
static bool
valid_value(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
			return false;
	}
	return utf8_valid(s, n);
}

/* Room left in vals.  Decoded values are never longer than the header text they come from
 * and vals has a byte more than the whole header block, so what is kept plus the value being
 * decoded always fits; the checks against this are a second wall. */
static size_t
vals_room(const multipart_parser *p)
{
	return p->lim.max_header_bytes + 1 - p->vals_len;
}

/* Keep the n bytes just decoded at p->vals + p->vals_len as a C string. */
static const char *
keep_value(multipart_parser *p, size_t n)
{
	char *s = p->vals + p->vals_len;

	s[n] = '\0';
	p->vals_len += n + 1;
	return s;
}

static bgw_err
parse_disposition(multipart_parser *p, struct cur *c)
{
	const char *tok, *pname, *filename = NULL, *filename_ext = NULL;
	size_t n, pname_len, vlen;
	bool quoted, seen_name = false;
	int r;

	if (!take_token(c, &tok, &n) || !eq_nocase(tok, n, "form-data"))
		return BGW_E_BAD_REQUEST;
	/* Every value is decoded at vals + vals_len; only kept ones advance vals_len. */
	while ((r = next_param(c, &pname, &pname_len, p->vals + p->vals_len, vals_room(p),
	    &vlen, &quoted)) == 1) {
		if (eq_nocase(pname, pname_len, "name")) {
			if (seen_name)
				return BGW_E_BAD_REQUEST;
			seen_name = true;
			p->part.name = keep_value(p, vlen);
			if (vlen == 0 || !valid_value(p->part.name, vlen))
				return BGW_E_BAD_REQUEST;
		} else if (eq_nocase(pname, pname_len, "filename")) {
			if (filename != NULL)
				return BGW_E_BAD_REQUEST;
			filename = keep_value(p, vlen);
			if (!valid_value(filename, vlen))
				return BGW_E_BAD_REQUEST;
		} else if (eq_nocase(pname, pname_len, "filename*")) {
			char *raw = p->vals + p->vals_len;
			size_t dlen;

			if (filename_ext != NULL || quoted)
				return BGW_E_BAD_REQUEST;
			if (!decode_ext_value(raw, vlen, raw, &dlen))
				return BGW_E_BAD_REQUEST;
			filename_ext = keep_value(p, dlen);
			if (!valid_value(filename_ext, dlen))
				return BGW_E_BAD_REQUEST;
		}
	}
	if (r < 0 || !seen_name)
		return BGW_E_BAD_REQUEST;
	p->part.filename = filename_ext != NULL ? filename_ext : filename;
	return BGW_OK;
}

/* Parse the header block hdr[0..hdr_len), which ends in an empty line, into p->part. */
static bgw_err
parse_headers(multipart_parser *p)
{
	const char *s = p->hdr, *end = p->hdr + p->hdr_len;
	bool seen_disp = false, seen_cte = false;
	bgw_err e;

	memset(&p->part, 0, sizeof(p->part));
	p->vals_len = 0;
	for (;;) {
		/* The scanner guarantees every line, the last one empty, ends in CRLF. */
		const char *eol = memchr(s, '\r', (size_t)(end - s));
		const char *colon;
		struct cur c;

		if (eol == s)
			break;
		colon = memchr(s, ':', (size_t)(eol - s));
		if (colon == NULL || colon == s)
			return BGW_E_BAD_REQUEST;
		for (c.p = s; c.p < colon; c.p++)
			if (!is_tchar((unsigned char)*c.p))
				return BGW_E_BAD_REQUEST;
		c.p = colon + 1;
		c.end = eol;
		skip_ows(&c);
		while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
			c.end--;
		if (eq_nocase(s, (size_t)(colon - s), "content-disposition")) {
			if (seen_disp)
				return BGW_E_BAD_REQUEST;
			seen_disp = true;
			if ((e = parse_disposition(p, &c)) != BGW_OK)
				return e;
		} else if (eq_nocase(s, (size_t)(colon - s), "content-type")) {
			size_t n = (size_t)(c.end - c.p);

			if (p->part.content_type != NULL || n == 0 || n >= vals_room(p))
				return BGW_E_BAD_REQUEST;
			memcpy(p->vals + p->vals_len, c.p, n);
			p->part.content_type = keep_value(p, n);
			if (!utf8_valid(p->part.content_type, n))
				return BGW_E_BAD_REQUEST;
		} else if (eq_nocase(s, (size_t)(colon - s), "content-transfer-encoding")) {
			size_t n = (size_t)(c.end - c.p);

			/* Anything else would hand the caller encoded bytes as the file. */
			if (seen_cte || !(eq_nocase(c.p, n, "binary") ||
			    eq_nocase(c.p, n, "8bit") || eq_nocase(c.p, n, "7bit")))
				return BGW_E_BAD_REQUEST;
			seen_cte = true;
		}
		s = eol + 2;
	}
	return seen_disp ? BGW_OK : BGW_E_BAD_REQUEST;
}

static bgw_err
fail(multipart_parser *p, bgw_err e)
{
	p->err = e;
	return e;
}

static bgw_err
emit(multipart_parser *p, const char *buf, size_t n)
{
	if (n == 0 || p->state != ST_DATA || p->cb->part_data == NULL)
		return BGW_OK;
	return p->cb->part_data(p->ud, buf, n);
}

/* Search buf[0..n) for the rest of the delimiter, passing data on in ST_DATA.  Sets *used to
 * the bytes consumed and *found if the delimiter ended at buf[*used - 1]; bytes that might
 * begin a delimiter at the end of buf are held back (as p->match) until the next chunk. */
static bgw_err
scan_delim(multipart_parser *p, const char *buf, size_t n, size_t *used, bool *found)
{
	size_t m = p->match, i = 0;
	bgw_err e;

	*found = false;
	while (i < n) {
		if (m == 0) {
			const char *cr = memchr(buf + i, '\r', n - i);

			if (cr == NULL) {
				i = n;
				break;
			}
			i = (size_t)(cr - buf) + 1;
			m = 1;
		} else if (buf[i] == p->delim[m]) {
			i++;
			if (++m == p->delim_len) {
				*found = true;
				break;
			}
		} else {
			/* Not a delimiter after all.  If it began in an earlier chunk, those
			 * bytes were held back and come before buf[0]: pass them on now.  This
			 * happens at most once a chunk, before any of buf is passed on. */
			if (m > i && (e = emit(p, p->delim, m - i)) != BGW_OK)
				return e;
			m = 0; /* and look at buf[i] again */
		}
	}
	p->match = *found ? 0 : m;
	*used = i;
	if (*found)
		return emit(p, buf, i > p->delim_len ? i - p->delim_len : 0);
	return emit(p, buf, n > m ? n - m : 0);
}

/* One byte of a header block; *done when the block's empty line is complete. */
static bgw_err
header_byte(multipart_parser *p, unsigned char ch, bool *done)
{
	bool after_cr = p->hdr_len > p->line_start && p->hdr[p->hdr_len - 1] == '\r';

	*done = false;
	if (p->hdr_len == p->lim.max_header_bytes)
		return BGW_E_BAD_REQUEST;
	if (after_cr != (ch == '\n'))
		return BGW_E_BAD_REQUEST; /* bare CR or bare LF */
	if (p->hdr_len == p->line_start && (ch == ' ' || ch == '\t'))
		return BGW_E_BAD_REQUEST; /* folded line (obs-fold) */
	if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7F)
		return BGW_E_BAD_REQUEST;
	p->hdr[p->hdr_len++] = (char)ch;
	if (ch == '\n') {
		*done = p->hdr_len - p->line_start == 2;
		p->line_start = p->hdr_len;
	}
	return BGW_OK;
}

/* A delimiter line is complete: end the part before it, if any. */
static bgw_err
end_part(multipart_parser *p)
{
	if (!p->in_part)
		return BGW_OK;
	p->in_part = false;
	return p->cb->part_end != NULL ? p->cb->part_end(p->ud) : BGW_OK;
}

static bgw_err
begin_part(multipart_parser *p)
{
	bgw_err e;

	if (p->parts == p->lim.max_parts)
		return BGW_E_BAD_REQUEST;
	p->parts++;
	if ((e = parse_headers(p)) != BGW_OK)
		return e;
	p->in_part = true;
	return p->cb->part_begin != NULL ? p->cb->part_begin(p->ud, &p->part) : BGW_OK;
}

static bgw_err
feed(multipart_parser *p, const char *buf, size_t n)
{
	size_t off = 0, used;
	bool found;
	bgw_err e;

	while (off < n) {
		unsigned char ch = (unsigned char)buf[off];

		switch (p->state) {
		case ST_PREAMBLE:
		case ST_DATA:
			if ((e = scan_delim(p, buf + off, n - off, &used, &found)) != BGW_OK)
				return e;
			off += used;
			if (found)
				p->state = ST_DELIM;
			continue;
		case ST_DELIM:
			if (ch == '-')
				p->state = ST_CLOSE;
			else if (ch == ' ' || ch == '\t')
				p->state = ST_PAD;
			else if (ch == '\r')
				p->state = ST_DELIM_LF;
			else
				return BGW_E_BAD_REQUEST;
			break;
		case ST_PAD:
			if (ch == '\r')
				p->state = ST_DELIM_LF;
			else if (ch != ' ' && ch != '\t')
				return BGW_E_BAD_REQUEST;
			break;
		case ST_DELIM_LF:
			if (ch != '\n')
				return BGW_E_BAD_REQUEST;
			if ((e = end_part(p)) != BGW_OK)
				return e;
			p->state = ST_HEADERS;
			p->hdr_len = 0;
			p->line_start = 0;
			break;
		case ST_CLOSE:
			/* RFC 2046 requires one part at least. */
			if (ch != '-' || p->parts == 0)
				return BGW_E_BAD_REQUEST;
			if ((e = end_part(p)) != BGW_OK)
				return e;
			p->state = ST_EPILOGUE;
			break;
		case ST_HEADERS:
			if ((e = header_byte(p, ch, &found)) != BGW_OK)
				return e;
			if (found) {
				if ((e = begin_part(p)) != BGW_OK)
					return e;
				p->state = ST_DATA;
				p->match = 0;
			}
			break;
		case ST_EPILOGUE:
			return BGW_OK;
		case ST_FINISHED:
			return BGW_E_INTERNAL;
		}
		off++;
	}
	return BGW_OK;
}

bgw_err
multipart_feed(multipart_parser *p, const char *buf, size_t n)
{
	if (p->err != BGW_OK)
		return p->err;
	if (p->state == ST_FINISHED)
		return BGW_E_INTERNAL;
	if (n > p->lim.max_total - p->total)
		return fail(p, BGW_E_TOO_LARGE);
	p->total += n;
	return fail(p, feed(p, buf, n));
}

bgw_err
multipart_finish(multipart_parser *p)
{
	if (p->err != BGW_OK)
		return p->err;
	if (p->state == ST_FINISHED)
		return BGW_OK;
	if (p->state != ST_EPILOGUE)
		return fail(p, BGW_E_BAD_REQUEST);
	p->state = ST_FINISHED;
	return BGW_OK;
}

/* The boundary parameter of a Content-Type value; *bnd points into arena memory. */
static bgw_err
parse_content_type(bgw_arena *a, const char *ct, const char **bnd, size_t *bnd_len)
{
	struct cur c = {ct, ct + strlen(ct)};
	const char *tok, *pname;
	size_t n, pname_len, vlen, i;
	char *val;
	size_t room = (size_t)(c.end - c.p) + 1;
	bool quoted;
	int r;

	skip_ows(&c);
	if (!take_token(&c, &tok, &n) || !eq_nocase(tok, n, "multipart") ||
	    c.p == c.end || *c.p++ != '/' || !take_token(&c, &tok, &n) ||
	    !eq_nocase(tok, n, "form-data"))
		return BGW_E_UNSUPPORTED_TYPE;
	val = bgw_arena_alloc(a, room);
	if (val == NULL)
		return BGW_E_NOMEM;
	*bnd = NULL;
	while ((r = next_param(&c, &pname, &pname_len, val, room, &vlen, &quoted)) == 1) {
		if (!eq_nocase(pname, pname_len, "boundary"))
			continue;
		if (*bnd != NULL)
			return BGW_E_BAD_REQUEST;
		*bnd = val;
		*bnd_len = vlen;
		val += vlen; /* keep it: later parameters decode behind it */
		room -= vlen;
	}
	if (r < 0 || *bnd == NULL || *bnd_len == 0 || *bnd_len > MULTIPART_BOUNDARY_MAX ||
	    (*bnd)[*bnd_len - 1] == ' ')
		return BGW_E_BAD_REQUEST;
	for (i = 0; i < *bnd_len; i++)
		if (!is_bchar((unsigned char)(*bnd)[i]))
			return BGW_E_BAD_REQUEST;
	return BGW_OK;
}

bgw_err
multipart_new(bgw_arena *a, const char *content_type, const multipart_limits *lim,
    const multipart_callbacks *cb, void *ud, multipart_parser **out)
{
	static const multipart_limits defaults = {
		MULTIPART_DEFAULT_MAX_PARTS,
		MULTIPART_DEFAULT_MAX_HEADER_BYTES,
		MULTIPART_DEFAULT_MAX_TOTAL,
	};
	multipart_parser *p;
	const char *bnd = NULL;
	size_t bnd_len = 0;
	bgw_err e;

	*out = NULL;
	if (lim == NULL)
		lim = &defaults;
	if (cb == NULL || lim->max_parts == 0 || lim->max_header_bytes == 0 ||
	    lim->max_total == 0 || lim->max_header_bytes == (size_t)-1)
		return BGW_E_INTERNAL;
	if (content_type == NULL)
		return BGW_E_UNSUPPORTED_TYPE;
	if ((e = parse_content_type(a, content_type, &bnd, &bnd_len)) != BGW_OK)
		return e;
	p = bgw_arena_alloc(a, sizeof(*p));
	if (p == NULL)
		return BGW_E_NOMEM;
	p->lim = *lim;
	p->cb = cb;
	p->ud = ud;
	p->state = ST_PREAMBLE;
	p->delim_len = DELIM_PREFIX_LEN + bnd_len;
	p->delim = bgw_arena_alloc(a, p->delim_len);
	p->hdr = bgw_arena_alloc(a, lim->max_header_bytes);
	p->vals = bgw_arena_alloc(a, lim->max_header_bytes + 1);
	if (p->delim == NULL || p->hdr == NULL || p->vals == NULL)
		return BGW_E_NOMEM;
	memcpy(p->delim, "\r\n--", DELIM_PREFIX_LEN);
	memcpy(p->delim + DELIM_PREFIX_LEN, bnd, bnd_len);
	/* The body's first line has no CRLF before it: count one as already matched. */
	p->match = 2;
	*out = p;
	return BGW_OK;
}
