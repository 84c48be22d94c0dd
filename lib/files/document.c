/* document.c - the upload pipeline and verified downloads. */
#include "files/document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "flow/audit.h"
#include "files/filecrypt.h"
#include "files/filename.h"
#include "http/jsonout.h"
#include "core/log.h"
#include "http/multipart.h"
#include "files/scan.h"
#include "files/sniff.h"
#include "auth/token.h"

/* Room for boundaries and part headers around the one file. */
#define DOC_MULTIPART_OVERHEAD ((size_t)64 * 1024)
#define DOC_SIGNATURE_MAX 128

/* Everything one upload holds while the body streams through. */
struct upload {
	const doc_env *env;
	EVP_MD_CTX *sha;
	scan_stream *scan;
	sniff_state *sniff;
	filecrypt_writer *writer;
	int files;
	bool in_file;
	long long size;
	const char *filename;
};

static void
md_free_hook(void *p)
{
	EVP_MD_CTX_free(p);
}

static void
scan_abort_hook(void *p)
{
	/* Only a scan that has not finished is still ours to abort. */
	scan_stream **s = p;

	if (*s != NULL)
		scan_abort(*s);
}

static bgw_err
part_begin(void *ud, const multipart_part *p)
{
	struct upload *u = ud;

	u->in_file = strcmp(p->name, "file") == 0;
	if (!u->in_file)
		return BGW_OK; /* other fields are not ours; the parser bounds how many */
	if (u->files++ > 0)
		return BGW_E_BAD_REQUEST;
	u->filename = bgw_arena_strdup(u->env->a, p->filename != NULL ? p->filename : "");
	return u->filename != NULL ? BGW_OK : BGW_E_NOMEM;
}

static bgw_err
part_data(void *ud, const char *buf, size_t n)
{
	struct upload *u = ud;
	bgw_err err;

	if (!u->in_file)
		return BGW_OK;
	u->size += (long long)n;
	if (u->size > u->env->max_bytes)
		return BGW_E_TOO_LARGE;
	/* One pass: hash, scan, sniff and encrypt the same bytes. */
	if (EVP_DigestUpdate(u->sha, buf, n) != 1)
		return BGW_E_INTERNAL;
	if ((err = scan_write(u->scan, buf, n)) != BGW_OK ||
	    (err = sniff_feed(u->sniff, buf, n)) != BGW_OK)
		return err;
	return filecrypt_write(u->writer, buf, n);
}

static bgw_err
part_end(void *ud)
{
	struct upload *u = ud;

	/* A file input left empty: browsers send the part with filename "" and no content. */
	if (u->in_file && u->filename[0] == '\0' && u->size == 0)
		u->files--;
	u->in_file = false;
	return BGW_OK;
}

static bgw_err
stream_body(struct upload *u, const char *content_type, const doc_reader *rd)
{
	static const multipart_callbacks cb = {part_begin, part_data, part_end};
	multipart_limits lim = {
		.max_parts = u->env->max_parts > 0 ? u->env->max_parts : DOC_MAX_PARTS,
		.max_header_bytes = MULTIPART_DEFAULT_MAX_HEADER_BYTES,
		.max_total = (size_t)u->env->max_bytes + DOC_MULTIPART_OVERHEAD};
	multipart_parser *mp;
	char *buf = bgw_arena_alloc(u->env->a, DOC_READ_CHUNK);
	bgw_err err = multipart_new(u->env->a, content_type, &lim, &cb, u, &mp);

	if (err != BGW_OK)
		return err;
	if (buf == NULL)
		return BGW_E_NOMEM;
	for (;;) {
		size_t n;

		if ((err = rd->read(rd->ud, buf, DOC_READ_CHUNK, &n)) != BGW_OK)
			return err;
		if (n == 0)
			break;
		if ((err = multipart_feed(mp, buf, n)) != BGW_OK)
			return err;
	}
	return multipart_finish(mp);
}

/* The file key wrapped under the active master key, in hex for the database. */
static bgw_err
wrap_key(const doc_env *env, const char *id, const unsigned char *key, char *hex, size_t cap,
    int *version)
{
	unsigned char wrapped[FILECRYPT_WRAPPED_LEN];
	size_t len;
	const unsigned char *master = masterkey_active(env->keys, version);
	bgw_err err;

	if (master == NULL)
		return BGW_E_INTERNAL;
	err = filecrypt_wrap_key(master, *version, id, key, wrapped, sizeof(wrapped), &len);
	return err == BGW_OK ? token_hex(wrapped, len, hex, cap) : err;
}

static bgw_err
record(const doc_env *env, const doc_owner *owner, doc_info *out, const char *blob_id,
    const char *wrapped_hex, int key_version)
{
	char size[24], version[16];
	const char *p[12] = {out->id, owner->project_id, owner->confirmation_id, out->name, size,
		out->sha256, out->content_type, blob_id, wrapped_hex, version, owner->user_id,
		owner->side};
	audit_event ev = {.project_id = owner->project_id, .actor_id = owner->user_id,
		.action = "doc.upload", .object_type = "document", .object_id = out->id,
		.ip = owner->ip};
	bgw_err err;

	snprintf(size, sizeof(size), "%lld", out->size);
	snprintf(version, sizeof(version), "%d", key_version);
	if ((err = db_exec(env->db, env->a, "doc_insert", 12, p, NULL)) != BGW_OK)
		return err;
	return audit_append(env->db, env->a, &ev, NULL);
}

bgw_err
doc_upload(const doc_env *env, const doc_owner *owner, const char *content_type,
    const doc_reader *rd, doc_info *out, char *signature, size_t sigcap)
{
	/* In the arena, not on the stack: the cleanup hooks point into it after we return. */
	struct upload *u = bgw_arena_alloc(env->a, sizeof(*u));
	unsigned char key[FILECRYPT_KEY_LEN], digest[EVP_MAX_MD_SIZE];
	char wrapped_hex[2 * FILECRYPT_WRAPPED_LEN + 1], *sha_hex;
	unsigned int dlen;
	blob_sink *sink;
	db_rows *res;
	int key_version;
	bgw_err err;

	memset(out, 0, sizeof(*out));
	if (owner->side == NULL)
		return BGW_E_FORBIDDEN; /* a document always records its side: fail closed */
	if (u == NULL)
		return BGW_E_NOMEM;
	u->env = env;
	if (content_type == NULL || strncasecmp(content_type, "multipart/form-data", 19) != 0)
		return BGW_E_UNSUPPORTED_TYPE;
	/* The scanner first: if clamd is away nothing is read or written. */
	if ((err = scan_begin(env->clamd_socket, &u->scan)) != BGW_OK)
		return err;
	if (bgw_arena_on_reset(env->a, scan_abort_hook, &u->scan) != 0)
		return BGW_E_NOMEM;
	/* The id is needed before the first byte is encrypted: it is bound into every chunk. */
	if ((err = db_exec(env->db, env->a, "doc_new_id", 0, NULL, &res)) != BGW_OK)
		return err;
	out->id = db_value(res, 0, 0);
	if ((err = blobstore_create(env->bs, &sink)) != BGW_OK)
		return err;
	/* Whatever fails from here on, an uncommitted blob is removed at reset. */
	if (bgw_arena_on_reset(env->a, blob_sink_free_hook, sink) != 0)
		return BGW_E_NOMEM;
	if ((err = filecrypt_new_key(key)) != BGW_OK)
		return err;
	u->writer = filecrypt_writer_new(key, out->id, sink);
	u->sha = EVP_MD_CTX_new();
	u->sniff = sniff_new();
	if (u->writer == NULL || u->sha == NULL || u->sniff == NULL ||
	    bgw_arena_on_reset(env->a, filecrypt_writer_free_hook, u->writer) != 0 ||
	    bgw_arena_on_reset(env->a, md_free_hook, u->sha) != 0 ||
	    bgw_arena_on_reset(env->a, sniff_free_hook, u->sniff) != 0 ||
	    EVP_DigestInit_ex(u->sha, EVP_sha256(), NULL) != 1) {
		OPENSSL_cleanse(key, sizeof(key));
		return BGW_E_NOMEM;
	}
	err = stream_body(u, content_type, rd);
	if (err == BGW_OK && u->files == 0)
		err = BGW_E_VALIDATION;
	if (err == BGW_OK)
		err = filecrypt_finish(u->writer);
	if (err == BGW_OK) {
		scan_stream *s = u->scan;

		/* Exactly "stream: OK" or nothing is kept (scan.c). */
		u->scan = NULL;
		err = scan_finish(s, signature, sigcap);
	}
	if (err == BGW_OK && (out->content_type = sniff_finish(u->sniff, u->filename)) == NULL)
		err = BGW_E_UNSUPPORTED_TYPE;
	if (err == BGW_OK)
		err = wrap_key(env, out->id, key, wrapped_hex, sizeof(wrapped_hex), &key_version);
	OPENSSL_cleanse(key, sizeof(key));
	if (err != BGW_OK)
		return err;
	EVP_DigestFinal_ex(u->sha, digest, &dlen);
	sha_hex = bgw_arena_alloc(env->a, 2 * dlen + 1);
	if (sha_hex == NULL || token_hex(digest, dlen, sha_hex, 2 * dlen + 1) != BGW_OK)
		return BGW_E_NOMEM;
	out->sha256 = sha_hex;
	out->size = u->size;
	out->name = filename_sanitize(env->a, u->filename);
	if (out->name == NULL)
		return BGW_E_NOMEM;
	if ((err = blob_sink_commit(sink)) != BGW_OK)
		return err;
	err = record(env, owner, out, blob_sink_id(sink), wrapped_hex, key_version);
	if (err != BGW_OK && blobstore_delete(env->bs, blob_sink_id(sink)) != BGW_OK)
		bgw_log(BGW_LOG_ERROR, "could not remove blob %s of a failed upload",
		    blob_sink_id(sink));
	return err;
}

/* The refused upload as an event for the caller to keep (doc_store says why). */
static bgw_err
refusal_of(const doc_env *env, const char *user_id, const doc_store_in *in,
    const char *signature, audit_event *ev)
{
	json_t *detail = jsonout_own(env->a, json_pack("{s:s?, s:s}", "confirmation_id",
	    in->confirmation_id, "signature", signature));
	char *text = detail != NULL ? json_dumps(detail, JSON_COMPACT) : NULL;

	*ev = (audit_event){.project_id = in->project_id, .actor_id = user_id,
		.action = "doc.infected", .object_type = "project", .object_id = in->project_id,
		.ip = in->ip, .detail_json = text != NULL ? bgw_arena_strdup(env->a, text) : NULL};
	free(text);
	return ev->detail_json != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
doc_store(const doc_env *env, const char *user_id, const doc_store_in *in,
    doc_store_out *out, bgw_kv **errors)
{
	doc_env e = *env;
	doc_owner owner = {.project_id = in->project_id, .confirmation_id = in->confirmation_id,
		.user_id = user_id, .side = in->side, .ip = in->ip};
	char signature[DOC_SIGNATURE_MAX] = "";
	bgw_err err;

	memset(&out->refusal, 0, sizeof(out->refusal));
	e.max_parts = in->max_parts;
	err = doc_upload(&e, &owner, in->content_type, in->body, &out->info, signature,
	    sizeof(signature));
	if (err == BGW_E_INFECTED && refusal_of(env, user_id, in, signature, &out->refusal) !=
	    BGW_OK)
		bgw_log(BGW_LOG_ERROR, "could not describe an infected upload in project %s",
		    in->project_id);
	if (err == BGW_E_VALIDATION) {
		bgw_kv **tail = errors;

		while (*tail != NULL)
			tail = &(*tail)->next;
		if (kv_append(env->a, &tail, "file", "required", strlen("required")) != BGW_OK)
			return BGW_E_NOMEM;
	}
	return err;
}

/* The sides whose files viewer may see, as a PostgreSQL array literal ("{audit,client}"). */
static const char *
visible_sides(bgw_arena *a, const policy_target *viewer)
{
	static const enum policy_side sides[] = {SIDE_AUDIT, SIDE_CLIENT, SIDE_RESPONDENT};
	const char *list = "";

	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++)
		if (policy_may_see_document(viewer, sides[i]) && (list = bgw_arena_printf(a, "%s%s%s",
		    list, *list != '\0' ? "," : "", policy_side_name(sides[i]))) == NULL)
			return NULL;
	return bgw_arena_printf(a, "{%s}", list);
}

bgw_err
doc_list_json(bgw_db *db, bgw_arena *a, const char *project_id, const char *confirmation_id,
    const policy_target *viewer, json_t **out)
{
	const char *p[3] = {project_id, confirmation_id, visible_sides(a, viewer)};
	db_rows *res;
	json_t *items, *body;
	bgw_err err;

	if (p[2] == NULL)
		return BGW_E_NOMEM;
	if ((err = db_exec(db, a, "doc_list", 3, p, &res)) != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:i}", "items", items, "total", db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < db_nrows(res); r++)
		if (json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}",
		    "id", db_value(res, r, 0), "name", db_value(res, r, 1),
		    "size", (json_int_t)db_int(res, r, 2), "content_type", db_value(res, r, 3),
		    "sha256", db_value(res, r, 4), "created_at", db_value(res, r, 5),
		    "uploaded_by", db_value(res, r, 6), "side", db_value(res, r, 7))) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

bgw_err
doc_link_answer(bgw_db *db, bgw_arena *a, const char *confirmation_id, const char *response_id)
{
	const char *p[2] = {confirmation_id, response_id};

	return db_exec(db, a, "doc_link_answer", 2, p, NULL);
}

static int
unhex(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex) / 2;

	if (strlen(hex) % 2 != 0 || n > cap)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	*len = n;
	return 0;
}

bgw_err
doc_open(const doc_env *env, const char *id, doc_download *out, const unsigned char **first,
    size_t *first_len)
{
	unsigned char wrapped[FILECRYPT_WRAPPED_LEN + 16], key[FILECRYPT_KEY_LEN];
	const unsigned char *master;
	size_t wlen;
	int version;
	blob_source *src;
	db_rows *res;
	bgw_err err = db_exec(env->db, env->a, "doc_get", 1, &id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	out->info.id = db_value(res, 0, 0);
	out->info.name = db_value(res, 0, 1);
	out->info.size = db_int(res, 0, 2);
	out->info.content_type = db_value(res, 0, 3);
	out->info.sha256 = db_value(res, 0, 4);
	out->info.created_at = db_value(res, 0, 8);
	version = (int)db_int(res, 0, 7);
	if ((master = masterkey_get(env->keys, version)) == NULL) {
		bgw_log(BGW_LOG_ERROR, "no master key of version %d for document %s", version, id);
		return BGW_E_INTERNAL;
	}
	if (unhex(db_value(res, 0, 6), wrapped, sizeof(wrapped), &wlen) != 0)
		return BGW_E_INTERNAL;
	if ((err = filecrypt_unwrap_key(master, version, id, wrapped, wlen, key)) != BGW_OK)
		return err;
	err = blobstore_open_source(env->bs, db_value(res, 0, 5), &src);
	if (err == BGW_OK && bgw_arena_on_reset(env->a, blob_source_free_hook, src) != 0)
		err = BGW_E_NOMEM;
	if (err == BGW_OK) {
		out->reader = filecrypt_reader_new(key, id, src);
		if (out->reader == NULL ||
		    bgw_arena_on_reset(env->a, filecrypt_reader_free_hook, out->reader) != 0)
			err = BGW_E_NOMEM;
	}
	OPENSSL_cleanse(key, sizeof(key));
	if (err != BGW_OK)
		return err;
	return filecrypt_read(out->reader, first, first_len);
}

bgw_err
doc_next(doc_download *d, const unsigned char **buf, size_t *n)
{
	return filecrypt_read(d->reader, buf, n);
}

bgw_err
doc_fetch(const doc_env *env, const char *user_id, const char *ip, const char *project_id,
    const char *id, doc_download *out, const unsigned char **first, size_t *first_len)
{
	audit_event ev = {.project_id = project_id, .actor_id = user_id,
		.action = "doc.download", .object_type = "document", .ip = ip};
	bgw_err err = doc_open(env, id, out, first, first_len);

	if (err != BGW_OK)
		return err;
	ev.object_id = out->info.id;
	return audit_append(env->db, env->a, &ev, NULL);
}
