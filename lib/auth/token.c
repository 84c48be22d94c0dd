/* token.c - random tokens, ids and codes from RAND_bytes; SHA-256 storage hashes. */
#include "auth/token.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/log.h"

#define ALPHABET_SIZE (sizeof(CODE_ALPHABET) - 1)
/* Bytes at or above this are rejected so that byte % ALPHABET_SIZE is uniform. */
#define CODE_BYTE_LIMIT (256 / ALPHABET_SIZE * ALPHABET_SIZE)
/* Random bytes drawn per refill while building a code. */
#define CODE_BATCH 64

static void
clear(char *out, size_t cap)
{
	if (out != NULL && cap > 0)
		out[0] = '\0';
}

/* base64url without padding of n random bytes into out. */
static bgw_err
random_b64url(size_t n, char *out, size_t cap)
{
	unsigned char raw[TOKEN_BYTES];
	char b64[TOKEN_BYTES * 2];
	int len;

	if (out == NULL || n > sizeof(raw) || cap < (n * 4 + 2) / 3 + 1) {
		clear(out, cap);
		return BGW_E_INTERNAL;
	}
	if (RAND_bytes(raw, (int)n) != 1) {
		OPENSSL_cleanse(raw, sizeof(raw));
		clear(out, cap);
		bgw_log(BGW_LOG_ERROR, "could not generate random bytes: rand_bytes failed");
		return BGW_E_INTERNAL;
	}
	len = EVP_EncodeBlock((unsigned char *)b64, raw, (int)n);
	OPENSSL_cleanse(raw, sizeof(raw));
	while (len > 0 && b64[len - 1] == '=')
		len--;
	for (int i = 0; i < len; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[len] = '\0';
	OPENSSL_cleanse(b64, sizeof(b64));
	return BGW_OK;
}

bgw_err
token_new(char *out, size_t cap)
{
	return random_b64url(TOKEN_BYTES, out, cap);
}

bgw_err
id_new(char *out, size_t cap)
{
	return random_b64url(ID_BYTES, out, cap);
}

void
token_hash(const char *token, unsigned char out[TOKEN_HASH_LEN])
{
	unsigned int len = 0;

	if (token == NULL)
		token = "";
	/* EVP_Digest fails only on a broken OpenSSL; a zero hash then matches no stored one,
	 * since stored hashes come from real tokens. */
	if (EVP_Digest(token, strlen(token), out, &len, EVP_sha256(), NULL) != 1 ||
	    len != TOKEN_HASH_LEN) {
		memset(out, 0, TOKEN_HASH_LEN);
		bgw_log(BGW_LOG_ERROR, "could not hash token: sha-256 failed");
	}
}

bool
token_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

bgw_err
token_hex(const unsigned char *in, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";

	if (out == NULL || cap == 0 || n > (cap - 1) / 2) {
		clear(out, cap);
		return BGW_E_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0x0fu];
	}
	out[2 * n] = '\0';
	return BGW_OK;
}

bgw_err
code_new(char *out, size_t cap, size_t len)
{
	unsigned char batch[CODE_BATCH];
	size_t got = 0, used = sizeof(batch);

	if (out == NULL || len == 0 || len > CODE_LEN_MAX || cap < len + 1) {
		clear(out, cap);
		return BGW_E_INTERNAL;
	}
	while (got < len) {
		if (used == sizeof(batch)) {
			if (RAND_bytes(batch, sizeof(batch)) != 1) {
				OPENSSL_cleanse(batch, sizeof(batch));
				OPENSSL_cleanse(out, cap);
				clear(out, cap);
				bgw_log(BGW_LOG_ERROR,
				    "could not generate random bytes: rand_bytes failed");
				return BGW_E_INTERNAL;
			}
			used = 0;
		}
		if (batch[used] < CODE_BYTE_LIMIT)
			out[got++] = CODE_ALPHABET[batch[used] % ALPHABET_SIZE];
		used++;
	}
	out[len] = '\0';
	OPENSSL_cleanse(batch, sizeof(batch));
	return BGW_OK;
}
