/* token.h - random tokens, ids and codes (OpenSSL RAND_bytes only), and their storage hashes.
 *
 * Tokens (session, CSRF, invitation, password reset) are 256 random bits in base64url; the
 * database keeps only token_hash of them, so a leaked table opens no session.  Ids are
 * opaque public identifiers.  Codes are what people type (first-access and recovery codes).
 * Tokens and codes are secrets: never log them.
 */
#ifndef BGW_TOKEN_H
#define BGW_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define TOKEN_BYTES 32      /* 256 bits */
#define TOKEN_LEN 43        /* base64url characters of TOKEN_BYTES, no padding */
#define TOKEN_HASH_LEN 32   /* SHA-256 */
#define TOKEN_HEX_LEN (TOKEN_HASH_LEN * 2)
#define ID_BYTES 16         /* 128 bits: collisions are not a concern */
#define ID_LEN 22
#define CODE_LEN_MAX 64
/* Unambiguous when read aloud or from paper: no 0/O, 1/I/L. */
#define CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

/* A new token: TOKEN_LEN base64url characters and a NUL into out (cap >= TOKEN_LEN + 1).
 * BGW_OK; BGW_E_INTERNAL if the RNG fails or cap is too small (out is then "" if cap > 0). */
bgw_err token_new(char *out, size_t cap);

/* SHA-256 of the NUL-terminated token, for storage and lookup.  A NULL token hashes as "". */
void token_hash(const char *token, unsigned char out[TOKEN_HASH_LEN]);

/* Constant-time equality of n bytes (CRYPTO_memcmp), e.g. two token hashes or CSRF tokens. */
bool token_equal(const unsigned char *a, const unsigned char *b, size_t n);

/* Lower-case hex of n bytes into out, NUL-terminated (cap >= 2n + 1), e.g. a token hash for a
 * text column.  BGW_OK, or BGW_E_INTERNAL if cap is too small (out is then "" if cap > 0). */
bgw_err token_hex(const unsigned char *in, size_t n, char *out, size_t cap);

/* A new opaque public id: ID_LEN base64url characters of ID_BYTES random bytes, and a NUL.
 * BGW_OK; BGW_E_INTERNAL as token_new. */
bgw_err id_new(char *out, size_t cap);

/* A new code of len characters (1..CODE_LEN_MAX) from CODE_ALPHABET, uniformly distributed
 * (rejection sampling, no modulo bias), NUL-terminated into out (cap >= len + 1).
 * BGW_OK; BGW_E_INTERNAL if the RNG fails or len or cap is wrong (out is then "" if
 * cap > 0).  Callers store token_hash of the code, never the code. */
bgw_err code_new(char *out, size_t cap, size_t len);

#endif
