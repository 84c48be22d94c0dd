/* filecrypt.c - chunked AES-256-GCM for documents at rest (format in filecrypt.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "files/filecrypt.h"
#include "core/log.h"

#define NONCE_LEN (FILECRYPT_NONCE_PREFIX_LEN + 4)
#define AAD_MAX (FILECRYPT_HEADER_LEN + 4 + 1 + 2 + FILECRYPT_FILE_ID_MAX)
#define SEALED_MAX (FILECRYPT_CHUNK + FILECRYPT_TAG_LEN)
#define WRAP_AAD_MAX (32 + FILECRYPT_FILE_ID_MAX)

/* What both directions share: key, header, file id, the running chunk index. */
typedef struct chunk_ctx {
	EVP_CIPHER_CTX *evp;
	unsigned char key[FILECRYPT_KEY_LEN];
	unsigned char header[FILECRYPT_HEADER_LEN];
	char file_id[FILECRYPT_FILE_ID_MAX + 1];
	size_t id_len;
	uint64_t index; /* next chunk */
} chunk_ctx;

struct filecrypt_writer {
	chunk_ctx c;
	blob_sink *out;
	bool header_written, finished;
	bgw_err err;
	size_t fill;
	unsigned char pt[FILECRYPT_CHUNK];
	unsigned char sealed[SEALED_MAX];
};

struct filecrypt_reader {
	chunk_ctx c;
	blob_source *in;
	bool header_read, done;
	bgw_err err;
	size_t have;                           /* bytes in buf */
	unsigned char buf[SEALED_MAX + 1];     /* one sealed chunk and one byte of lookahead */
	unsigned char pt[FILECRYPT_CHUNK];
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool
ctx_init(chunk_ctx *c, const unsigned char key[FILECRYPT_KEY_LEN], const char *file_id)
{
	size_t n = file_id != NULL ? strlen(file_id) : 0;

	if (key == NULL || n == 0 || n > FILECRYPT_FILE_ID_MAX)
		return false;
	memcpy(c->key, key, FILECRYPT_KEY_LEN);
	memcpy(c->file_id, file_id, n + 1);
	c->id_len = n;
	c->evp = EVP_CIPHER_CTX_new();
	return c->evp != NULL;
}

static void
ctx_wipe(chunk_ctx *c)
{
	EVP_CIPHER_CTX_free(c->evp);
	OPENSSL_cleanse(c->key, sizeof(c->key));
}

static size_t
chunk_aad(const chunk_ctx *c, bool last, unsigned char *aad)
{
	size_t o = 0;

	memcpy(aad, c->header, FILECRYPT_HEADER_LEN);
	o += FILECRYPT_HEADER_LEN;
	put32(aad + o, (uint32_t)c->index);
	o += 4;
	aad[o++] = last ? 1 : 0;
	aad[o++] = (unsigned char)(c->id_len >> 8);
	aad[o++] = (unsigned char)c->id_len;
	memcpy(aad + o, c->file_id, c->id_len);
	return o + c->id_len;
}

static void
chunk_nonce(const chunk_ctx *c, unsigned char *nonce)
{
	memcpy(nonce, c->header + 4 + 1 + 4, FILECRYPT_NONCE_PREFIX_LEN);
	put32(nonce + FILECRYPT_NONCE_PREFIX_LEN, (uint32_t)c->index);
}

/* Seal n bytes of pt as chunk c->index into out (n + tag bytes). */
static bool
seal(chunk_ctx *c, const unsigned char *pt, size_t n, bool last, unsigned char *out)
{
	unsigned char nonce[NONCE_LEN], aad[AAD_MAX];
	size_t aadlen = chunk_aad(c, last, aad);
	int len = 0, fin = 0;

	chunk_nonce(c, nonce);
	return EVP_EncryptInit_ex(c->evp, EVP_aes_256_gcm(), NULL, c->key, nonce) == 1 &&
	    EVP_EncryptUpdate(c->evp, NULL, &len, aad, (int)aadlen) == 1 &&
	    EVP_EncryptUpdate(c->evp, out, &len, pt, (int)n) == 1 && (size_t)len == n &&
	    EVP_EncryptFinal_ex(c->evp, out + len, &fin) == 1 && fin == 0 &&
	    EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_GET_TAG, FILECRYPT_TAG_LEN, out + n) == 1;
}

/* Open the sealed chunk c->index of n bytes (tag included) into pt; on failure pt is
 * wiped, so nothing unverified survives. */
static bool
open_chunk(chunk_ctx *c, unsigned char *in, size_t n, bool last, unsigned char *pt)
{
	unsigned char nonce[NONCE_LEN], aad[AAD_MAX];
	size_t aadlen = chunk_aad(c, last, aad), ctlen = n - FILECRYPT_TAG_LEN;
	int len = 0, fin = 0;
	bool ok;

	chunk_nonce(c, nonce);
	ok = EVP_DecryptInit_ex(c->evp, EVP_aes_256_gcm(), NULL, c->key, nonce) == 1 &&
	    EVP_DecryptUpdate(c->evp, NULL, &len, aad, (int)aadlen) == 1 &&
	    EVP_DecryptUpdate(c->evp, pt, &len, in, (int)ctlen) == 1 && (size_t)len == ctlen &&
	    EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_SET_TAG, FILECRYPT_TAG_LEN, in + ctlen) == 1 &&
	    EVP_DecryptFinal_ex(c->evp, pt + len, &fin) == 1;
	if (!ok)
		OPENSSL_cleanse(pt, ctlen);
	return ok;
}

bgw_err
filecrypt_new_key(unsigned char key[FILECRYPT_KEY_LEN])
{
	if (RAND_bytes(key, FILECRYPT_KEY_LEN) != 1) {
		OPENSSL_cleanse(key, FILECRYPT_KEY_LEN);
		bgw_log(BGW_LOG_ERROR, "could not get random bytes for a file key");
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}

filecrypt_writer *
filecrypt_writer_new(const unsigned char key[FILECRYPT_KEY_LEN], const char *file_id,
    blob_sink *out)
{
	filecrypt_writer *w;

	if (out == NULL || (w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->out = out;
	if (!ctx_init(&w->c, key, file_id)) {
		filecrypt_writer_free(w);
		return NULL;
	}
	memcpy(w->c.header, FILECRYPT_MAGIC, 4);
	w->c.header[4] = FILECRYPT_VERSION;
	put32(w->c.header + 5, (uint32_t)FILECRYPT_CHUNK);
	if (RAND_bytes(w->c.header + 9, FILECRYPT_NONCE_PREFIX_LEN) != 1) {
		bgw_log(BGW_LOG_ERROR, "could not get random bytes for a file nonce");
		filecrypt_writer_free(w);
		return NULL;
	}
	return w;
}

/* Seal the buffered plaintext as the next chunk and write it (after the header, once). */
static bgw_err
emit(filecrypt_writer *w, bool last)
{
	bgw_err err;

	if (w->c.index > UINT32_MAX)
		return BGW_E_TOO_LARGE;
	if (!w->header_written) {
		if ((err = blob_sink_write(w->out, w->c.header, FILECRYPT_HEADER_LEN)) != BGW_OK)
			return err;
		w->header_written = true;
	}
	if (!seal(&w->c, w->pt, w->fill, last, w->sealed)) {
		bgw_log(BGW_LOG_ERROR, "could not encrypt chunk %llu",
		    (unsigned long long)w->c.index);
		return BGW_E_INTERNAL;
	}
	err = blob_sink_write(w->out, w->sealed, w->fill + FILECRYPT_TAG_LEN);
	w->c.index++;
	w->fill = 0;
	return err;
}

bgw_err
filecrypt_write(filecrypt_writer *w, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (w->err != BGW_OK)
		return w->err;
	if (w->finished)
		return w->err = BGW_E_INTERNAL;
	while (n > 0) {
		size_t take;

		/* A full chunk goes out only now that more bytes follow it: it is not the last. */
		if (w->fill == FILECRYPT_CHUNK && (w->err = emit(w, false)) != BGW_OK)
			return w->err;
		take = FILECRYPT_CHUNK - w->fill < n ? FILECRYPT_CHUNK - w->fill : n;
		memcpy(w->pt + w->fill, p, take);
		w->fill += take;
		p += take;
		n -= take;
	}
	return BGW_OK;
}

bgw_err
filecrypt_finish(filecrypt_writer *w)
{
	if (w->err != BGW_OK)
		return w->err;
	if (w->finished)
		return w->err = BGW_E_INTERNAL;
	w->finished = true;
	w->err = emit(w, true);
	return w->err;
}

void
filecrypt_writer_free(filecrypt_writer *w)
{
	if (w == NULL)
		return;
	ctx_wipe(&w->c);
	OPENSSL_cleanse(w->pt, sizeof(w->pt));
	free(w);
}

void
filecrypt_writer_free_hook(void *w)
{
	filecrypt_writer_free(w);
}

filecrypt_reader *
filecrypt_reader_new(const unsigned char key[FILECRYPT_KEY_LEN], const char *file_id,
    blob_source *in)
{
	filecrypt_reader *r;

	if (in == NULL || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->in = in;
	if (!ctx_init(&r->c, key, file_id)) {
		filecrypt_reader_free(r);
		return NULL;
	}
	return r;
}

/* Read from the source until buf holds want bytes or the source ends. */
static bgw_err
fill_to(filecrypt_reader *r, size_t want, bool *eof)
{
	*eof = false;
	while (r->have < want) {
		size_t n;
		bgw_err err = blob_source_read(r->in, r->buf + r->have, want - r->have, &n);

		if (err != BGW_OK)
			return err;
		if (n == 0) {
			*eof = true;
			break;
		}
		r->have += n;
	}
	return BGW_OK;
}

static bgw_err
corrupt(filecrypt_reader *r, const char *why)
{
	bgw_log(BGW_LOG_ERROR, "cannot decrypt document %s: %s at chunk %llu", r->c.file_id, why,
	    (unsigned long long)r->c.index);
	return BGW_E_INTERNAL;
}

static bgw_err
read_header(filecrypt_reader *r)
{
	bool eof;
	bgw_err err = fill_to(r, FILECRYPT_HEADER_LEN, &eof);

	if (err != BGW_OK)
		return err;
	if (r->have < FILECRYPT_HEADER_LEN)
		return corrupt(r, "blob shorter than its header");
	if (memcmp(r->buf, FILECRYPT_MAGIC, 4) != 0)
		return corrupt(r, "not an encrypted document");
	if (r->buf[4] != FILECRYPT_VERSION)
		return corrupt(r, "unknown format version");
	/* Only the size this version writes: a forged header cannot change the framing. */
	if (get32(r->buf + 5) != FILECRYPT_CHUNK)
		return corrupt(r, "unexpected chunk size");
	memcpy(r->c.header, r->buf, FILECRYPT_HEADER_LEN);
	r->have = 0;
	r->header_read = true;
	return BGW_OK;
}

static bgw_err
next_chunk(filecrypt_reader *r, const unsigned char **out, size_t *n)
{
	bool eof, last;
	size_t len;
	bgw_err err;

	if (r->c.index > UINT32_MAX)
		return corrupt(r, "too many chunks");
	/* One byte past a full chunk tells whether it is the last. */
	if ((err = fill_to(r, SEALED_MAX + 1, &eof)) != BGW_OK)
		return err;
	last = eof;
	len = last ? r->have : SEALED_MAX;
	if (len < FILECRYPT_TAG_LEN)
		return corrupt(r, r->c.index == 0 ? "no chunk" : "truncated chunk");
	if (!open_chunk(&r->c, r->buf, len, last, r->pt))
		return corrupt(r, last ? "last chunk failed authentication (cut, extended or "
		    "altered blob)" : "chunk failed authentication");
	/* Keep the lookahead byte as the start of the next chunk. */
	if (!last)
		r->buf[0] = r->buf[SEALED_MAX];
	r->have = last ? 0 : 1;
	r->c.index++;
	r->done = last;
	*out = r->pt;
	*n = len - FILECRYPT_TAG_LEN;
	return BGW_OK;
}

bgw_err
filecrypt_read(filecrypt_reader *r, const unsigned char **out, size_t *n)
{
	*out = r->pt;
	*n = 0;
	if (r->err != BGW_OK)
		return r->err;
	if (r->done)
		return BGW_OK;
	if (!r->header_read && (r->err = read_header(r)) != BGW_OK)
		return r->err;
	r->err = next_chunk(r, out, n);
	if (r->err != BGW_OK)
		*n = 0;
	/* An empty last chunk has nothing to hand out: the end itself is the answer. */
	return r->err;
}

void
filecrypt_reader_free(filecrypt_reader *r)
{
	if (r == NULL)
		return;
	ctx_wipe(&r->c);
	OPENSSL_cleanse(r->pt, sizeof(r->pt));
	free(r);
}

void
filecrypt_reader_free_hook(void *r)
{
	filecrypt_reader_free(r);
}

static bool
wrap_aad(int master_version, const char *file_id, char *aad, size_t cap)
{
	int n;

	if (master_version <= 0 || file_id == NULL || file_id[0] == '\0' ||
	    strlen(file_id) > FILECRYPT_FILE_ID_MAX)
		return false;
	/* The version is decimal without ':', so the text after the second ':' is the id. */
	n = snprintf(aad, cap, "bgw-file-key:%d:%s", master_version, file_id);
	return n > 0 && (size_t)n < cap;
}

bgw_err
filecrypt_wrap_key(const unsigned char master[FILECRYPT_KEY_LEN], int master_version,
    const char *file_id, const unsigned char file_key[FILECRYPT_KEY_LEN], unsigned char *out,
    size_t cap, size_t *len)
{
	char aad[WRAP_AAD_MAX];

	*len = 0;
	if (!wrap_aad(master_version, file_id, aad, sizeof(aad)))
		return BGW_E_INTERNAL;
	return secretbox_seal(master, file_key, FILECRYPT_KEY_LEN, aad, out, cap, len);
}

bgw_err
filecrypt_unwrap_key(const unsigned char master[FILECRYPT_KEY_LEN], int master_version,
    const char *file_id, const unsigned char *wrapped, size_t n,
    unsigned char file_key[FILECRYPT_KEY_LEN])
{
	char aad[WRAP_AAD_MAX];
	size_t len = 0;
	bgw_err err;

	OPENSSL_cleanse(file_key, FILECRYPT_KEY_LEN);
	if (!wrap_aad(master_version, file_id, aad, sizeof(aad)) || n != FILECRYPT_WRAPPED_LEN)
		return BGW_E_INTERNAL;
	err = secretbox_open(master, wrapped, n, aad, file_key, FILECRYPT_KEY_LEN, &len);
	if (err == BGW_OK && len != FILECRYPT_KEY_LEN)
		err = BGW_E_INTERNAL;
	if (err != BGW_OK)
		OPENSSL_cleanse(file_key, FILECRYPT_KEY_LEN);
	return err;
}
