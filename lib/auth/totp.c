/* totp.c - RFC 6238 codes over RFC 4226 HOTP, through OpenSSL's EVP_MAC "HMAC". */
#include "auth/totp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define SHA1_LEN 20
#define COUNTER_LEN 8

static const uint32_t powers_of_ten[TOTP_DIGITS_MAX + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};

/* HMAC-SHA1(key, counter as 8 big-endian bytes) into mac. */
static bool
hmac_sha1(const unsigned char *key, size_t keylen, uint64_t counter,
    unsigned char mac[SHA1_LEN])
{
	unsigned char msg[COUNTER_LEN];
	OSSL_PARAM params[2];
	EVP_MAC *hmac;
	EVP_MAC_CTX *ctx = NULL;
	size_t maclen = 0;
	bool ok = false;

	for (int i = COUNTER_LEN - 1; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)(counter & 0xffu);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0);
	params[1] = OSSL_PARAM_construct_end();
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (hmac != NULL)
		ctx = EVP_MAC_CTX_new(hmac);
	if (ctx != NULL && EVP_MAC_init(ctx, key, keylen, params) == 1 &&
	    EVP_MAC_update(ctx, msg, sizeof(msg)) == 1 &&
	    EVP_MAC_final(ctx, mac, &maclen, SHA1_LEN) == 1 && maclen == SHA1_LEN)
		ok = true;
	EVP_MAC_CTX_free(ctx); /* also wipes the key schedule */
	EVP_MAC_free(hmac);
	return ok;
}

bgw_err
totp_code_digits(const unsigned char *key, size_t keylen, uint64_t counter, unsigned digits,
    char *out, size_t cap)
{
	unsigned char mac[SHA1_LEN];
	unsigned off;
	uint32_t bin;

	if (out == NULL || cap == 0)
		return BGW_E_INTERNAL;
	out[0] = '\0';
	if (key == NULL || keylen == 0 || digits < TOTP_DIGITS || digits > TOTP_DIGITS_MAX ||
	    cap < digits + 1)
		return BGW_E_INTERNAL;
	if (!hmac_sha1(key, keylen, counter, mac)) {
		OPENSSL_cleanse(mac, sizeof(mac));
		return BGW_E_INTERNAL;
	}
	/* RFC 4226 section 5.3 dynamic truncation. */
	off = mac[SHA1_LEN - 1] & 0x0fu;
	bin = (uint32_t)(mac[off] & 0x7fu) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];
	OPENSSL_cleanse(mac, sizeof(mac));
	snprintf(out, cap, "%0*u", (int)digits, (unsigned)(bin % powers_of_ten[digits]));
	return BGW_OK;
}

bgw_err
totp_code(const unsigned char *key, size_t keylen, uint64_t counter, char out[TOTP_DIGITS + 1])
{
	return totp_code_digits(key, keylen, counter, TOTP_DIGITS, out, TOTP_DIGITS + 1);
}

int64_t
totp_step(time_t now)
{
	return now < 0 ? -1 : (int64_t)(now / TOTP_STEP_SECONDS);
}

static bool
is_code(const char *code)
{
	if (code == NULL || strnlen(code, TOTP_DIGITS + 1) != TOTP_DIGITS)
		return false;
	for (int i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

bool
totp_verify(const unsigned char *key, size_t keylen, const char *code, time_t now,
    int64_t last_used_step, int64_t *matched_step)
{
	char want[TOTP_DIGITS + 1];
	int64_t step = totp_step(now), found = -1;

	if (!is_code(code) || step < 0)
		return false;
	/* Every step in the window is computed and compared alike, whether or not it may still
	 * be used, so timing says nothing about which one matched; the latest usable one wins. */
	for (int64_t s = step - TOTP_WINDOW; s <= step + TOTP_WINDOW; s++) {
		if (s < 0)
			continue;
		if (totp_code(key, keylen, (uint64_t)s, want) != BGW_OK) {
			found = -1;
			break;
		}
		if (CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0 && s > last_used_step)
			found = s;
	}
	OPENSSL_cleanse(want, sizeof(want));
	if (found < 0)
		return false;
	*matched_step = found;
	return true;
}

/* Append s percent-encoded (RFC 3986: all but unreserved characters). */
static bool
append_encoded(char *out, size_t cap, size_t *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			if (*o + 1 >= cap)
				return false;
			out[(*o)++] = (char)*p;
		} else {
			if (*o + 3 >= cap)
				return false;
			out[(*o)++] = '%';
			out[(*o)++] = hex[*p >> 4];
			out[(*o)++] = hex[*p & 0x0fu];
		}
	}
	out[*o] = '\0';
	return true;
}

static bool
append_raw(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n >= cap)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return true;
}

#define APPEND_LIT(s) append_raw(out, cap, &o, (s), sizeof(s) - 1)

bgw_err
totp_otpauth_uri(const char *issuer, const char *account, const char *secret_b32, char *out,
    size_t cap)
{
	char tail[64];
	size_t o = 0, slen;

	if (out == NULL || cap == 0)
		return BGW_E_INTERNAL;
	out[0] = '\0';
	if (issuer == NULL || account == NULL || secret_b32 == NULL)
		return BGW_E_INTERNAL;
	if (issuer[0] == '\0' || account[0] == '\0' || strchr(issuer, ':') != NULL ||
	    strchr(account, ':') != NULL)
		return BGW_E_VALIDATION;
	slen = strlen(secret_b32);
	while (slen > 0 && secret_b32[slen - 1] == '=')
		slen--;
	if (slen == 0)
		return BGW_E_VALIDATION;
	for (size_t i = 0; i < slen; i++)
		if (!((secret_b32[i] >= 'A' && secret_b32[i] <= 'Z') ||
		    (secret_b32[i] >= '2' && secret_b32[i] <= '7')))
			return BGW_E_VALIDATION;
	snprintf(tail, sizeof(tail), "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS,
	    TOTP_STEP_SECONDS);
	if (!APPEND_LIT("otpauth://totp/") || !append_encoded(out, cap, &o, issuer) ||
	    !APPEND_LIT(":") || !append_encoded(out, cap, &o, account) ||
	    !APPEND_LIT("?secret=") || !append_raw(out, cap, &o, secret_b32, slen) ||
	    !APPEND_LIT("&issuer=") || !append_encoded(out, cap, &o, issuer) ||
	    !append_raw(out, cap, &o, tail, strlen(tail))) {
		OPENSSL_cleanse(out, cap);
		out[0] = '\0';
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}
