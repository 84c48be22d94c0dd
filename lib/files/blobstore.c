/* blobstore.c - the backend-independent half of the blob store: id generation and checks,
 * the sink/source state rules (sticky errors, commit or abort exactly once), and opening the
 * store a configuration names. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "files/blobstore.h"
#include "core/config.h"
#include "core/log.h"

/* Longest line read from azure_key_file (base64 account keys are 88 characters). */
#define BLOB_KEY_FILE_MAX 256

bool
blobstore_id_valid(const char *id)
{
	size_t n;

	if (id == NULL)
		return false;
	for (n = 0; id[n] != '\0'; n++) {
		char c = id[n];

		if (n >= BLOB_ID_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return false;
	}
	return n > 0;
}

bgw_err
blobstore_prepare(blobstore *bs)
{
	return bs->ops->prepare(bs);
}

void
blobstore_close(blobstore *bs)
{
	if (bs != NULL)
		bs->ops->close(bs);
}

bgw_err
blobstore_create(blobstore *bs, blob_sink **out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[BLOB_ID_RANDOM];
	char id[2 * BLOB_ID_RANDOM + 1];
	bgw_err err;

	*out = NULL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		bgw_log(BGW_LOG_ERROR, "could not get random bytes for a blob id");
		return BGW_E_INTERNAL;
	}
	for (size_t i = 0; i < sizeof(rnd); i++) {
		id[2 * i] = hex[rnd[i] >> 4];
		id[2 * i + 1] = hex[rnd[i] & 15];
	}
	id[sizeof(id) - 1] = '\0';
	err = bs->ops->create(bs, id, out);
	if (err != BGW_OK) {
		*out = NULL;
		return err;
	}
	(*out)->state = BLOB_SINK_OPEN;
	(*out)->err = BGW_OK;
	memcpy((*out)->id, id, sizeof(id));
	return BGW_OK;
}

const char *
blob_sink_id(const blob_sink *s)
{
	return s->id;
}

bgw_err
blob_sink_write(blob_sink *s, const void *buf, size_t n)
{
	if (s->state != BLOB_SINK_OPEN)
		return s->err != BGW_OK ? s->err : BGW_E_INTERNAL;
	if (s->err != BGW_OK)
		return s->err;
	if (n == 0)
		return BGW_OK;
	s->err = s->ops->write(s, buf, n);
	return s->err;
}

bgw_err
blob_sink_commit(blob_sink *s)
{
	bgw_err err;

	if (s->state != BLOB_SINK_OPEN)
		return s->err != BGW_OK ? s->err : BGW_E_INTERNAL;
	if (s->err != BGW_OK) {
		blob_sink_abort(s);
		return s->err;
	}
	err = s->ops->commit(s);
	if (err != BGW_OK) {
		/* The backend removed the uncommitted data already. */
		s->err = err;
		s->state = BLOB_SINK_ABORTED;
		return err;
	}
	s->state = BLOB_SINK_COMMITTED;
	return BGW_OK;
}

void
blob_sink_abort(blob_sink *s)
{
	if (s == NULL || s->state != BLOB_SINK_OPEN)
		return;
	s->ops->abort(s);
	s->state = BLOB_SINK_ABORTED;
}

void
blob_sink_free(blob_sink *s)
{
	if (s == NULL)
		return;
	blob_sink_abort(s);
	s->ops->release(s);
}

void
blob_sink_free_hook(void *s)
{
	blob_sink_free(s);
}

bgw_err
blobstore_open_source(blobstore *bs, const char *id, blob_source **out)
{
	bgw_err err;

	*out = NULL;
	if (!blobstore_id_valid(id)) {
		bgw_log(BGW_LOG_WARN, "cannot open blob: malformed id");
		return BGW_E_NOT_FOUND;
	}
	err = bs->ops->open_source(bs, id, out);
	if (err != BGW_OK) {
		*out = NULL;
		return err;
	}
	(*out)->err = BGW_OK;
	return BGW_OK;
}

bgw_err
blob_source_read(blob_source *s, void *buf, size_t cap, size_t *n)
{
	*n = 0;
	if (s->err != BGW_OK)
		return s->err;
	if (cap == 0)
		return BGW_E_INTERNAL;
	s->err = s->ops->read(s, buf, cap, n);
	if (s->err != BGW_OK)
		*n = 0;
	return s->err;
}

void
blob_source_free(blob_source *s)
{
	if (s != NULL)
		s->ops->release(s);
}

void
blob_source_free_hook(void *s)
{
	blob_source_free(s);
}

bgw_err
blobstore_delete(blobstore *bs, const char *id)
{
	if (!blobstore_id_valid(id)) {
		bgw_log(BGW_LOG_WARN, "cannot delete blob: malformed id");
		return BGW_E_NOT_FOUND;
	}
	return bs->ops->delete_blob(bs, id);
}

bgw_err
blobstore_measure(blobstore *bs, blob_usage *out)
{
	out->blobs = 0;
	out->bytes = 0;
	if (bs->ops->measure == NULL)
		return BGW_E_INTERNAL;
	return bs->ops->measure(bs, out);
}

/* The account key from its own file (never in the config, which the service group reads):
 * refused unless it is a regular file only its owner may read. */
static bool
read_key_file(const char *path, char *out, size_t cap)
{
	struct stat st;
	FILE *f = fopen(path, "re");
	bool ok;

	if (f == NULL)
		return false;
	ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0 &&
	    fgets(out, (int)cap, f) != NULL;
	fclose(f);
	if (ok)
		out[strcspn(out, "\r\n")] = '\0';
	return ok && out[0] != '\0';
}

blobstore *
blobstore_open_config(const bgw_config *cfg)
{
	char key[BLOB_KEY_FILE_MAX];
	blobstore *bs;

	if (strcmp(cfg->blob_backend, "azure") != 0)
		return blobstore_open_local(cfg->blob_dir);
	if (!read_key_file(cfg->azure_key_file, key, sizeof(key))) {
		OPENSSL_cleanse(key, sizeof(key));
		bgw_log(BGW_LOG_ERROR, "could not read the azure key file %s (a regular file, "
		    "mode 0600 or stricter)", cfg->azure_key_file);
		return NULL;
	}
	bs = blobstore_open_azure(cfg->azure_account, key, cfg->azure_container,
	    cfg->azure_endpoint);
	OPENSSL_cleanse(key, sizeof(key));
	return bs;
}
