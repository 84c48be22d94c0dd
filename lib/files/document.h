/* document.h - uploaded documents: one streaming pass in, verified streaming out.
 *
 * Upload: the request body flows in fixed-size pieces through the multipart parser into,
 * at the same time, SHA-256, clamd INSTREAM, content sniffing and chunked encryption into a
 * new blob.  Only when clamd answers exactly "stream: OK" and the content is an accepted
 * type are the blob and its row committed; anything else leaves no blob and no row.
 * Download: each encrypted chunk is verified before a byte of it is handed out.
 */
#ifndef BGW_DOCUMENT_H
#define BGW_DOCUMENT_H

#include <jansson.h>

#include "core/arena.h"
#include "files/blobstore.h"
#include "store/db.h"
#include "core/err.h"
#include "crypto/masterkey.h"
#include "auth/policy.h"
#include "core/kv.h"
#include "flow/audit.h"

#define DOC_READ_CHUNK ((size_t)64 * 1024)
#define DOC_MAX_PARTS 8 /* an API upload: the file and a few stray fields */

typedef struct doc_env {
	bgw_db *db;
	bgw_arena *a;
	blobstore *bs;
	const masterkeys *keys;
	const char *clamd_socket;
	long long max_bytes;        /* the one upload limit (config upload_max_bytes) */
	size_t max_parts;           /* parts of the form around the file; 0: DOC_MAX_PARTS (an
	                             * HTML form that carries more fields beside its file says so) */
} doc_env;

/* Where the body comes from: read up to cap bytes into buf, *n = 0 at the end. */
typedef struct doc_reader {
	bgw_err (*read)(void *ud, char *buf, size_t cap, size_t *n);
	void *ud;
} doc_reader;

typedef struct doc_owner {
	const char *project_id;
	const char *confirmation_id; /* NULL: a project document */
	const char *user_id;
	const char *side;            /* the uploader's side (policy_side_name): who sees it */
	const char *ip;
} doc_owner;

typedef struct doc_info {
	const char *id, *name, *content_type, *sha256, *created_at;
	long long size;
} doc_info;

/* Store the one part named "file" of a multipart body; other parts are not read here (an HTML
 * form's fields; the caller may watch them through its reader).  Errors:
 * BGW_E_UNSUPPORTED_TYPE (not multipart, or content of a type not accepted),
 * BGW_E_BAD_REQUEST (malformed or truncated body, more than one file, more parts than
 * env->max_parts), BGW_E_VALIDATION (no file part, or the empty part a browser sends for a
 * file input left empty: filename "" and no byte; field "file"), BGW_E_TOO_LARGE,
 * BGW_E_INFECTED (*signature names it; not stored), BGW_E_SCANNER_UNAVAILABLE; database and
 * blob-store errors.  Runs in the caller's transaction. */
bgw_err doc_upload(const doc_env *env, const doc_owner *owner, const char *content_type,
    const doc_reader *rd, doc_info *out, char *signature, size_t sigcap);

/* An upload as the API and the page both make it: the target, the uploader, the body. */
typedef struct doc_store_in {
	const char *project_id;
	const char *confirmation_id; /* NULL: a project document */
	const char *side;            /* the uploader's side (policy_side_name): who sees it */
	const char *ip;
	const char *content_type;    /* the body's (multipart/form-data with its boundary) */
	const doc_reader *body;
	size_t max_parts;            /* as doc_env's: 0 for an API upload */
} doc_store_in;

typedef struct doc_store_out {
	doc_info info;
	audit_event refusal;         /* after BGW_E_INFECTED: doc.infected, for the caller to keep */
} doc_store_out;

/* The upload use case: store in's body as a document of user_id's, in the caller's
 * transaction, with doc_upload's answers; on BGW_E_VALIDATION *errors names "file"
 * ("required").  A refused infected file must be on record whatever becomes of the
 * request (who tried to upload what kind of malware, where; never the content), while
 * nothing of the upload may stay: on BGW_E_INFECTED out->refusal is that event
 * (doc.infected with the signature, arena strings), which the caller records outside the
 * transaction it rolls back (the router's request_keep_event). */
bgw_err doc_store(const doc_env *env, const char *user_id, const doc_store_in *in,
    doc_store_out *out, bgw_kv **errors);

/* The documents of a project (confirmation_id NULL) or a confirmation that viewer (the
 * member's facts about that project or confirmation) may see, by the side that uploaded each
 * (policy_may_see_document): {items, total}, each item with its "side". */
bgw_err doc_list_json(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *confirmation_id, const policy_target *viewer, json_t **out);

/* Make the respondent's files of a confirmation that belong to no answer yet (attached while
 * the answer was prepared) part of answer response_id.  Runs in the caller's transaction. */
bgw_err doc_link_answer(bgw_db *db, bgw_arena *a, const char *confirmation_id,
    const char *response_id);

/* An open download: metadata and a verified reader (arena-owned). */
typedef struct doc_download {
	doc_info info;
	struct filecrypt_reader *reader;
} doc_download;

/* Open document id for reading and verify its first chunk, so that an error is known
 * before any header is sent.  *first / *first_len hold that chunk. */
bgw_err doc_open(const doc_env *env, const char *id, doc_download *out,
    const unsigned char **first, size_t *first_len);

/* The download use case: doc_open, then the download on record (audit doc.download by
 * user_id from ip in project_id's chain) before a byte of it is sent: answers are
 * evidence, every view and download is logged.  In the caller's transaction, which commits
 * after the bytes went.  doc_open's errors, then audit_append's. */
bgw_err doc_fetch(const doc_env *env, const char *user_id, const char *ip,
    const char *project_id, const char *id, doc_download *out,
    const unsigned char **first, size_t *first_len);

/* The next verified chunk (n = 0 at the end, after the last chunk verified). */
bgw_err doc_next(doc_download *d, const unsigned char **buf, size_t *n);


#endif
