/* secretbox.h - small secrets at rest (TOTP secrets) sealed with AES-256-GCM.
 *
 * A sealed box is  version (1 byte) || nonce (12 random bytes) || ciphertext || tag (16).
 * The version byte and the caller's aad (associated data: bind a box to its row, e.g.
 * "totp:<user id>", so a box copied to another row does not open) are authenticated but not
 * encrypted.  A random 96-bit nonce per seal is safe for far more seals than a key will see
 * (NIST SP 800-38D: up to 2^32 per key).
 */
#ifndef BGW_SECRETBOX_H
#define BGW_SECRETBOX_H

#include <stddef.h>

#include "core/err.h"

#define SECRETBOX_KEY_LEN 32
#define SECRETBOX_VERSION 1
#define SECRETBOX_NONCE_LEN 12
#define SECRETBOX_TAG_LEN 16
#define SECRETBOX_OVERHEAD (1 + SECRETBOX_NONCE_LEN + SECRETBOX_TAG_LEN)
#define SECRETBOX_MAX_PLAINTEXT 4096 /* small secrets only */

/* Seal n bytes of pt (n <= SECRETBOX_MAX_PLAINTEXT) under key with the NUL-terminated aad
 * (NULL means ""), writing n + SECRETBOX_OVERHEAD bytes to out (cap bytes) and the length to
 * *outlen.  BGW_OK; BGW_E_INTERNAL if cap or n is wrong, the RNG or OpenSSL fails. */
bgw_err secretbox_seal(const unsigned char key[SECRETBOX_KEY_LEN], const unsigned char *pt,
    size_t n, const char *aad, unsigned char *out, size_t cap, size_t *outlen);

/* Open a box of n bytes from secretbox_seal with the same key and aad, writing the
 * n - SECRETBOX_OVERHEAD plaintext bytes to out (cap bytes) and the length to *outlen.
 * BGW_OK; BGW_E_INTERNAL (logged, no secret in the log) if the box is too short, of an unknown
 * version, fails authentication (any flipped bit, wrong aad, wrong key) or cap is too small;
 * out is then wiped and *outlen 0, so no unauthenticated plaintext ever leaks. */
bgw_err secretbox_open(const unsigned char key[SECRETBOX_KEY_LEN], const unsigned char *in,
    size_t n, const char *aad, unsigned char *out, size_t cap, size_t *outlen);

/* Read a key file into key: exactly 32 raw bytes, or 64 hex digits (either case) optionally
 * followed by one newline (LF or CR LF), e.g. made by `openssl rand -hex 32 > key`.  The file must be a regular file (symlinks are not followed) with
 * no permission for group or others (chmod 600 or 400), since anyone who reads it reads every
 * sealed secret.  BGW_OK; BGW_E_IO (logged with the path, never the content) if it cannot be
 * opened or read, has group/other permission bits, or has another length or content.  key is
 * wiped on error; callers wipe it (OPENSSL_cleanse) when done. */
bgw_err secretbox_load_key(const char *path, unsigned char key[SECRETBOX_KEY_LEN]);

#endif
