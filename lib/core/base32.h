/* base32.h - RFC 4648 base32 (the upper-case "A-Z2-7" alphabet), for TOTP secrets.
 *
 * Pure functions, no allocation.  Authenticator apps want the secret without padding, so
 * encoding can leave it off; decoding takes either.
 */
#ifndef BGW_BASE32_H
#define BGW_BASE32_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Characters (without the NUL) that base32_encode writes for n bytes. */
#define BASE32_PADDED_LEN(n) (((n) + 4) / 5 * 8)
#define BASE32_UNPADDED_LEN(n) (((n) * 8 + 4) / 5)
/* Bytes base32_decode writes at most for len characters. */
#define BASE32_DECODED_MAX(len) ((len) * 5 / 8)

/* Encode n bytes of in as NUL-terminated upper-case base32 into out (cap bytes), with '='
 * padding to a multiple of 8 characters when pad is true.  Returns BGW_OK, or
 * BGW_E_INTERNAL when cap is too small (out is then an empty string if cap > 0). */
bgw_err base32_encode(const unsigned char *in, size_t n, bool pad, char *out, size_t cap);

/* Decode len characters of base32 into out (cap bytes), *outlen the byte count.  Letters in
 * either case; '=' padding optional, but if present it must be complete and only at the end.
 * Rejects (BGW_E_VALIDATION) any other character including spaces, an impossible length
 * (1, 3 or 6 characters left over), and non-zero unused trailing bits, so every byte string
 * has exactly one accepted spelling up to case and padding.  BGW_E_INTERNAL if cap is too
 * small.  out may hold partial output on error. */
bgw_err base32_decode(const char *in, size_t len, unsigned char *out, size_t cap,
    size_t *outlen);

#endif
