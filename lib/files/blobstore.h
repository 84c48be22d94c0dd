/* blobstore.h - where encrypted document blobs live: one interface, two backends.
 *
 * A blob is an opaque byte string under an id the store generates: 32 lowercase hex digits
 * from 16 random bytes (RAND_bytes), never derived from a client's file name, so an id is
 * unguessable and never collides.  Ids given back to the store (open, delete) are checked to
 * be 1..BLOB_ID_MAX characters of [A-Za-z0-9_-]; anything else is refused before any path or
 * URL is built from it.
 *
 * Writing is streaming and all-or-nothing: a blob_sink takes the bytes in pieces and the blob
 * appears under its id only at blob_sink_commit; before that (abort, an error, a crash) no
 * reader can see it.  Reading is a pull: blob_source_read hands out the next bytes into the
 * caller's buffer.  Both hold a fixed amount of memory whatever the blob's size.
 *
 * - Local directory (blob_local.c): DIR/ab/cd/abcd... (two levels of fan-out by the id's
 *   first four characters), files mode 0600, directories 0700; no path component below DIR
 *   is ever followed if it is a symlink (O_NOFOLLOW at every step).  A sink writes
 *   DIR/ab/cd/<id>.tmp (a name no id can have: '.' is not an id character), fsyncs it, links
 *   it to its final name (failing, not clobbering, if that exists), removes the .tmp name
 *   and fsyncs the directory.
 * - Azure Blob Storage (blob_azure.c) over libcurl with Shared Key authorization: a sink
 *   uploads Put Block requests of BLOB_AZURE_BLOCK bytes and makes the blob visible with one
 *   Put Block List (If-None-Match: *, never overwriting) at commit; a source streams one Get
 *   Blob.  Connection failures, timeouts and 5xx answers are BGW_E_UNAVAILABLE.
 *
 * Handles are plain heap objects owned by the caller, so they can be released from an arena
 * cleanup hook: bgw_arena_on_reset(a, blob_sink_free_hook, sink) aborts an upload on every
 * path that does not reach blob_sink_commit.  A store, a sink and a source are used by one
 * thread at a time (workers are processes).
 */
#ifndef BGW_BLOBSTORE_H
#define BGW_BLOBSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Longest id accepted back (documents.blob_id allows 200). */
#define BLOB_ID_MAX 128
/* Random bytes in a generated id (printed as twice as many hex digits). */
#define BLOB_ID_RANDOM 16
/* Bytes buffered per Azure Put Block: the sink's memory, and 1/50000 of the largest blob
 * (Azure allows 50,000 blocks per blob). */
#define BLOB_AZURE_BLOCK ((size_t)1024 * 1024)
/* Bound on connecting to Azure, on each Put Block / Put Block List / Delete request, and on
 * any wait for the next bytes of a download. */
#define BLOB_AZURE_CONNECT_TIMEOUT_MS 10000
#define BLOB_AZURE_REQUEST_TIMEOUT_MS 60000
#define BLOB_AZURE_IDLE_TIMEOUT_MS 30000
/* The REST API version sent in x-ms-version. */
#define BLOB_AZURE_API_VERSION "2021-08-06"

typedef struct blobstore blobstore;
typedef struct blob_sink blob_sink;
typedef struct blob_source blob_source;

/* A store over the existing directory dir (created by the installer, owned by the service
 * user).  The caller owns the store (blobstore_close).  NULL (logged) if dir is not an
 * existing directory or memory runs out. */
blobstore *blobstore_open_local(const char *dir);

/* A store over the Azure container of account, authorized with the base64 account key
 * key_b64, at endpoint: "https://ACCOUNT.blob.core.windows.net" or, for the Azurite
 * emulator, "http://127.0.0.1:10000/devstoreaccount1" (a path in the endpoint is kept in
 * every URL and in the signed resource, as the emulator expects).  Only http and https are
 * spoken, redirects are not followed, TLS certificates are verified.  The program has called
 * curl_global_init.  The caller owns the store (blobstore_close).  NULL (logged, never with
 * the key) if an argument is malformed or memory runs out; nothing is sent yet. */
blobstore *blobstore_open_azure(const char *account, const char *key_b64, const char *container,
    const char *endpoint);

/* Make the store usable: local, check that the directory is a directory with no permission
 * for group or others to write; Azure, create the container if it does not exist.  Called
 * by ./dev and at start-up.  BGW_OK; BGW_E_IO (local, logged); BGW_E_UNAVAILABLE (Azure
 * unreachable, timeout, 5xx); BGW_E_INTERNAL (Azure refused: bad key, bad name). */
bgw_err blobstore_prepare(blobstore *bs);

/* Release the store; NULL is allowed.  Sinks and sources made from it must be freed
 * first. */
void blobstore_close(blobstore *bs);

/* Start a new blob under a fresh random id.  On BGW_OK *out is a sink owned by the caller
 * (blob_sink_free).  BGW_E_IO (local: cannot create the file, logged), BGW_E_UNAVAILABLE
 * (local: file system full, logged), BGW_E_NOMEM,
 * BGW_E_INTERNAL (no random bytes); *out is then NULL. */
bgw_err blobstore_create(blobstore *bs, blob_sink **out);

/* The sink's id (NUL-terminated, owned by the sink): store it in documents.blob_id. */
const char *blob_sink_id(const blob_sink *s);

/* Append n bytes (n may be 0).  BGW_OK; BGW_E_IO (local write failed);
 * BGW_E_UNAVAILABLE (local: file system full or over quota, ENOSPC/EDQUOT; Azure
 * unreachable or 5xx); BGW_E_INTERNAL (Azure refused the request,
 * or the sink is already committed or aborted).  An error is sticky: every later write and
 * the commit return it, and the caller aborts or frees the sink. */
bgw_err blob_sink_write(blob_sink *s, const void *buf, size_t n);

/* Make the blob visible under its id, durably (local: fsync of file and directory).
 * BGW_OK; on any error (the sticky write error, or the commit's own: BGW_E_IO,
 * BGW_E_UNAVAILABLE, BGW_E_CONFLICT if the id exists already) the uncommitted data has been
 * removed (a delayed ENOSPC reported by fsync is BGW_E_UNAVAILABLE, as in the write).
 * Either way the sink is finished: free it with blob_sink_free. */
bgw_err blob_sink_commit(blob_sink *s);

/* Discard the uncommitted data (local: the .tmp file; Azure: the uncommitted blocks, by
 * committing an empty block list and deleting that empty blob).  Best effort and logged;
 * a no-op after commit or an earlier abort.  NULL is allowed. */
void blob_sink_abort(blob_sink *s);

/* Abort the sink if it was neither committed nor aborted, then free it.  NULL is allowed. */
void blob_sink_free(blob_sink *s);

/* blob_sink_free with the signature of an arena cleanup hook. */
void blob_sink_free_hook(void *s);

/* Open the blob id for reading.  On BGW_OK *out is a source owned by the caller
 * (blob_source_free), positioned at the first byte.  BGW_E_NOT_FOUND if there is no such
 * blob or id is not a valid id; BGW_E_IO (local); BGW_E_UNAVAILABLE (Azure unreachable,
 * timeout, 5xx); BGW_E_INTERNAL (Azure refused: bad key); BGW_E_NOMEM.  The status is known
 * before this returns, so a handler can still choose its HTTP status. */
bgw_err blobstore_open_source(blobstore *bs, const char *id, blob_source **out);

/* Read up to cap bytes into buf: *n > 0 bytes, or *n == 0 at the end of the blob.
 * BGW_OK; BGW_E_IO; BGW_E_UNAVAILABLE (connection lost, no bytes for
 * BLOB_AZURE_IDLE_TIMEOUT_MS).  An error is sticky. */
bgw_err blob_source_read(blob_source *s, void *buf, size_t cap, size_t *n);

/* Close and free the source; NULL is allowed. */
void blob_source_free(blob_source *s);

/* blob_source_free with the signature of an arena cleanup hook. */
void blob_source_free_hook(void *s);

/* Remove the committed blob id.  BGW_OK; BGW_E_NOT_FOUND if there is none (or id is
 * invalid); BGW_E_IO; BGW_E_UNAVAILABLE; BGW_E_INTERNAL. */
bgw_err blobstore_delete(blobstore *bs, const char *id);

/* true if id is 1..BLOB_ID_MAX characters of [A-Za-z0-9_-]. */
bool blobstore_id_valid(const char *id);

/* What a store holds, for bgw-admin status and capacity planning. */
typedef struct blob_usage {
	long long blobs; /* committed blobs (local: files but *.tmp; Azure: listed blobs) */
	long long bytes; /* local: bytes allocated on disk; Azure: the blobs' Content-Length */
} blob_usage;

/* Largest List Blobs answer (one page, at most 5000 blobs) read into memory. */
#define BLOB_AZURE_LIST_MAX ((size_t)32 * 1024 * 1024)

/* Count the committed blobs of the store and their bytes into *out (zeroed first).  Local:
 * a walk of the directory that follows no symlink; Azure: List Blobs over every page of the
 * container (uncommitted blocks are not listed).  BGW_OK; BGW_E_IO (local walk failed,
 * logged); BGW_E_UNAVAILABLE (Azure unreachable, timeout, 5xx); BGW_E_INTERNAL (Azure
 * refused, or an answer that does not parse); BGW_E_NOMEM. */
bgw_err blobstore_measure(blobstore *bs, blob_usage *out);

struct bgw_config;

/* The store the configuration names: blob_backend "local" (blob_dir) or "azure"
 * (azure_endpoint, azure_account, azure_container, and the account key read from
 * azure_key_file, which must be a regular file no one but its owner may read; the key is
 * wiped from memory once the store holds it).  Not prepared yet (blobstore_prepare).  The
 * caller owns the store (blobstore_close).  NULL (logged, never with the key) if the key
 * file is unusable or the store cannot be opened. */
blobstore *blobstore_open_config(const struct bgw_config *cfg);

/* ---- for backends only (blob_local.c, blob_azure.c): the shape every backend fills ---- */

typedef struct blobstore_ops {
	bgw_err (*prepare)(blobstore *bs);
	void (*close)(blobstore *bs);
	/* make a sink for the already generated id (s->id set by the caller) */
	bgw_err (*create)(blobstore *bs, const char *id, blob_sink **out);
	bgw_err (*open_source)(blobstore *bs, const char *id, blob_source **out);
	bgw_err (*delete_blob)(blobstore *bs, const char *id);
	bgw_err (*measure)(blobstore *bs, blob_usage *out); /* NULL: BGW_E_INTERNAL */
} blobstore_ops;

typedef struct blob_sink_ops {
	bgw_err (*write)(blob_sink *s, const unsigned char *buf, size_t n);
	bgw_err (*commit)(blob_sink *s); /* on error, has removed the uncommitted data */
	void (*abort)(blob_sink *s);
	void (*release)(blob_sink *s); /* free the backend's memory and handles */
} blob_sink_ops;

typedef struct blob_source_ops {
	bgw_err (*read)(blob_source *s, unsigned char *buf, size_t cap, size_t *n);
	void (*release)(blob_source *s);
} blob_source_ops;

enum blob_sink_state { BLOB_SINK_OPEN, BLOB_SINK_COMMITTED, BLOB_SINK_ABORTED };

struct blobstore {
	const blobstore_ops *ops;
};

struct blob_sink {
	const blob_sink_ops *ops;
	enum blob_sink_state state;
	bgw_err err; /* sticky write error */
	char id[BLOB_ID_MAX + 1];
};

struct blob_source {
	const blob_source_ops *ops;
	bgw_err err; /* sticky read error */
};

#endif
