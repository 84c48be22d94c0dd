/* test_multipart.c - the streaming multipart parser: table-driven bodies fed whole, split at
 * every offset (in two and in three) and byte by byte; Content-Type parsing; limits; sticky
 * errors; callback errors; a 20 MiB body and thousands of parts in a bounded arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"
#define CD "Content-Disposition: form-data; "
#define END "\r\n--XyZ--\r\n"
/* A string literal with its length, NUL bytes included. */
#define B(s) s, sizeof(s) - 1

/* Records the events of one parse as text: <name|filename|type> data... </>, with ~ for
 * NULL, so a whole run compares as one string. */
struct rec {
	char *buf;
	size_t len;
	size_t cap;
	int open;             /* part_begin without part_end */
	bgw_err fail_begin;   /* returned by the n-th callback of its kind, if set */
	bgw_err fail_data;
	bgw_err fail_end;
	size_t fail_after;
	size_t begins, datas, ends;
};

static void
rec_add(struct rec *r, const char *s, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		r->cap = (r->len + n + 1) * 2;
		r->buf = realloc(r->buf, r->cap);
		assert_non_null(r->buf);
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len] = '\0';
}

static void
rec_str(struct rec *r, const char *s)
{
	rec_add(r, s != NULL ? s : "~", strlen(s != NULL ? s : "~"));
}

static bgw_err
on_begin(void *ud, const multipart_part *p)
{
	struct rec *r = ud;

	assert_false(r->open);
	assert_non_null(p->name);
	assert_true(p->name[0] != '\0');
	r->open = 1;
	rec_add(r, "<", 1);
	rec_str(r, p->name);
	rec_add(r, "|", 1);
	rec_str(r, p->filename);
	rec_add(r, "|", 1);
	rec_str(r, p->content_type);
	rec_add(r, ">", 1);
	if (r->fail_begin != BGW_OK && ++r->begins > r->fail_after)
		return r->fail_begin;
	return BGW_OK;
}

static bgw_err
on_data(void *ud, const char *buf, size_t n)
{
	struct rec *r = ud;

	assert_true(r->open);
	assert_true(n > 0);
	rec_add(r, buf, n);
	if (r->fail_data != BGW_OK && ++r->datas > r->fail_after)
		return r->fail_data;
	return BGW_OK;
}

static bgw_err
on_end(void *ud)
{
	struct rec *r = ud;

	assert_true(r->open);
	r->open = 0;
	rec_add(r, "</>", 3);
	if (r->fail_end != BGW_OK && ++r->ends > r->fail_after)
		return r->fail_end;
	return BGW_OK;
}

static const multipart_callbacks rec_cb = {on_begin, on_data, on_end};

/* Parse body cut at cuts[0..ncuts) (ascending), then finish: the first error, or BGW_OK. */
static bgw_err
run(const char *ct, const multipart_limits *lim, const char *body, size_t n,
    const size_t *cuts, size_t ncuts, struct rec *r)
{
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	size_t i, from = 0;
	bgw_err e;

	assert_non_null(a);
	memset(r, 0, sizeof(*r));
	rec_add(r, "", 0);
	e = multipart_new(a, ct, lim, &rec_cb, r, &p);
	assert_int_equal(e, BGW_OK);
	for (i = 0; i <= ncuts && e == BGW_OK; i++) {
		size_t to = i < ncuts ? cuts[i] : n;

		e = multipart_feed(p, body + from, to - from);
		from = to;
	}
	if (e == BGW_OK)
		e = multipart_finish(p);
	else /* sticky */
		assert_int_equal(multipart_finish(p), e);
	bgw_arena_free(a);
	return e;
}

/* Byte by byte, stopping at the first error. */
static bgw_err
run_bytes(const char *ct, const multipart_limits *lim, const char *body, size_t n,
    struct rec *r)
{
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	size_t i;
	bgw_err e;

	assert_non_null(a);
	memset(r, 0, sizeof(*r));
	rec_add(r, "", 0);
	assert_int_equal(multipart_new(a, ct, lim, &rec_cb, r, &p), BGW_OK);
	for (i = 0, e = BGW_OK; i < n && e == BGW_OK; i++)
		e = multipart_feed(p, body + i, 1);
	if (e == BGW_OK)
		e = multipart_finish(p);
	bgw_arena_free(a);
	return e;
}

struct vec {
	const char *what;
	const char *ct;     /* NULL: CT */
	const char *body;
	size_t len;
	bgw_err want;
	const char *events; /* what rec records, also for errors (the parts before it) */
	size_t events_len;
};

static const struct vec vecs[] = {
	/* valid */
	{"one field", NULL, B("--XyZ\r\n" CD "name=\"a\"\r\n\r\nhello" END), BGW_OK,
	 B("<a|~|~>hello</>")},
	{"field and file", NULL,
	 B("--XyZ\r\n" CD "name=\"title\"\r\n\r\nQ4\r\n--XyZ\r\n"
	   CD "name=\"file\"; filename=\"bank.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
	   "%PDF-1.7\r\n..." END),
	 BGW_OK, B("<title|~|~>Q4</><file|bank.pdf|application/pdf>%PDF-1.7\r\n...</>")},
	{"preamble and epilogue", NULL,
	 B("This is a preamble.\r\n--XyZ\r\n" CD "name=a\r\n\r\nx" END "epilogue\r\n--XyZ\r\n"),
	 BGW_OK, B("<a|~|~>x</>")},
	{"body starts with crlf", NULL, B("\r\n--XyZ\r\n" CD "name=a\r\n\r\nx" END), BGW_OK,
	 B("<a|~|~>x</>")},
	{"preamble with --XyZ not at line start", NULL,
	 B("junk --XyZ\r\n--XyZ\r\n" CD "name=a\r\n\r\nx" END), BGW_OK, B("<a|~|~>x</>")},
	{"empty data", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\n" END), BGW_OK, B("<a|~|~></>")},
	{"data holding near-delimiters", NULL,
	 B("--XyZ\r\n" CD "name=a\r\n\r\n"
	   "--XyZ x--XyZ\r\n-\r\n--\r\n--X\r\n--XyY\r\r\n\n--Xy\r\r\n" END),
	 BGW_OK, B("<a|~|~>--XyZ x--XyZ\r\n-\r\n--\r\n--X\r\n--XyY\r\r\n\n--Xy\r\r\n</>")},
	{"data ends in cr", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nx\r\r\n--XyZ--"), BGW_OK,
	 B("<a|~|~>x\r</>")},
	{"binary data with nul", NULL,
	 B("--XyZ\r\n" CD "name=f; filename=b.bin\r\n\r\n\0\x01\xff\r\0\n" END), BGW_OK,
	 B("<f|b.bin|~>\0\x01\xff\r\0\n</>")},
	{"close without crlf", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ--"), BGW_OK,
	 B("<a|~|~>x</>")},
	{"transport padding", NULL,
	 B("--XyZ \t \r\n" CD "name=a\r\n\r\nx\r\n--XyZ\t\r\n" CD "name=b\r\n\r\ny" END),
	 BGW_OK, B("<a|~|~>x</><b|~|~>y</>")},
	{"header names and type any case", NULL,
	 B("--XyZ\r\nCONTENT-DISPOSITION: Form-Data; NAME=\"a\"; FileName=\"f\"\r\n"
	   "content-TYPE: text/plain\r\n\r\nx" END),
	 BGW_OK, B("<a|f|text/plain>x</>")},
	{"escaped quotes", NULL,
	 B("--XyZ\r\n" CD "name=\"a\\\"b\"; filename=\"x\\\"y\\\\z;w=v.pdf\"\r\n\r\nd" END),
	 BGW_OK, B("<a\"b|x\"y\\z;w=v.pdf|~>d</>")},
	{"filename* utf-8 wins", NULL,
	 B("--XyZ\r\n" CD "name=file; filename=\"fallback.pdf\"; "
	   "filename*=UTF-8''%E2%82%AC%20rates.pdf\r\n\r\nd" END),
	 BGW_OK, B("<file|\xe2\x82\xac rates.pdf|~>d</>")},
	{"filename* before filename", NULL,
	 B("--XyZ\r\n" CD "name=file; filename*=utf-8'en'a.pdf; filename=\"b.pdf\"\r\n\r\nd" END),
	 BGW_OK, B("<file|a.pdf|~>d</>")},
	{"filename* latin-1", NULL,
	 B("--XyZ\r\n" CD "name=file; filename*=ISO-8859-1'fr'caf%E9.txt\r\n\r\nd" END),
	 BGW_OK, B("<file|caf\xc3\xa9.txt|~>d</>")},
	{"empty filename", NULL,
	 B("--XyZ\r\n" CD "name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream"
	   "\r\n\r\n" END),
	 BGW_OK, B("<file||application/octet-stream></>")},
	{"raw utf-8 filename", NULL,
	 B("--XyZ\r\n" CD "name=\"file\"; filename=\"r\xc3\xa9sum\xc3\xa9 O'Brien & Co (2024).pdf\""
	   "\r\n\r\nd" END),
	 BGW_OK, B("<file|r\xc3\xa9sum\xc3\xa9 O'Brien & Co (2024).pdf|~>d</>")},
	{"other headers ignored", NULL,
	 B("--XyZ\r\nX-Whatever: \"unbalanced\r\n" CD "name=a; size=3; x=\"y\"\r\n"
	   "Content-Transfer-Encoding: Binary\r\n\r\nd" END),
	 BGW_OK, B("<a|~|~>d</>")},
	{"ows around header values", NULL,
	 B("--XyZ\r\nContent-Disposition:form-data;name=a \t\r\nContent-Type: \t text/csv ; "
	   "charset=utf-8 \r\n\r\nd" END),
	 BGW_OK, B("<a|~|text/csv ; charset=utf-8>d</>")},
	{"trailing semicolon", NULL, B("--XyZ\r\n" CD "name=a;\r\n\r\nd" END), BGW_OK,
	 B("<a|~|~>d</>")},
	{"quoted boundary with specials", "multipart/form-data; charset=utf-8; boundary=\"a b:c?=/\"",
	 B("--a b:c?=/\r\n" CD "name=a\r\n\r\nd\r\n--a b:c?=/--"), BGW_OK, B("<a|~|~>d</>")},
	{"one-char boundary", "multipart/form-data;boundary=-",
	 B("---\r\n" CD "name=a\r\n\r\n-\r\n-\r\n---\r\n" CD "name=b\r\n\r\n\r\n-----"), BGW_OK,
	 B("<a|~|~>-\r\n-</><b|~|~></>")},
	{"70-char boundary",
	 "multipart/form-data; boundary=0123456789012345678901234567890123456789012345678901234567890123456789",
	 B("--0123456789012345678901234567890123456789012345678901234567890123456789\r\n"
	   CD "name=a\r\n\r\nx\r\n--012345678901234567890123456789012345678901234567890123456789012345678"
	   "y\r\n--0123456789012345678901234567890123456789012345678901234567890123456789--"),
	 BGW_OK,
	 B("<a|~|~>x\r\n--012345678901234567890123456789012345678901234567890123456789012345678y</>")},
	{"same name twice is the caller's business", NULL,
	 B("--XyZ\r\n" CD "name=a\r\n\r\n1\r\n--XyZ\r\n" CD "name=a\r\n\r\n2" END), BGW_OK,
	 B("<a|~|~>1</><a|~|~>2</>")},

	/* truncated or empty */
	{"empty body", NULL, B(""), BGW_E_BAD_REQUEST, B("")},
	{"only a preamble", NULL, B("hello\r\n"), BGW_E_BAD_REQUEST, B("")},
	{"zero parts", NULL, B("--XyZ--\r\n"), BGW_E_BAD_REQUEST, B("")},
	{"zero parts after preamble", NULL, B("x\r\n--XyZ--"), BGW_E_BAD_REQUEST, B("")},
	{"truncated after delimiter", NULL, B("--XyZ"), BGW_E_BAD_REQUEST, B("")},
	{"truncated in padding", NULL, B("--XyZ  "), BGW_E_BAD_REQUEST, B("")},
	{"truncated after delimiter cr", NULL, B("--XyZ\r"), BGW_E_BAD_REQUEST, B("")},
	{"truncated in headers", NULL, B("--XyZ\r\n" CD "name=a\r\n"), BGW_E_BAD_REQUEST, B("")},
	{"truncated in data", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nabc"), BGW_E_BAD_REQUEST,
	 B("<a|~|~>abc")},
	{"truncated in delimiter", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nabc\r\n--Xy"),
	 BGW_E_BAD_REQUEST, B("<a|~|~>abc")},
	{"no close delimiter", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nabc\r\n--XyZ\r\n"),
	 BGW_E_BAD_REQUEST, B("<a|~|~>abc</>")},
	{"half a close", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nabc\r\n--XyZ-"),
	 BGW_E_BAD_REQUEST, B("<a|~|~>abc")},

	/* delimiter lines */
	{"byte after boundary", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZx\r\n" END),
	 BGW_E_BAD_REQUEST, B("<a|~|~>x")},
	{"first boundary longer", NULL, B("--XyZZ\r\n" CD "name=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"dash then other", NULL, B("--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ-x"),
	 BGW_E_BAD_REQUEST, B("<a|~|~>x")},
	{"padding then other", NULL, B("--XyZ \tx\r\n" CD "name=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"bare lf after boundary", NULL, B("--XyZ\n" CD "name=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"cr without lf after boundary", NULL, B("--XyZ\rx" CD "name=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},

	/* header block */
	{"no headers", NULL, B("--XyZ\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},
	{"no content-disposition", NULL, B("--XyZ\r\nContent-Type: text/plain\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"no name", NULL, B("--XyZ\r\n" CD "filename=\"a.pdf\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"empty name", NULL, B("--XyZ\r\n" CD "name=\"\"\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},
	{"not form-data", NULL,
	 B("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"no disposition type", NULL, B("--XyZ\r\nContent-Disposition: name=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"name twice", NULL, B("--XyZ\r\n" CD "name=a; name=b\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"name twice any case", NULL, B("--XyZ\r\n" CD "name=a; NAME=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"filename twice", NULL,
	 B("--XyZ\r\n" CD "name=a; filename=x; filename=\"y\"\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"filename* twice", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=utf-8''x; filename*=utf-8''y\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"content-disposition twice", NULL,
	 B("--XyZ\r\n" CD "name=a\r\n" CD "name=b\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},
	{"content-type twice", NULL,
	 B("--XyZ\r\n" CD "name=a\r\nContent-Type: a/b\r\ncontent-type: c/d\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"empty content-type", NULL, B("--XyZ\r\n" CD "name=a\r\nContent-Type: \r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"latin-1 content-type", NULL,
	 B("--XyZ\r\n" CD "name=a\r\nContent-Type: text/plain; x=\xe9\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"folded header", NULL, B("--XyZ\r\n" CD "name=a;\r\n filename=b\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"folded header with tab", NULL, B("--XyZ\r\n" CD "name=a\r\nX-A: b\r\n\tc\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"whitespace before first header", NULL, B("--XyZ\r\n " CD "name=a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"nul in header", NULL, B("--XyZ\r\n" CD "name=\"a\0b\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"nul in ignored header", NULL, B("--XyZ\r\n" CD "name=a\r\nX-A: \0\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"control byte in header", NULL, B("--XyZ\r\n" CD "name=\"a\x01\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"control byte in ignored header", NULL,
	 B("--XyZ\r\n" CD "name=a\r\nX-A: \x1b[2J\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},
	{"del in header", NULL, B("--XyZ\r\n" CD "name=\"a\x7f\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"bare lf in headers", NULL, B("--XyZ\r\n" CD "name=a\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"bare lf ends headers", NULL, B("--XyZ\r\n" CD "name=a\r\n\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"bare lf in ignored header", NULL, B("--XyZ\r\n" CD "name=a\r\nX-A: b\nc\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"bare cr in header", NULL, B("--XyZ\r\n" CD "name=a\rb\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"boundary in header section", NULL, B("--XyZ\r\n" CD "name=a\r\n--XyZ--\r\n"),
	 BGW_E_BAD_REQUEST, B("")},
	{"header without colon", NULL, B("--XyZ\r\n" CD "name=a\r\nhello\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"empty header name", NULL, B("--XyZ\r\n" CD "name=a\r\n: v\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"space before colon", NULL, B("--XyZ\r\nContent-Disposition : form-data; name=a\r\n\r\nx"
	   END), BGW_E_BAD_REQUEST, B("")},
	{"unterminated quote", NULL, B("--XyZ\r\n" CD "name=\"a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"escape at end of quote", NULL, B("--XyZ\r\n" CD "name=\"a\\\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"backslash at end of value", NULL, B("--XyZ\r\n" CD "name=\"a\\\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"empty parameter name", NULL, B("--XyZ\r\n" CD "name=a; =b\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"space around equals", NULL, B("--XyZ\r\n" CD "name = a\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"missing semicolon", NULL, B("--XyZ\r\n" CD "name=a filename=b\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"missing parameter value", NULL, B("--XyZ\r\n" CD "name=a; filename=\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"text after quoted value", NULL, B("--XyZ\r\n" CD "name=\"a\"b\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"base64 transfer encoding", NULL,
	 B("--XyZ\r\n" CD "name=a\r\nContent-Transfer-Encoding: base64\r\n\r\neA==" END),
	 BGW_E_BAD_REQUEST, B("")},

	/* decoded values */
	{"latin-1 name", NULL, B("--XyZ\r\n" CD "name=\"caf\xe9\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"latin-1 filename", NULL, B("--XyZ\r\n" CD "name=a; filename=\"caf\xe9.pdf\"\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"overlong in filename", NULL,
	 B("--XyZ\r\n" CD "name=a; filename=\"\xc0\xaf.pdf\"\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"surrogate in filename*", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=UTF-8''%ED%A0%80.pdf\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"nul in filename*", NULL, B("--XyZ\r\n" CD "name=a; filename*=UTF-8''a%00.pdf\r\n\r\nx"
	   END), BGW_E_BAD_REQUEST, B("")},
	{"newline in filename*", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=UTF-8''a%0d%0A.pdf\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"filename* unknown charset", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=utf-16''a.pdf\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"filename* no charset", NULL, B("--XyZ\r\n" CD "name=a; filename*=''a.pdf\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"filename* no quotes", NULL, B("--XyZ\r\n" CD "name=a; filename*=a.pdf\r\n\r\nx" END),
	 BGW_E_BAD_REQUEST, B("")},
	{"filename* one quote", NULL, B("--XyZ\r\n" CD "name=a; filename*=utf-8'a.pdf\r\n\r\nx"
	   END), BGW_E_BAD_REQUEST, B("")},
	{"filename* quoted", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=\"utf-8''a.pdf\"\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"filename* bad escape", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=utf-8''a%2.pdf\r\n\r\nx" END), BGW_E_BAD_REQUEST,
	 B("")},
	{"filename* escape at end", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=utf-8''a%4\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},
	{"filename* raw non-attr-char", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=utf-8''a'b\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},
	{"filename* bad language", NULL,
	 B("--XyZ\r\n" CD "name=a; filename*=utf-8'e*n'a\r\n\r\nx" END), BGW_E_BAD_REQUEST, B("")},

	/* a later part fails after an earlier one was delivered */
	{"second part bad", NULL,
	 B("--XyZ\r\n" CD "name=a\r\n\r\n1\r\n--XyZ\r\n" CD "name=\"\"\r\n\r\n2" END),
	 BGW_E_BAD_REQUEST, B("<a|~|~>1</>")},
};

/* Every vector fed whole, byte by byte, in two at every offset and, for short bodies, in
 * three at every pair of offsets: the same events and the same result each time. */
static void
test_vectors(void **state)
{
	size_t v, i, j;
	struct rec r;

	(void)state;
	for (v = 0; v < sizeof(vecs) / sizeof(vecs[0]); v++) {
		const struct vec *t = &vecs[v];
		const char *ct = t->ct != NULL ? t->ct : CT;
		size_t elen = t->events_len;
		bgw_err e;

		print_message("# %s\n", t->what);
		e = run(ct, NULL, t->body, t->len, NULL, 0, &r);
		assert_int_equal(e, t->want);
		assert_int_equal(r.len, elen);
		assert_memory_equal(r.buf, t->events, elen);
		free(r.buf);

		e = run_bytes(ct, NULL, t->body, t->len, &r);
		assert_int_equal(e, t->want);
		assert_int_equal(r.len, elen);
		assert_memory_equal(r.buf, t->events, elen);
		free(r.buf);

		for (i = 0; i <= t->len; i++) {
			e = run(ct, NULL, t->body, t->len, &i, 1, &r);
			assert_int_equal(e, t->want);
			assert_int_equal(r.len, elen);
			assert_memory_equal(r.buf, t->events, elen);
			free(r.buf);
		}
		if (t->len > 160)
			continue;
		for (i = 0; i <= t->len; i++) {
			for (j = i; j <= t->len; j++) {
				size_t cuts[2] = {i, j};

				e = run(ct, NULL, t->body, t->len, cuts, 2, &r);
				assert_int_equal(e, t->want);
				assert_int_equal(r.len, elen);
				assert_memory_equal(r.buf, t->events, elen);
				free(r.buf);
			}
		}
	}
}

struct ct_vec {
	const char *ct;
	bgw_err want;
};

static const struct ct_vec ct_vecs[] = {
	{"multipart/form-data; boundary=abc", BGW_OK},
	{"Multipart/Form-Data;boundary=abc", BGW_OK},
	{"  multipart/form-data ; BOUNDARY=abc ; charset=utf-8 ", BGW_OK},
	{"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", BGW_OK},
	{"multipart/form-data; boundary=\"quoted:/=?() ,+_'.x\"", BGW_OK},
	{"multipart/form-data; boundary=abc;", BGW_OK},
	{"multipart/form-data; boundary="
	 "0123456789012345678901234567890123456789012345678901234567890123456789", BGW_OK},
	{NULL, BGW_E_UNSUPPORTED_TYPE},
	{"", BGW_E_UNSUPPORTED_TYPE},
	{"application/json", BGW_E_UNSUPPORTED_TYPE},
	{"multipart/mixed; boundary=abc", BGW_E_UNSUPPORTED_TYPE},
	{"multipart/form-datax; boundary=abc", BGW_E_UNSUPPORTED_TYPE},
	{"multipart; boundary=abc", BGW_E_UNSUPPORTED_TYPE},
	{"multipart/form-data", BGW_E_BAD_REQUEST},
	{"multipart/form-data; charset=utf-8", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=\"\"", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary="
	 "01234567890123456789012345678901234567890123456789012345678901234567890",
	 BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=\"abc \"", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=a; boundary=b", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=a; Boundary=a", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=\"a\x01\"", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=\"a\rb\"", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=\"a\xc3\xa9\"", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=a*b", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary = abc", BGW_E_BAD_REQUEST},
	{"multipart/form-data boundary=abc", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=\"abc", BGW_E_BAD_REQUEST},
	{"multipart/form-data; boundary=abc, text/plain", BGW_E_BAD_REQUEST},
};

static void
test_content_type(void **state)
{
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	size_t i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < sizeof(ct_vecs) / sizeof(ct_vecs[0]); i++) {
		print_message("# %s\n", ct_vecs[i].ct != NULL ? ct_vecs[i].ct : "(null)");
		p = (multipart_parser *)&p;
		assert_int_equal(multipart_new(a, ct_vecs[i].ct, NULL, &rec_cb, NULL, &p),
		    ct_vecs[i].want);
		if (ct_vecs[i].want == BGW_OK)
			assert_non_null(p);
		else
			assert_null(p);
	}
	bgw_arena_free(a);
}

/* The boundary comes from the Content-Type: a body framed with another one is no body. */
static void
test_boundary_from_content_type(void **state)
{
	static const char body[] = "--abc\r\n" CD "name=a\r\n\r\nx\r\n--abc--";
	struct rec r;

	(void)state;
	assert_int_equal(run("multipart/form-data; boundary=abc", NULL, B(body), NULL, 0, &r),
	    BGW_OK);
	assert_string_equal(r.buf, "<a|~|~>x</>");
	free(r.buf);
	assert_int_equal(run("multipart/form-data; boundary=abd", NULL, B(body), NULL, 0, &r),
	    BGW_E_BAD_REQUEST);
	assert_string_equal(r.buf, "");
	free(r.buf);
	/* "ab" is a prefix of "abc": its delimiter is followed by "c", which is refused */
	assert_int_equal(run("multipart/form-data; boundary=ab", NULL, B(body), NULL, 0, &r),
	    BGW_E_BAD_REQUEST);
	free(r.buf);
}

static const char three_parts[] =
	"--XyZ\r\n" CD "name=a\r\n\r\n1\r\n"
	"--XyZ\r\n" CD "name=b\r\n\r\n2\r\n"
	"--XyZ\r\n" CD "name=c\r\nContent-Type: text/plain\r\n\r\n3" END;

static void
test_limit_parts(void **state)
{
	multipart_limits lim = {3, 1024, 1 << 20};
	struct rec r;

	(void)state;
	assert_int_equal(run(CT, &lim, B(three_parts), NULL, 0, &r), BGW_OK);
	assert_string_equal(r.buf, "<a|~|~>1</><b|~|~>2</><c|~|text/plain>3</>");
	free(r.buf);
	lim.max_parts = 2;
	assert_int_equal(run(CT, &lim, B(three_parts), NULL, 0, &r), BGW_E_BAD_REQUEST);
	assert_string_equal(r.buf, "<a|~|~>1</><b|~|~>2</>");
	free(r.buf);
	lim.max_parts = 1;
	assert_int_equal(run_bytes(CT, &lim, B(three_parts), &r), BGW_E_BAD_REQUEST);
	assert_string_equal(r.buf, "<a|~|~>1</>");
	free(r.buf);
}

/* The largest header block of three_parts is the third: both lines and the empty one. */
static void
test_limit_header_bytes(void **state)
{
	size_t block = strlen(CD "name=c\r\nContent-Type: text/plain\r\n\r\n");
	multipart_limits lim = {10, block, 1 << 20};
	struct rec r;

	(void)state;
	assert_int_equal(run(CT, &lim, B(three_parts), NULL, 0, &r), BGW_OK);
	free(r.buf);
	assert_int_equal(run_bytes(CT, &lim, B(three_parts), &r), BGW_OK);
	free(r.buf);
	lim.max_header_bytes = block - 1;
	assert_int_equal(run(CT, &lim, B(three_parts), NULL, 0, &r), BGW_E_BAD_REQUEST);
	assert_string_equal(r.buf, "<a|~|~>1</><b|~|~>2</>");
	free(r.buf);
	assert_int_equal(run_bytes(CT, &lim, B(three_parts), &r), BGW_E_BAD_REQUEST);
	assert_string_equal(r.buf, "<a|~|~>1</><b|~|~>2</>");
	free(r.buf);
}

/* A header line that never ends stops at the limit, however it is fed. */
static void
test_gigantic_header(void **state)
{
	multipart_limits lim = {10, 4096, 64u << 20};
	size_t n = 8u << 20, i;
	char *body = malloc(n);
	struct rec r;

	(void)state;
	assert_non_null(body);
	memcpy(body, "--XyZ\r\nX-Long: ", 15);
	memset(body + 15, 'a', n - 15);
	assert_int_equal(run(CT, &lim, body, n, NULL, 0, &r), BGW_E_BAD_REQUEST);
	free(r.buf);
	for (i = 0; i < n; i += 4096) {
		size_t cut[1] = {i};

		if (i > 8192)
			break;
		assert_int_equal(run(CT, &lim, body, n, cut, 1, &r), BGW_E_BAD_REQUEST);
		free(r.buf);
	}
	free(body);
}

static void
test_limit_total(void **state)
{
	multipart_limits lim = {10, 1024, sizeof(three_parts) - 1};
	size_t cut[1] = {10};
	struct rec r;

	(void)state;
	assert_int_equal(run(CT, &lim, B(three_parts), NULL, 0, &r), BGW_OK);
	free(r.buf);
	assert_int_equal(run_bytes(CT, &lim, B(three_parts), &r), BGW_OK);
	free(r.buf);
	lim.max_total--;
	/* the chunk that crosses the limit is refused before any of it is parsed */
	assert_int_equal(run(CT, &lim, B(three_parts), NULL, 0, &r), BGW_E_TOO_LARGE);
	assert_string_equal(r.buf, "");
	free(r.buf);
	assert_int_equal(run(CT, &lim, B(three_parts), cut, 1, &r), BGW_E_TOO_LARGE);
	free(r.buf);
	/* byte by byte, only the epilogue's last byte is refused: the parts were complete */
	assert_int_equal(run_bytes(CT, &lim, B(three_parts), &r), BGW_E_TOO_LARGE);
	assert_string_equal(r.buf, "<a|~|~>1</><b|~|~>2</><c|~|text/plain>3</>");
	free(r.buf);
}

static void
test_bad_limits(void **state)
{
	static const multipart_limits bad[] = {
		{0, 1024, 1024}, {1, 0, 1024}, {1, 1024, 0}, {1, SIZE_MAX, 1024},
	};
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	size_t i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(multipart_new(a, CT, &bad[i], &rec_cb, NULL, &p),
		    BGW_E_INTERNAL);
	assert_int_equal(multipart_new(a, CT, NULL, NULL, NULL, &p), BGW_E_INTERNAL);
	bgw_arena_free(a);
}

/* After an error, every feed and finish answers the same error, even for good bytes. */
static void
test_sticky_error(void **state)
{
	static const char bad[] = "--XyZ\r\n\r\n";
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	struct rec r = {0};

	(void)state;
	assert_int_equal(multipart_new(a, CT, NULL, &rec_cb, &r, &p), BGW_OK);
	assert_int_equal(multipart_feed(p, B(bad)), BGW_E_BAD_REQUEST);
	assert_int_equal(multipart_feed(p, B(three_parts)), BGW_E_BAD_REQUEST);
	assert_int_equal(multipart_feed(p, NULL, 0), BGW_E_BAD_REQUEST);
	assert_int_equal(multipart_finish(p), BGW_E_BAD_REQUEST);
	assert_int_equal(multipart_feed(p, B(three_parts)), BGW_E_BAD_REQUEST);
	assert_null(r.buf);

	/* too large is sticky too, even once the next chunk would fit */
	{
		multipart_limits lim = {10, 1024, 20};

		assert_int_equal(multipart_new(a, CT, &lim, &rec_cb, &r, &p), BGW_OK);
		assert_int_equal(multipart_feed(p, three_parts, 21), BGW_E_TOO_LARGE);
		assert_int_equal(multipart_feed(p, three_parts, 1), BGW_E_TOO_LARGE);
		assert_int_equal(multipart_finish(p), BGW_E_TOO_LARGE);
	}

	/* a finished parser takes no more input; finishing again is harmless */
	assert_int_equal(multipart_new(a, CT, NULL, &rec_cb, &r, &p), BGW_OK);
	assert_int_equal(multipart_feed(p, B(three_parts)), BGW_OK);
	assert_int_equal(multipart_finish(p), BGW_OK);
	assert_int_equal(multipart_finish(p), BGW_OK);
	assert_int_equal(multipart_feed(p, "x", 1), BGW_E_INTERNAL);
	free(r.buf);
	bgw_arena_free(a);
}

/* A callback's error stops parsing there and is what feed and finish return. */
static void
test_callback_errors(void **state)
{
	struct {
		bgw_err begin, data, end;
		size_t after;
		const char *events;
	} cases[] = {
		{BGW_E_VALIDATION, BGW_OK, BGW_OK, 0, "<a|~|~>"},
		{BGW_E_VALIDATION, BGW_OK, BGW_OK, 2, "<a|~|~>1</><b|~|~>2</><c|~|text/plain>"},
		{BGW_OK, BGW_E_IO, BGW_OK, 0, "<a|~|~>1"},
		{BGW_OK, BGW_E_IO, BGW_OK, 1, "<a|~|~>1</><b|~|~>2"},
		{BGW_OK, BGW_OK, BGW_E_INFECTED, 0, "<a|~|~>1</>"},
		{BGW_OK, BGW_OK, BGW_E_INFECTED, 2, "<a|~|~>1</><b|~|~>2</><c|~|text/plain>3</>"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bgw_err want = cases[i].begin | cases[i].data | cases[i].end;
		bgw_arena *a = bgw_arena_new();
		multipart_parser *p;
		struct rec r = {0};

		r.fail_begin = cases[i].begin;
		r.fail_data = cases[i].data;
		r.fail_end = cases[i].end;
		r.fail_after = cases[i].after;
		assert_int_equal(multipart_new(a, CT, NULL, &rec_cb, &r, &p), BGW_OK);
		assert_int_equal(multipart_feed(p, B(three_parts)), want);
		assert_string_equal(r.buf, cases[i].events);
		assert_int_equal(multipart_feed(p, "x", 1), want);
		assert_int_equal(multipart_finish(p), want);
		free(r.buf);
		bgw_arena_free(a);
	}
}

/* Bytes held back as a possible delimiter turn out to be data: a failing part_data for
 * them stops parsing like any other. */
static void
test_callback_error_held_bytes(void **state)
{
	static const char head[] = "--XyZ\r\n" CD "name=a\r\n\r\nabc\r\n--X";
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	struct rec r = {0};

	(void)state;
	r.fail_data = BGW_E_IO;
	r.fail_after = 1;
	assert_int_equal(multipart_new(a, CT, NULL, &rec_cb, &r, &p), BGW_OK);
	assert_int_equal(multipart_feed(p, B(head)), BGW_OK);
	assert_string_equal(r.buf, "<a|~|~>abc");
	assert_int_equal(multipart_feed(p, B("q")), BGW_E_IO);
	assert_string_equal(r.buf, "<a|~|~>abc\r\n--X");
	assert_int_equal(multipart_finish(p), BGW_E_IO);
	free(r.buf);
	bgw_arena_free(a);
}

/* No callbacks at all: the parser still validates. */
static void
test_null_callbacks(void **state)
{
	static const multipart_callbacks none = {NULL, NULL, NULL};
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;

	(void)state;
	assert_int_equal(multipart_new(a, CT, NULL, &none, NULL, &p), BGW_OK);
	assert_int_equal(multipart_feed(p, B(three_parts)), BGW_OK);
	assert_int_equal(multipart_finish(p), BGW_OK);
	assert_int_equal(multipart_new(a, CT, NULL, &none, NULL, &p), BGW_OK);
	assert_int_equal(multipart_feed(p, B("--XyZ\r\n\r\n")), BGW_E_BAD_REQUEST);
	bgw_arena_free(a);
}

static uint32_t
fnv(uint32_t h, const unsigned char *p, size_t n)
{
	while (n-- > 0) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

#define FNV_INIT 2166136261u

/* Counts instead of recording, for bodies too large to keep. */
struct count {
	size_t begins, ends, bytes, max_chunk;
	uint32_t hash;
};

static bgw_err
count_begin(void *ud, const multipart_part *p)
{
	struct count *c = ud;

	(void)p;
	c->begins++;
	return BGW_OK;
}

static bgw_err
count_data(void *ud, const char *buf, size_t n)
{
	struct count *c = ud;

	c->bytes += n;
	if (n > c->max_chunk)
		c->max_chunk = n;
	c->hash = fnv(c->hash, (const unsigned char *)buf, n);
	return BGW_OK;
}

static bgw_err
count_end(void *ud)
{
	struct count *c = ud;

	c->ends++;
	return BGW_OK;
}

static const multipart_callbacks count_cb = {count_begin, count_data, count_end};

/* xorshift: a reproducible byte stream for test data (not for anything secret). */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

#define BIG_DATA ((size_t)20 * 1024 * 1024)
#define FEED_CHUNK ((size_t)64 * 1024)

/* 20 MiB of one file part, generated and fed in 64 KiB chunks (and a few odd sizes): every
 * byte arrives, in order, and the arena does not grow past what multipart_new took. */
static void
test_large_body(void **state)
{
	static const char head[] = "preamble\r\n--XyZ\r\n" CD "name=\"file\"; "
	    "filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
	/* pieces likely to confuse a delimiter search.  The only "Z" in the data is in "x--XyZ",
	 * so however pieces and random bytes line up they never make a whole delimiter. */
	static const char *const traps[] = {"\r", "\r\n", "\r\n-", "\r\n--", "\r\n--X",
	    "\r\n--Xy", "x--XyZ", "\r\r\n--Xy\r\n--XyY"};
	multipart_limits lim = {4, 4096, BIG_DATA + 4096};
	bgw_arena *a = bgw_arena_new();
	char *chunk = malloc(FEED_CHUNK);
	multipart_parser *p;
	struct count c = {0};
	uint32_t seed = 12345, want_hash = FNV_INIT;
	size_t fed = 0, footprint;

	(void)state;
	assert_non_null(a);
	assert_non_null(chunk);
	c.hash = FNV_INIT;
	assert_int_equal(multipart_new(a, CT, &lim, &count_cb, &c, &p), BGW_OK);
	footprint = bgw_arena_footprint(a);
	assert_int_equal(multipart_feed(p, B(head)), BGW_OK);
	while (fed < BIG_DATA) {
		size_t n = FEED_CHUNK - (next_rand(&seed) % 3 == 0 ? next_rand(&seed) % 1000 : 0);
		size_t k = 0;

		if (n > BIG_DATA - fed)
			n = BIG_DATA - fed;
		while (k < n) {
			uint32_t x = next_rand(&seed);

			if (x % 97 == 0) {
				const char *t = traps[(x >> 8) % (sizeof(traps) / sizeof(traps[0]))];
				size_t tl = strlen(t);

				if (tl > n - k)
					tl = n - k;
				memcpy(chunk + k, t, tl);
				k += tl;
			} else {
				chunk[k++] = (char)(x >> 16) == 'Z' ? 'z' : (char)(x >> 16);
			}
		}
		want_hash = fnv(want_hash, (const unsigned char *)chunk, n);
		assert_int_equal(multipart_feed(p, chunk, n), BGW_OK);
		fed += n;
	}
	/* the data may end with a trap: a part of a delimiter that turns out to be data */
	assert_int_equal(multipart_feed(p, B(END)), BGW_OK);
	assert_int_equal(multipart_finish(p), BGW_OK);
	assert_int_equal(c.begins, 1);
	assert_int_equal(c.ends, 1);
	assert_int_equal(c.bytes, BIG_DATA);
	assert_int_equal(c.hash, want_hash);
	assert_true(c.max_chunk <= FEED_CHUNK);
	assert_int_equal(bgw_arena_footprint(a), footprint);
	free(chunk);
	bgw_arena_free(a);
}

#define TINY_PARTS 5000

/* Thousands of tiny parts reuse the same buffers. */
static void
test_many_parts(void **state)
{
	static const char part[] = "--XyZ\r\n" CD "name=\"f\"; filename=\"a.txt\"\r\n\r\nx\r\n";
	multipart_limits lim = {TINY_PARTS, 256, (size_t)TINY_PARTS * sizeof(part) + 16};
	bgw_arena *a = bgw_arena_new();
	multipart_parser *p;
	struct count c = {0};
	size_t i, footprint;

	(void)state;
	assert_int_equal(multipart_new(a, CT, &lim, &count_cb, &c, &p), BGW_OK);
	footprint = bgw_arena_footprint(a);
	for (i = 0; i < TINY_PARTS; i++)
		assert_int_equal(multipart_feed(p, B(part)), BGW_OK);
	assert_int_equal(multipart_feed(p, B("--XyZ--")), BGW_OK);
	assert_int_equal(multipart_finish(p), BGW_OK);
	assert_int_equal(c.begins, TINY_PARTS);
	assert_int_equal(c.ends, TINY_PARTS);
	assert_int_equal(c.bytes, TINY_PARTS);
	assert_int_equal(bgw_arena_footprint(a), footprint);

	/* one more is too many */
	memset(&c, 0, sizeof(c));
	assert_int_equal(multipart_new(a, CT, &lim, &count_cb, &c, &p), BGW_OK);
	for (i = 0; i <= TINY_PARTS; i++)
		assert_int_equal(multipart_feed(p, B(part)), i < TINY_PARTS ? BGW_OK :
		    BGW_E_BAD_REQUEST);
	assert_int_equal(c.begins, TINY_PARTS);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_boundary_from_content_type),
		cmocka_unit_test(test_limit_parts),
		cmocka_unit_test(test_limit_header_bytes),
		cmocka_unit_test(test_gigantic_header),
		cmocka_unit_test(test_limit_total),
		cmocka_unit_test(test_bad_limits),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_callback_errors),
		cmocka_unit_test(test_callback_error_held_bytes),
		cmocka_unit_test(test_null_callbacks),
		cmocka_unit_test(test_large_body),
		cmocka_unit_test(test_many_parts),
	};

	return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
