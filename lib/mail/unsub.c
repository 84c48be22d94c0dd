/* unsub.c - the signed digest unsubscribe link (unsub.h). */
#include "mail/unsub.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Domain separation: this key signs unsubscribe links and nothing else. */
#define UNSUB_KEY_LABEL "bgw digest unsubscribe v1"
/* What a signature says: this user's digest may be turned off. */
#define UNSUB_PURPOSE "digest-off:"

static const char hexdig[] = "0123456789abcdef";

bgw_err
unsub_key_derive(const unsigned char *master, size_t master_len,
    unsigned char out[UNSUB_KEY_LEN])
{
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), master, (int)master_len, (const unsigned char *)UNSUB_KEY_LABEL,
	    strlen(UNSUB_KEY_LABEL), out, &n) == NULL || n != UNSUB_KEY_LEN)
		return BGW_E_INTERNAL;
	return BGW_OK;
}

static int
id_ok(const char *id, size_t len)
{
	if (len != UNSUB_ID_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The signature of id (UNSUB_ID_LEN characters) as hex digits and a NUL. */
static bgw_err
sign(const unsigned char key[UNSUB_KEY_LEN], const char *id,
    char hex[UNSUB_SIG_BYTES * 2 + 1])
{
	unsigned char msg[sizeof(UNSUB_PURPOSE) - 1 + UNSUB_ID_LEN];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	memcpy(msg, UNSUB_PURPOSE, sizeof(UNSUB_PURPOSE) - 1);
	memcpy(msg + sizeof(UNSUB_PURPOSE) - 1, id, UNSUB_ID_LEN);
	if (HMAC(EVP_sha256(), key, UNSUB_KEY_LEN, msg, sizeof(msg), mac, &n) == NULL ||
	    n < UNSUB_SIG_BYTES)
		return BGW_E_INTERNAL;
	for (int i = 0; i < UNSUB_SIG_BYTES; i++) {
		hex[2 * i] = hexdig[mac[i] >> 4];
		hex[2 * i + 1] = hexdig[mac[i] & 0x0f];
	}
	hex[UNSUB_SIG_BYTES * 2] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));
	return BGW_OK;
}

bgw_err
unsub_link(bgw_arena *a, const unsigned char key[UNSUB_KEY_LEN], const char *base_url,
    const char *user_id, char **out)
{
	char sig[UNSUB_SIG_BYTES * 2 + 1];
	bgw_err e;

	*out = NULL;
	if (user_id == NULL || base_url == NULL || !id_ok(user_id, strlen(user_id)))
		return BGW_E_VALIDATION;
	if ((e = sign(key, user_id, sig)) != BGW_OK)
		return e;
	*out = bgw_arena_printf(a, "%s/unsubscribe/%s.%s", base_url, user_id, sig);
	return *out != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
unsub_check(const unsigned char key[UNSUB_KEY_LEN], const char *token,
    char user_id[UNSUB_ID_LEN + 1])
{
	char want[UNSUB_SIG_BYTES * 2 + 1];

	user_id[0] = '\0';
	if (token == NULL || strlen(token) != UNSUB_TOKEN_LEN || token[UNSUB_ID_LEN] != '.' ||
	    !id_ok(token, UNSUB_ID_LEN))
		return BGW_E_FORBIDDEN;
	memcpy(user_id, token, UNSUB_ID_LEN);
	user_id[UNSUB_ID_LEN] = '\0';
	if (sign(key, user_id, want) != BGW_OK ||
	    CRYPTO_memcmp(want, token + UNSUB_ID_LEN + 1, 2 * UNSUB_SIG_BYTES) != 0) {
		user_id[0] = '\0';
		return BGW_E_FORBIDDEN;
	}
	return BGW_OK;
}

bgw_err
unsub_digest_off(bgw_db *db, bgw_arena *a, const unsigned char key[UNSUB_KEY_LEN],
    const char *token)
{
	char user_id[UNSUB_ID_LEN + 1];
	const char *p[1] = {user_id};
	db_rows *res;
	bgw_err e;

	if ((e = unsub_check(key, token, user_id)) != BGW_OK)
		return e;
	if ((e = db_exec(db, a, "unsub_digest_off", 1, p, &res)) != BGW_OK)
		return e;
	return db_nrows(res) == 1 && strcmp(db_value(res, 0, 0), "t") == 0 ? BGW_OK :
	    BGW_E_NOT_FOUND;
}
