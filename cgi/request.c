/* request.c - reading a FastCGI request and writing its answer. */
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/jsonout.h"
#include "core/log.h"

/* Read the body in pieces of this size: large enough to be cheap, small enough for the
 * arena to stay small when a limit is exceeded. */
#define BODY_READ_CHUNK (64 * 1024)

const char *
request_param(const bgw_request *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgi->envp);
}

bgw_err
request_add_header(bgw_request *r, const char *name, const char *value)
{
	char *line;

	if (r->nresp_headers >= REQUEST_MAX_HEADERS)
		return BGW_E_INTERNAL;
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return BGW_E_INTERNAL;
	line = bgw_arena_printf(r->a, "%s: %s", name, value);
	if (line == NULL)
		return BGW_E_NOMEM;
	r->resp_headers[r->nresp_headers++] = line;
	return BGW_OK;
}

bgw_err
request_reply_json(bgw_request *r, int status, const json_t *v)
{
	size_t len;
	char *s = jsonout_dump(r->a, v, &len);

	if (s == NULL)
		return BGW_E_NOMEM;
	request_reply_json_text(r, status, s, len);
	return BGW_OK;
}

void
request_reply_json_text(bgw_request *r, int status, const char *text, size_t len)
{
	r->status = status;
	r->resp_type = "application/json; charset=utf-8";
	r->resp_body = text;
	r->resp_len = len;
}

void
request_reply_json_gzip(bgw_request *r, int status, const char *gz, size_t len)
{
	request_reply_json_text(r, status, gz, len);
	r->resp_gzipped = gz;
}

bgw_err
request_field_error(bgw_request *r, const char *name, const char *reason)
{
	bgw_kv **tail = &r->field_errors;

	while (*tail != NULL)
		tail = &(*tail)->next;
	if (kv_append(r->a, &tail, name, reason, strlen(reason)) != BGW_OK)
		return BGW_E_NOMEM;
	return BGW_E_VALIDATION;
}

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 500
#define PAGE_MAX 1000000

static bgw_err
query_int(bgw_request *r, const char *name, long long def, long long max, long long *out)
{
	const char *s = kv_get(r->query, name);
	char *end;

	*out = def;
	if (s == NULL)
		return BGW_OK;
	*out = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *out < 1 || *out > max)
		return request_field_error(r, name, "must be a whole number from 1");
	return BGW_OK;
}

bgw_err
request_paging(bgw_request *r, long long *page, long long *per_page)
{
	bgw_err err = query_int(r, "page", 1, PAGE_MAX, page);
	bgw_err err2 = query_int(r, "per_page", PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, per_page);

	return err != BGW_OK ? err : err2;
}

int
request_body_get(bgw_request *r, char *buf, int cap)
{
	size_t left = r->body_read_len - r->body_read_off;
	size_t n = left < (size_t)cap ? left : (size_t)cap;
	int more;

	if (cap <= 0)
		return 0;
	if (n > 0) {
		memcpy(buf, r->body_read + r->body_read_off, n);
		r->body_read_off += n;
	}
	if (n == (size_t)cap)
		return (int)n;
	more = FCGX_GetStr(buf + n, cap - (int)n, r->fcgi->in);
	if (more < 0)
		return n > 0 ? (int)n : more;
	return (int)n + more;
}

/* A copy of s in the arena, NULL staying NULL; *ok turns false when memory runs out. */
static const char *
keep_str(bgw_request *r, const char *s, bool *ok)
{
	char *c;

	if (s == NULL)
		return NULL;
	if ((c = bgw_arena_strdup(r->a, s)) == NULL)
		*ok = false;
	return c;
}

bgw_err
request_keep_event(bgw_request *r, const audit_event *ev)
{
	audit_event *k;
	bool ok = true;

	if (r->nkept >= REQUEST_MAX_KEPT_EVENTS)
		return BGW_E_INTERNAL;
	k = &r->kept[r->nkept];
	k->project_id = keep_str(r, ev->project_id, &ok);
	k->actor_id = keep_str(r, ev->actor_id, &ok);
	k->action = keep_str(r, ev->action, &ok);
	k->object_type = keep_str(r, ev->object_type, &ok);
	k->object_id = keep_str(r, ev->object_id, &ok);
	k->ip = keep_str(r, ev->ip, &ok);
	k->detail_json = keep_str(r, ev->detail_json, &ok);
	if (!ok)
		return BGW_E_NOMEM;
	r->nkept++;
	return BGW_OK;
}

bgw_err
request_read_body(bgw_request *r, long long max, char **buf, size_t *len)
{
	size_t cap, used = 0;
	char *p;

	if (r->content_length > max)
		return BGW_E_TOO_LARGE;
	/* Known length: one allocation.  Unknown (streamed) length: grow by chunks. */
	cap = r->content_length >= 0 ? (size_t)r->content_length : BODY_READ_CHUNK;
	p = bgw_arena_alloc(r->a, cap + 1);
	if (p == NULL)
		return BGW_E_NOMEM;
	for (;;) {
		int n;

		if (used == cap) {
			char *q;

			if (r->content_length >= 0)
				break;
			if ((long long)cap >= max)
				return BGW_E_TOO_LARGE;
			q = bgw_arena_alloc(r->a, cap * 2 + 1);
			if (q == NULL)
				return BGW_E_NOMEM;
			memcpy(q, p, used);
			p = q;
			cap *= 2;
		}
		n = request_body_get(r, p + used, (int)(cap - used > BODY_READ_CHUNK ?
		    BODY_READ_CHUNK : cap - used));
		if (n <= 0)
			break;
		used += (size_t)n;
		if ((long long)used > max)
			return BGW_E_TOO_LARGE;
	}
	if (r->content_length >= 0 && (long long)used != r->content_length)
		return BGW_E_BAD_REQUEST;
	/* All of a known length read: take the end of the stream too (nginx sends it right
	 * after the body), so that the worker may close without lingering (worker.c). */
	if (r->content_length >= 0)
		(void)FCGX_GetChar(r->fcgi->in);
	p[used] = '\0';
	*buf = p;
	*len = used;
	return BGW_OK;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 423: return "Locked";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void
request_put_header(FCGX_Stream *out, const char *name, const char *value)
{
	FCGX_PutS(name, out);
	FCGX_PutS(": ", out);
	FCGX_PutS(value, out);
	FCGX_PutS("\r\n", out);
}

void
request_send(bgw_request *r)
{
	FCGX_Stream *out = r->fcgi->out;
	char line[64];

	if (r->headers_sent)
		return;
	snprintf(line, sizeof(line), "%d %s", r->status, reason(r->status));
	request_put_header(out, "Status", line);
	/* Every answer of the application holds user data or state: never cache it.  nginx
	 * adds the other security headers to every response (nginx/README.md). */
	request_put_header(out, "Cache-Control", "no-store");
	if (r->status != 204)
		request_put_header(out, "Content-Type",
		    r->resp_type != NULL ? r->resp_type : "text/plain; charset=utf-8");
	for (int i = 0; i < r->nresp_headers; i++) {
		FCGX_PutS(r->resp_headers[i], out);
		FCGX_PutS("\r\n", out);
	}
	if (r->resp_gzipped != NULL && r->resp_body == r->resp_gzipped && r->status != 204)
		request_put_header(out, "Content-Encoding", "gzip");
	if (r->status != 204) {
		snprintf(line, sizeof(line), "%zu", r->resp_len);
		request_put_header(out, "Content-Length", line);
	}
	FCGX_PutS("\r\n", out);
	if (r->resp_body != NULL && r->resp_len > 0 && r->status != 204 &&
	    strcmp(r->method, "HEAD") != 0)
		FCGX_PutStr(r->resp_body, (int)r->resp_len, out);
	r->headers_sent = true;
}

bgw_err
request_start_download(bgw_request *r, const char *type, const char *disposition,
    const char *name)
{
	char *value;

	if (name == NULL ||
	    (value = bgw_arena_printf(r->a, "%s; filename=\"%s\"", disposition, name)) == NULL)
		return BGW_E_NOMEM;
	request_put_header(r->fcgi->out, "Status", "200 OK");
	request_put_header(r->fcgi->out, "Cache-Control", "no-store");
	request_put_header(r->fcgi->out, "Content-Type", type);
	request_put_header(r->fcgi->out, "Content-Disposition", value);
	request_put_header(r->fcgi->out, "X-Content-Type-Options", "nosniff");
	FCGX_PutS("\r\n", r->fcgi->out);
	r->headers_sent = true;
	r->status = 200;
	return BGW_OK;
}
