/* totp.h - RFC 6238 time-based one-time passwords: HMAC-SHA1, 30 s steps, 6 digits, a window
 * of one step either side, each step usable once.
 *
 * The caller stores the step counter of the last accepted code and passes it back, so a code
 * (or any earlier one) is never accepted twice.  Keys and codes are secrets: never log them.
 */
#ifndef BGW_TOTP_H
#define BGW_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS 6
#define TOTP_DIGITS_MAX 8 /* RFC 6238's vectors use 8 */
#define TOTP_WINDOW 1     /* steps accepted either side of now, for clock drift */
#define TOTP_SECRET_LEN 20 /* bytes of a new secret: RFC 4226 recommends 160 bits */
#define TOTP_NO_STEP (-1)  /* last_used_step when no code was ever accepted */

/* The TOTP_DIGITS-digit code for counter (a step number, time / 30) into out, NUL-terminated.
 * BGW_OK, or BGW_E_INTERNAL if HMAC fails or keylen is 0 (out is then ""). */
bgw_err totp_code(const unsigned char *key, size_t keylen, uint64_t counter,
    char out[TOTP_DIGITS + 1]);

/* As totp_code with a number of digits from 6 to TOTP_DIGITS_MAX, out of cap bytes; public for
 * the RFC 6238 Appendix B vectors, which use 8.  BGW_E_INTERNAL on bad digits or cap. */
bgw_err totp_code_digits(const unsigned char *key, size_t keylen, uint64_t counter,
    unsigned digits, char *out, size_t cap);

/* The step number at time now (floor(now / 30)), or -1 before the epoch. */
int64_t totp_step(time_t now);

/* true if code (a NUL-terminated string of exactly TOTP_DIGITS ASCII digits) is the code of a
 * step within TOTP_WINDOW of now's step and later than last_used_step (TOTP_NO_STEP if none);
 * *matched_step is then that step: store it as the new last used step.  Every candidate step
 * is computed and compared in constant time.  false for any other code, a NULL code, an HMAC
 * failure, or a time before the epoch; *matched_step is then untouched. */
bool totp_verify(const unsigned char *key, size_t keylen, const char *code, time_t now,
    int64_t last_used_step, int64_t *matched_step);

/* The otpauth://totp/ URI an authenticator app scans as a QR code:
 *   otpauth://totp/<issuer>:<account>?secret=<b32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
 * issuer and account are UTF-8 and percent-encoded (everything but RFC 3986 unreserved
 * characters), secret_b32 is the unpadded upper-case base32 secret (any '=' padding is
 * dropped).  Writes NUL-terminated into out (cap bytes).  BGW_OK; BGW_E_VALIDATION if the
 * issuer or account is empty or holds ':' (the label separator, which the Key Uri Format
 * forbids in either, encoded or not), or the secret is empty or not base32; BGW_E_INTERNAL if
 * cap is too small or an argument is NULL (out is then "" when cap > 0). */
bgw_err totp_otpauth_uri(const char *issuer, const char *account, const char *secret_b32,
    char *out, size_t cap);

#endif
