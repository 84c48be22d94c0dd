/* h_document.c - uploads (streamed through clamd into the encrypted blob store) and
 * verified, streamed downloads. */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "flow/audit.h"
#include "files/document.h"
#include "files/filename.h"
#include "core/log.h"

#define DOWNLOAD_CSP "default-src 'none'; sandbox"

static doc_env
env_of(bgw_request *r)
{
	return (doc_env){.db = r->app->db, .a = r->a, .bs = r->app->blobs, .keys = &r->app->keys,
		.clamd_socket = r->app->cfg->clamd_socket, .max_bytes = r->app->cfg->upload_max_bytes};
}

/* The body straight from FastCGI, never whole in memory; a body shorter than its
 * Content-Length is truncated (400). */
struct body_reader {
	bgw_request *r;
	long long got;
};

static bgw_err
read_fcgi(void *ud, char *buf, size_t cap, size_t *n)
{
	struct body_reader *br = ud;
	int got = request_body_get(br->r, buf, (int)cap);

	if (got < 0)
		return BGW_E_BAD_REQUEST;
	*n = (size_t)got;
	br->got += got;
	if (got == 0 && br->r->content_length >= 0 && br->got != br->r->content_length)
		return BGW_E_BAD_REQUEST;
	return BGW_OK;
}

/* The refused upload on record, without the content: who tried to upload what kind of
 * malware, where.  Kept whatever the request's outcome (request_keep_event): the router
 * commits it with the request, or on its own after rolling the request back, so nothing of
 * the upload stays. */
static void
record_infected(bgw_request *r, const doc_owner *owner, const char *signature)
{
	json_t *detail = jsonout_own(r->a, json_pack("{s:s?, s:s}", "confirmation_id",
	    owner->confirmation_id, "signature", signature));
	char *detail_text = detail != NULL ? json_dumps(detail, JSON_COMPACT) : NULL;
	audit_event ev = {.project_id = owner->project_id, .actor_id = r->user_id,
		.action = "doc.infected", .object_type = "project", .object_id = owner->project_id,
		.ip = r->remote_addr, .detail_json = detail_text};

	if (detail_text == NULL || request_keep_event(r, &ev) != BGW_OK)
		bgw_log(BGW_LOG_ERROR, "could not record an infected upload in project %s",
		    owner->project_id);
	free(detail_text);
}

bgw_err
h_doc_store(bgw_request *r, const struct doc_reader *rd, size_t max_parts,
    struct doc_info *out)
{
	doc_env env = env_of(r);
	doc_owner owner = {.project_id = r->target.project_id,
		.confirmation_id = r->target.confirmation_id, .user_id = r->user_id,
		.side = policy_side_name(r->target.facts.side), .ip = r->remote_addr};
	char signature[128] = "";
	bgw_err err;

	env.max_parts = max_parts;
	err = doc_upload(&env, &owner, r->content_type, rd, out, signature, sizeof(signature));
	if (err == BGW_E_INFECTED)
		record_infected(r, &owner, signature);
	return err;
}

bgw_err
h_doc_upload(bgw_request *r)
{
	struct body_reader br = {.r = r};
	doc_reader rd = {read_fcgi, &br};
	doc_info info;
	json_t *body;
	bgw_err err;

	if (r->content_length > r->app->cfg->upload_max_bytes + (long long)DOC_READ_CHUNK)
		return BGW_E_TOO_LARGE;
	err = h_doc_store(r, &rd, 0, &info);
	if (err == BGW_E_VALIDATION)
		return request_field_error(r, "file", "required");
	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s, s:s, s:I, s:s, s:s}", "id", info.id,
	    "name", info.name, "size", (json_int_t)info.size, "sha256", info.sha256,
	    "content_type", info.content_type));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

bgw_err
h_doc_list(bgw_request *r)
{
	json_t *body;
	bgw_err err = doc_list_json(r->app->db, r->a, r->target.project_id,
	    r->target.confirmation_id, &r->target.facts, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_doc_download(bgw_request *r)
{
	doc_env env = env_of(r);
	doc_download d;
	const unsigned char *buf;
	size_t n;
	char length[32];
	const char *disposition, *type;
	audit_event ev = {.project_id = r->target.project_id, .actor_id = r->user_id,
		.action = "doc.download", .object_type = "document", .ip = r->remote_addr};
	FCGX_Stream *out = r->fcgi->out;
	bgw_err err = doc_open(&env, r->path_params[0], &d, &buf, &n);

	if (err != BGW_OK)
		return err;
	ev.object_id = d.info.id;
	/* Logged before the bytes go: the router commits after the handler returns. */
	if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
		return err;
	disposition = filename_content_disposition(r->a, d.info.name);
	type = strncmp(d.info.content_type, "text/", 5) == 0 ?
	    bgw_arena_printf(r->a, "%s; charset=utf-8", d.info.content_type) : d.info.content_type;
	if (disposition == NULL || type == NULL)
		return BGW_E_NOMEM;
	snprintf(length, sizeof(length), "%lld", d.info.size);
	request_put_header(out, "Status", "200 OK");
	request_put_header(out, "Content-Type", type);
	request_put_header(out, "Content-Length", length);
	request_put_header(out, "Content-Disposition", disposition);
	request_put_header(out, "X-Content-Type-Options", "nosniff");
	request_put_header(out, "Cache-Control", "no-store");
	request_put_header(out, "Content-Security-Policy", DOWNLOAD_CSP);
	FCGX_PutS("\r\n", out);
	r->headers_sent = true;
	r->status = 200;
	/* Only verified chunks are sent; a bad one ends the answer short of its length, so the
	 * client sees a failed download, never altered bytes. */
	while (n > 0) {
		if (FCGX_PutStr((const char *)buf, (int)n, out) < 0)
			return BGW_OK;
		err = doc_next(&d, &buf, &n);
		if (err != BGW_OK) {
			bgw_log(BGW_LOG_ERROR, "document %s failed verification while sending",
			    d.info.id);
			r->status = 500;
			return BGW_OK;
		}
	}
	return BGW_OK;
}
