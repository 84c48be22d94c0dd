/* blobstore.c - the backend-independent half of the blob store: id generation and checks,
 * and the sink/source state rules (sticky errors, commit or abort exactly once). */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "blobstore.h"
#include "log.h"

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
