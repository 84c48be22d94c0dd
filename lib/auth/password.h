/* password.h - the password policy: 12 to 128 characters of any Unicode, no composition
 * rules, no truncation, not on the shipped list of common passwords.
 *
 * Characters are Unicode code points, not bytes: "パスワードは十二文字です" is 12.  The list
 * (db/common-passwords.txt, installed as $(pkgdatadir)/common-passwords.txt) is loaded once
 * at start-up into a sorted array and shared read-only by every request.  Passwords are never
 * logged.
 */
#ifndef BGW_PASSWORD_H
#define BGW_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_MAX_BYTES (PASSWORD_MAX_CHARS * 4) /* UTF-8: at most 4 bytes a code point */
#define PASSWORD_LIST_MAX_BYTES (16u * 1024u * 1024u)

/* Reason codes for a refused password, for the 422 "fields" object (static strings). */
#define PASSWORD_TOO_SHORT "too_short"
#define PASSWORD_TOO_LONG "too_long"
#define PASSWORD_TOO_COMMON "too_common"
#define PASSWORD_INVALID_UTF8 "invalid_utf8"
#define PASSWORD_INVALID_CHARACTER "invalid_character" /* a NUL byte */

typedef struct password_list password_list;

/* Load the common-password list at path: one password per line (LF or CR LF), UTF-8; empty
 * lines and lines starting with '#' are skipped, as are lines the policy would refuse anyway
 * (shorter than PASSWORD_MIN_CHARS or not UTF-8).  ASCII letters are folded to lower case.
 * On BGW_OK *out is a handle the caller owns (password_list_free); BGW_E_IO if the file
 * cannot be read or is larger than PASSWORD_LIST_MAX_BYTES (logged), BGW_E_NOMEM. */
bgw_err password_list_load(const char *path, password_list **out);

/* Free a list; NULL is allowed. */
void password_list_free(password_list *l);

/* The number of distinct entries in the list. */
size_t password_list_count(const password_list *l);

/* true if the len bytes of pw are on the list, comparing ASCII letters case-insensitively and
 * everything else byte for byte; O(log n).  false for a NULL list. */
bool password_list_contains(const password_list *l, const char *pw, size_t len);

/* Check len bytes of pw against the policy, in this order: no NUL byte, valid UTF-8, at least
 * PASSWORD_MIN_CHARS and at most PASSWORD_MAX_CHARS code points, not on list.  Returns BGW_OK
 * (*reason NULL) or BGW_E_VALIDATION with *reason one of the PASSWORD_* reason codes;
 * BGW_E_INTERNAL if list is NULL (fail closed: a missing list is a configuration bug).
 * reason may be NULL. */
bgw_err password_check_policy(const char *pw, size_t len, const password_list *list,
    const char **reason);

/* Hashing on a request path: each scrypt takes ~136 MB (crypto/kdf.h), so at most
 * PASSWORD_KDF_SLOTS run at once on a host, and a request waits PASSWORD_KDF_WAIT_MS at most
 * for a slot before it is told to try again (BGW_E_RATE_LIMITED). */
#define PASSWORD_KDF_SLOTS 2
#define PASSWORD_KDF_WAIT_MS 5000

/* Does pw match stored (kdf_hash's string), under a slot in lock_dir?  A NULL stored (an
 * unknown account, or one without a password) costs the same time and answers *ok false,
 * so the answer's delay does not tell which addresses exist.  BGW_OK with *ok set;
 * BGW_E_RATE_LIMITED (no slot); BGW_E_INTERNAL (a malformed stored string). */
bgw_err password_verify(const char *lock_dir, const char *pw, const char *stored, bool *ok);

/* A new password: the policy first (BGW_E_VALIDATION, *reason a PASSWORD_* code, before any
 * scrypt), then its hash under a slot into out (KDF_STORED_MAX bytes; the caller wipes it
 * once stored).  BGW_E_RATE_LIMITED when no slot freed up in time. */
bgw_err password_hash_new(const char *lock_dir, const password_list *list, const char *pw,
    char *out, const char **reason);

#endif
