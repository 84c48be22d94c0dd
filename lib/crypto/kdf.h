/* kdf.h - password hashing with scrypt (OpenSSL EVP_KDF "SCRYPT") and a per-host cap on how
 * many hashes run at once.
 *
 * A stored hash is self-describing, so the cost can be raised later without a migration:
 *
 *     $scrypt$ln=17,r=8,p=1$<salt, base64 without padding>$<hash, base64 without padding>
 *
 * (ln is log2 N; base64 is the standard alphabet, as in the PHC string format.)  The
 * defaults follow OWASP's password storage table: N=2^17, r=8, p=1, a 16-byte random salt and
 * a 32-byte output.  One hash costs about 0.34 s of CPU and 136 MB of memory here, which is
 * why kdf_slot_acquire exists: take a slot before hashing or verifying on a request path.
 *
 * Passwords are bytes (the caller has validated them as UTF-8); nothing here logs or keeps a
 * password, and derived keys are wiped after use.  Nothing is truncated, but scrypt's HMAC
 * pads keys with zero bytes, so "pw" and "pw\0" hash alike: password.h refuses NUL.
 */
#ifndef BGW_KDF_H
#define BGW_KDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KDF_SALT_LEN 16
#define KDF_HASH_LEN 32
/* Room for the longest string kdf_hash writes or kdf_verify accepts, with its NUL. */
#define KDF_STORED_MAX 256

/* Defaults (OWASP): N = 2^17, r = 8, p = 1. */
#define KDF_DEFAULT_LN 17
#define KDF_DEFAULT_R 8
#define KDF_DEFAULT_P 1

/* Bounds for parameters read back from a stored string: anything outside is a malformed row,
 * not something to try (a huge N would allocate gigabytes on request of a database value). */
#define KDF_MAX_LN 22
#define KDF_MAX_R 32
#define KDF_MAX_P 16
#define KDF_MAX_MEM ((uint64_t)1 << 30) /* bytes one derivation may use */

typedef struct kdf_params {
	unsigned ln; /* log2 of N, the CPU/memory cost */
	unsigned r;  /* block size */
	unsigned p;  /* parallelisation */
} kdf_params;

/* FOR TESTS ONLY: replace the parameters kdf_hash uses and kdf_verify compares against for
 * needs_rehash (process-wide, not thread-safe).  Production code never calls this; the
 * defaults above are the policy.  NULL restores the defaults. */
void kdf_set_params(const kdf_params *p);

/* The parameters in force (the defaults unless a test changed them). */
kdf_params kdf_get_params(void);

/* Hash len bytes of password with a fresh random salt and the current parameters, writing the
 * NUL-terminated stored string into out (cap bytes; KDF_STORED_MAX is always enough).
 * Returns BGW_OK; BGW_E_INTERNAL if the RNG or OpenSSL fails or cap is too small (out is then
 * an empty string).  password may be NULL only when len is 0. */
bgw_err kdf_hash(const char *password, size_t len, char *out, size_t cap);

/* Check len bytes of password against a stored string from kdf_hash.  On BGW_OK, *ok says
 * whether the password matches (compared with CRYPTO_memcmp) and *needs_rehash whether the
 * stored parameters or lengths are below the current ones, so the caller should store a new
 * kdf_hash of the password it just verified.  A malformed stored string returns
 * BGW_E_INTERNAL (a corrupt row is a bug, never a match) with *ok false; so does an OpenSSL
 * failure.  needs_rehash may be NULL. */
bgw_err kdf_verify(const char *password, size_t len, const char *stored, bool *ok,
    bool *needs_rehash);

/* Spend the same time and memory as kdf_verify of a hash with the current parameters, and
 * match nothing: call it when the e-mail is unknown so a login's timing does not tell whether
 * an account exists.  Errors are ignored (the caller answers "invalid credentials" anyway). */
void kdf_verify_dummy(const char *password, size_t len);

/* Raw scrypt through OpenSSL EVP_KDF, the function kdf_hash and kdf_verify use; public so the
 * RFC 7914 vectors test the real code path.  N = 2^ln.  The memory cap (maxmem) is raised to
 * what these parameters need; parameters beyond the KDF_MAX_* bounds return BGW_E_INTERNAL.
 * Writes outlen bytes to out; BGW_OK or BGW_E_INTERNAL. */
bgw_err kdf_scrypt(const char *password, size_t len, const unsigned char *salt, size_t saltlen,
    const kdf_params *params, unsigned char *out, size_t outlen);

/* Slots that cap concurrent hashing on a host.  There are `slots` lock files
 * "<lock_dir>/kdf-slot-<i>" (created 0600 as needed; lock_dir must exist and be shared by
 * every worker process on the host).  kdf_slot_acquire takes an exclusive flock on a free one,
 * polling every few milliseconds for up to timeout_ms, and stores the held descriptor in *fd.
 * Returns BGW_OK; BGW_E_RATE_LIMITED when no slot freed up in time (answer 429 "try again");
 * BGW_E_IO if a lock file cannot be opened (logged).  The lock dies with the descriptor, so a
 * crashed worker never holds a slot; it belongs to the open file description, so do not fork
 * while holding one (the child's copy would keep it locked). */
bgw_err kdf_slot_acquire(const char *lock_dir, int slots, int timeout_ms, int *fd);

/* Release a slot from kdf_slot_acquire (closes fd).  A negative fd is ignored. */
void kdf_slot_release(int fd);

#endif
