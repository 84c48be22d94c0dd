/* bounce.c - per-message return paths (bounce.h). */
#include "mail/bounce.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Domain separation: this key signs bounce addresses and nothing else. */
#define BOUNCE_KEY_LABEL "bgw bounce address v1"

static const char hexdig[] = "0123456789abcdef";

bgw_err
bounce_key_derive(const unsigned char *master, size_t master_len,
    unsigned char out[BOUNCE_KEY_LEN])
{
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), master, (int)master_len, (const unsigned char *)BOUNCE_KEY_LABEL,
	    strlen(BOUNCE_KEY_LABEL), out, &n) == NULL || n != BOUNCE_KEY_LEN)
		return BGW_E_INTERNAL;
	return BGW_OK;
}

static int
id_ok(const char *id, size_t len)
{
	if (len != BOUNCE_ID_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The signature of id as BOUNCE_SIG_BYTES * 2 hex digits and a NUL. */
static bgw_err
sign(const unsigned char key[BOUNCE_KEY_LEN], const char *id,
    char hex[BOUNCE_SIG_BYTES * 2 + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), key, BOUNCE_KEY_LEN, (const unsigned char *)id, BOUNCE_ID_LEN,
	    mac, &n) == NULL || n < BOUNCE_SIG_BYTES)
		return BGW_E_INTERNAL;
	for (int i = 0; i < BOUNCE_SIG_BYTES; i++) {
		hex[2 * i] = hexdig[mac[i] >> 4];
		hex[2 * i + 1] = hexdig[mac[i] & 0x0f];
	}
	hex[BOUNCE_SIG_BYTES * 2] = '\0';
	return BGW_OK;
}

bgw_err
bounce_address(bgw_arena *a, const unsigned char key[BOUNCE_KEY_LEN],
    const char *outbox_id, const char *domain, char **out)
{
	char sig[BOUNCE_SIG_BYTES * 2 + 1];
	bgw_err e;

	if (outbox_id == NULL || !id_ok(outbox_id, strlen(outbox_id)) || domain == NULL ||
	    domain[0] == '\0')
		return BGW_E_VALIDATION;
	if ((e = sign(key, outbox_id, sig)) != BGW_OK)
		return e;
	*out = bgw_arena_printf(a, BOUNCE_PREFIX "%s.%s@%s", outbox_id, sig, domain);
	return *out != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
bounce_match(const unsigned char key[BOUNCE_KEY_LEN], const char *text,
    char id[BOUNCE_ID_LEN + 1])
{
	const size_t plen = strlen(BOUNCE_PREFIX);
	char want[BOUNCE_SIG_BYTES * 2 + 1];
	const char *p, *sig;
	bgw_err e;

	id[0] = '\0';
	if (text == NULL || (p = strstr(text, BOUNCE_PREFIX)) == NULL)
		return BGW_E_NOT_FOUND;
	p += plen;
	sig = p + BOUNCE_ID_LEN;
	if (strnlen(p, BOUNCE_ID_LEN + 1) < BOUNCE_ID_LEN + 1 || !id_ok(p, BOUNCE_ID_LEN) ||
	    *sig != '.')
		return BGW_E_FORBIDDEN;
	sig++;
	if (strnlen(sig, BOUNCE_SIG_BYTES * 2 + 1) < BOUNCE_SIG_BYTES * 2 + 1 ||
	    sig[BOUNCE_SIG_BYTES * 2] != '@')
		return BGW_E_FORBIDDEN;
	memcpy(id, p, BOUNCE_ID_LEN);
	id[BOUNCE_ID_LEN] = '\0';
	if ((e = sign(key, id, want)) != BGW_OK)
		return e;
	if (CRYPTO_memcmp(want, sig, BOUNCE_SIG_BYTES * 2) != 0) {
		id[0] = '\0';
		return BGW_E_FORBIDDEN;
	}
	return BGW_OK;
}
