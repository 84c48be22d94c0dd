/* filecrypt.h - documents at rest: chunked AES-256-GCM under a random key per file, the
 * file key wrapped by a master key.
 *
 * Blob layout (all integers big-endian):
 *
 *   header  "BGWF" | version (1 byte, FILECRYPT_VERSION) | chunk size (4) | nonce prefix (8)
 *   chunk*  ciphertext | tag (16)
 *
 * The plaintext is cut into chunks of FILECRYPT_CHUNK bytes; every chunk but the last is
 * full, the last holds 0..FILECRYPT_CHUNK bytes (an empty file is one empty last chunk), so
 * chunk boundaries follow from the blob itself.  Chunk i is sealed with
 *
 *   nonce = nonce prefix (8 random bytes) || i (4 bytes)
 *   aad   = header (17 bytes) || i (4) || last flag (1: 0 or 1) || len(file id) (2) || file id
 *
 * Nonces never repeat under one key: the file key is fresh from RAND_bytes for this one
 * file and written once, and within the file the index counts up and is refused before it
 * wraps (at most 2^32 chunks, 256 TiB); the random prefix is a second line should a key ever
 * be reused by a bug.  Because the header is in every chunk's aad it is authenticated too.
 * The aad makes every rearrangement fail authentication: a chunk moved to another position
 * (index), swapped with another, or taken from another file (other key; file id) does not
 * open; dropping the last chunk leaves a chunk sealed as not-last at the end; appending
 * anything makes the real last chunk (sealed as last) sit in a not-last position.
 *
 * Memory: a writer or a reader holds two chunk buffers (about 130 KiB) whatever the size of
 * the file.
 *
 * Master-key rotation re-wraps the file key only (filecrypt_unwrap_key with the old master,
 * filecrypt_wrap_key with the new); the content, whose aad holds nothing about the master
 * key, is not touched.
 */
#ifndef BGW_FILECRYPT_H
#define BGW_FILECRYPT_H

#include <stddef.h>

#include "files/blobstore.h"
#include "core/err.h"
#include "crypto/secretbox.h"

#define FILECRYPT_KEY_LEN 32
#define FILECRYPT_VERSION 1
#define FILECRYPT_CHUNK ((size_t)64 * 1024)
#define FILECRYPT_MAGIC "BGWF"
#define FILECRYPT_NONCE_PREFIX_LEN 8
#define FILECRYPT_TAG_LEN 16
#define FILECRYPT_HEADER_LEN (4 + 1 + 4 + FILECRYPT_NONCE_PREFIX_LEN)
/* Longest file id bound into the aad (documents.id is far shorter). */
#define FILECRYPT_FILE_ID_MAX 200
/* Size of a wrapped file key: a secretbox of the 32-byte key (61 bytes; documents.wrapped_key
 * allows 32..256). */
#define FILECRYPT_WRAPPED_LEN (FILECRYPT_KEY_LEN + SECRETBOX_OVERHEAD)

/* The blob size for a plaintext of n bytes (for checks and tests). */
#define FILECRYPT_BLOB_SIZE(n) (FILECRYPT_HEADER_LEN + (n) + \
	((n) == 0 ? 1 : ((n) + FILECRYPT_CHUNK - 1) / FILECRYPT_CHUNK) * FILECRYPT_TAG_LEN)

typedef struct filecrypt_writer filecrypt_writer;
typedef struct filecrypt_reader filecrypt_reader;

/* A fresh random file key.  BGW_OK; BGW_E_INTERNAL (logged) if the RNG fails, key wiped. */
bgw_err filecrypt_new_key(unsigned char key[FILECRYPT_KEY_LEN]);

/* A writer sealing one file's plaintext under key (copied) for file_id (copied; 1 to
 * FILECRYPT_FILE_ID_MAX bytes) into out (borrowed: it must outlive the writer; the writer
 * never commits or aborts it).  NULL if an argument is wrong, memory runs out or the RNG
 * fails (logged).  The caller frees it with filecrypt_writer_free. */
filecrypt_writer *filecrypt_writer_new(const unsigned char key[FILECRYPT_KEY_LEN],
    const char *file_id, blob_sink *out);

/* Take n bytes of plaintext (n may be 0).  Full chunks are sealed and written to the sink as
 * soon as the next byte shows they are not the last.  BGW_OK; the sink's error; BGW_E_TOO_LARGE
 * past 2^32 chunks; BGW_E_INTERNAL (OpenSSL, or after finish).  Errors are sticky. */
bgw_err filecrypt_write(filecrypt_writer *w, const void *buf, size_t n);

/* Seal the last chunk (flagged last) and write it.  After BGW_OK the sink holds the complete
 * blob and the caller commits it.  Errors as filecrypt_write. */
bgw_err filecrypt_finish(filecrypt_writer *w);

/* Wipe and free; NULL is allowed. */
void filecrypt_writer_free(filecrypt_writer *w);

/* filecrypt_writer_free with the signature of an arena cleanup hook. */
void filecrypt_writer_free_hook(void *w);

/* A reader of the blob in in (borrowed, positioned at the blob's first byte) sealed under key
 * for file_id.  NULL if an argument is wrong or memory runs out.  Free with
 * filecrypt_reader_free. */
filecrypt_reader *filecrypt_reader_new(const unsigned char key[FILECRYPT_KEY_LEN],
    const char *file_id, blob_source *in);

/* The next verified plaintext: on BGW_OK *out points to *n bytes owned by the reader, valid
 * until the next call, and *n == 0 means the whole file has been read and verified, last
 * chunk included.  Plaintext is handed out only after its chunk's tag has verified, so a
 * caller that sends each piece as it comes never sends an unverified byte; a caller sending
 * a download must still treat an error after the first piece as a failed transfer (abort
 * the response, never end it cleanly).
 * Errors (sticky; *n is 0): BGW_E_INTERNAL (logged with the chunk index) for a blob that is
 * not ours, a bad header, a chunk failing authentication (flipped byte, swapped or moved
 * chunk, wrong key or file id), a missing last chunk (cut blob) or bytes after it; the
 * source's BGW_E_IO / BGW_E_UNAVAILABLE. */
bgw_err filecrypt_read(filecrypt_reader *r, const unsigned char **out, size_t *n);

/* Wipe and free; NULL is allowed. */
void filecrypt_reader_free(filecrypt_reader *r);

/* filecrypt_reader_free with the signature of an arena cleanup hook. */
void filecrypt_reader_free_hook(void *r);

/* Wrap file_key under master (of version master_version > 0) for file_id: AES-256-GCM via
 * secretbox with aad "bgw-file-key:<master_version>:<file_id>", so a wrapped key copied to
 * another row or labelled with another master version does not open.  Writes
 * FILECRYPT_WRAPPED_LEN bytes to out (cap bytes) and the length to *len.  BGW_OK;
 * BGW_E_INTERNAL for bad arguments, a small cap, an RNG or OpenSSL failure. */
bgw_err filecrypt_wrap_key(const unsigned char master[FILECRYPT_KEY_LEN], int master_version,
    const char *file_id, const unsigned char file_key[FILECRYPT_KEY_LEN], unsigned char *out,
    size_t cap, size_t *len);

/* Unwrap n bytes from filecrypt_wrap_key with the same master, version and file id into
 * file_key.  BGW_OK; BGW_E_INTERNAL (logged) if it does not authenticate or is malformed;
 * file_key is then wiped.  The caller wipes file_key when done (OPENSSL_cleanse). */
bgw_err filecrypt_unwrap_key(const unsigned char master[FILECRYPT_KEY_LEN], int master_version,
    const char *file_id, const unsigned char *wrapped, size_t n,
    unsigned char file_key[FILECRYPT_KEY_LEN]);

#endif
