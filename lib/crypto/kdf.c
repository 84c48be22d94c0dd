/* kdf.c - scrypt password hashes in a self-describing string, and host-wide hashing slots. */
#include "crypto/kdf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/log.h"
#include "core/metrics.h"

#define SCHEME_PREFIX "$scrypt$"
/* Lengths accepted from a stored string; kdf_hash writes KDF_SALT_LEN and KDF_HASH_LEN. */
#define STORED_SALT_MIN 16
#define STORED_SALT_MAX 64
#define STORED_HASH_MIN 32
#define STORED_HASH_MAX 64
/* The largest decoded field: both salt and hash fit. */
#define DECODE_MAX 64
_Static_assert(STORED_SALT_MAX <= DECODE_MAX && STORED_HASH_MAX <= DECODE_MAX,
    "decode buffers too small");
/* Longest decimal parameter accepted ("4294967295" would already be out of bounds). */
#define PARAM_DIGITS_MAX 3
/* How often a waiting login looks for a free hashing slot. */
#define SLOT_POLL_MS 5
#define SLOT_NAME_FMT "%s/kdf-slot-%d"
#define ERR_MSG_LEN 256

static const kdf_params defaults = {KDF_DEFAULT_LN, KDF_DEFAULT_R, KDF_DEFAULT_P};
static kdf_params current = {KDF_DEFAULT_LN, KDF_DEFAULT_R, KDF_DEFAULT_P};

void
kdf_set_params(const kdf_params *p)
{
	current = p != NULL ? *p : defaults;
}

kdf_params
kdf_get_params(void)
{
	return current;
}

/* Bytes scrypt needs for these parameters (OpenSSL's own check: p*128*r + 128*r*(N+2)), or 0
 * when they are out of bounds. */
static uint64_t
memory_needed(const kdf_params *k)
{
	uint64_t n, mem;

	if (k->ln < 1 || k->ln > KDF_MAX_LN || k->r < 1 || k->r > KDF_MAX_R || k->p < 1 ||
	    k->p > KDF_MAX_P)
		return 0;
	n = (uint64_t)1 << k->ln;
	mem = 128u * (uint64_t)k->r * (n + 2) + 128u * (uint64_t)k->r * k->p;
	return mem <= KDF_MAX_MEM ? mem : 0;
}

bgw_err
kdf_scrypt(const char *password, size_t len, const unsigned char *salt, size_t saltlen,
    const kdf_params *params, unsigned char *out, size_t outlen)
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx;
	OSSL_PARAM p[7], *q = p;
	uint64_t n, maxmem;
	uint32_t r, par;
	char msg[ERR_MSG_LEN];
	int rc;

	maxmem = memory_needed(params);
	if (maxmem == 0 || out == NULL || outlen == 0 || (password == NULL && len != 0) ||
	    (salt == NULL && saltlen != 0))
		return BGW_E_INTERNAL;
	n = (uint64_t)1 << params->ln;
	r = params->r;
	par = params->p;
	/* OpenSSL wants a non-NULL pointer even for an empty password or salt. */
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(password != NULL ? password : ""), len);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(salt != NULL ? salt : (const unsigned char *)""), saltlen);
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &par);
	/* The default cap (32 MiB) is below what OWASP's parameters need. */
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	*q = OSSL_PARAM_construct_end();

	/* Counted before the work: a failed derivation spent the memory all the same. */
	metrics_password_hashed();
	kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	if (kdf == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not fetch scrypt: not provided by openssl");
		return BGW_E_INTERNAL;
	}
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return BGW_E_NOMEM;
	rc = EVP_KDF_derive(ctx, out, outlen, p);
	EVP_KDF_CTX_free(ctx);
	if (rc != 1) {
		OPENSSL_cleanse(out, outlen);
		ERR_error_string_n(ERR_get_error(), msg, sizeof(msg));
		bgw_log(BGW_LOG_ERROR, "could not derive scrypt hash: %s", msg);
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}

/* Standard base64 without padding (the PHC string convention).  out needs 4*ceil(n/3)+1. */
static void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
}

static bool
is_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '+' || c == '/';
}

/* Decode exactly len characters of unpadded base64 into out (at most max bytes); *outlen is
 * the decoded length.  Only the canonical encoding is accepted (unused low bits zero), so one
 * hash has one spelling.  false on anything malformed. */
static bool
b64_decode(const char *s, size_t len, unsigned char *out, size_t max, size_t *outlen)
{
	char padded[DECODE_MAX * 2 + 8], again[DECODE_MAX * 2 + 8];
	unsigned char buf[DECODE_MAX + 4];
	size_t n, plen;

	if (len == 0 || len % 4 == 1 || len + 3 >= sizeof(padded) || max > DECODE_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_b64_char(s[i]))
			return false;
	n = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
	if (n > max)
		return false;
	memcpy(padded, s, len);
	plen = len;
	while (plen % 4 != 0)
		padded[plen++] = '=';
	if (EVP_DecodeBlock(buf, (const unsigned char *)padded, (int)plen) < (int)n)
		return false;
	b64_encode(buf, n, again);
	if (strlen(again) != len || memcmp(again, s, len) != 0) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return false;
	}
	memcpy(out, buf, n);
	OPENSSL_cleanse(buf, sizeof(buf));
	*outlen = n;
	return true;
}

/* A decimal without sign or leading zero, at most PARAM_DIGITS_MAX digits, ending at one of
 * the characters in end.  Advances *s past the number. */
static bool
parse_param(const char **s, const char *name, char end, unsigned *out)
{
	size_t nl = strlen(name), digits = 0;
	const char *c = *s;
	unsigned v = 0;

	if (strncmp(c, name, nl) != 0 || c[nl] != '=')
		return false;
	c += nl + 1;
	if (c[0] == '0')
		return false;
	while (c[digits] >= '0' && c[digits] <= '9') {
		if (++digits > PARAM_DIGITS_MAX)
			return false;
		v = v * 10 + (unsigned)(c[digits - 1] - '0');
	}
	if (digits == 0 || c[digits] != end)
		return false;
	*s = c + digits + 1;
	*out = v;
	return true;
}

struct parsed {
	kdf_params params;
	unsigned char salt[STORED_SALT_MAX];
	size_t saltlen;
	unsigned char hash[STORED_HASH_MAX];
	size_t hashlen;
};

/* Split "$scrypt$ln=L,r=R,p=P$salt$hash"; false if any part is malformed or out of bounds. */
static bool
parse_stored(const char *stored, struct parsed *ps)
{
	const char *s = stored, *dollar;

	if (stored == NULL || strnlen(stored, KDF_STORED_MAX) >= KDF_STORED_MAX)
		return false;
	if (strncmp(s, SCHEME_PREFIX, strlen(SCHEME_PREFIX)) != 0)
		return false;
	s += strlen(SCHEME_PREFIX);
	if (!parse_param(&s, "ln", ',', &ps->params.ln) ||
	    !parse_param(&s, "r", ',', &ps->params.r) ||
	    !parse_param(&s, "p", '$', &ps->params.p))
		return false;
	if (memory_needed(&ps->params) == 0)
		return false;
	dollar = strchr(s, '$');
	if (dollar == NULL ||
	    !b64_decode(s, (size_t)(dollar - s), ps->salt, sizeof(ps->salt), &ps->saltlen) ||
	    ps->saltlen < STORED_SALT_MIN)
		return false;
	s = dollar + 1;
	if (!b64_decode(s, strlen(s), ps->hash, sizeof(ps->hash), &ps->hashlen) ||
	    ps->hashlen < STORED_HASH_MIN)
		return false;
	return true;
}

bgw_err
kdf_hash(const char *password, size_t len, char *out, size_t cap)
{
	unsigned char salt[KDF_SALT_LEN], hash[KDF_HASH_LEN];
	char salt64[KDF_SALT_LEN * 2], hash64[KDF_HASH_LEN * 2];
	bgw_err e;
	int n;

	if (out == NULL || cap == 0)
		return BGW_E_INTERNAL;
	out[0] = '\0';
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		bgw_log(BGW_LOG_ERROR, "could not generate salt: rand_bytes failed");
		return BGW_E_INTERNAL;
	}
	e = kdf_scrypt(password, len, salt, sizeof(salt), &current, hash, sizeof(hash));
	if (e != BGW_OK)
		return e;
	b64_encode(salt, sizeof(salt), salt64);
	b64_encode(hash, sizeof(hash), hash64);
	OPENSSL_cleanse(hash, sizeof(hash));
	n = snprintf(out, cap, SCHEME_PREFIX "ln=%u,r=%u,p=%u$%s$%s", current.ln, current.r,
	    current.p, salt64, hash64);
	OPENSSL_cleanse(hash64, sizeof(hash64));
	if (n < 0 || (size_t)n >= cap) {
		OPENSSL_cleanse(out, cap);
		out[0] = '\0';
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}

bgw_err
kdf_verify(const char *password, size_t len, const char *stored, bool *ok,
    bool *needs_rehash)
{
	struct parsed ps;
	unsigned char got[STORED_HASH_MAX];
	bgw_err e;

	*ok = false;
	if (needs_rehash != NULL)
		*needs_rehash = false;
	if (!parse_stored(stored, &ps)) {
		bgw_log(BGW_LOG_ERROR, "cannot verify password: stored hash is malformed");
		return BGW_E_INTERNAL;
	}
	e = kdf_scrypt(password, len, ps.salt, ps.saltlen, &ps.params, got, ps.hashlen);
	if (e == BGW_OK) {
		*ok = CRYPTO_memcmp(got, ps.hash, ps.hashlen) == 0;
		if (needs_rehash != NULL)
			*needs_rehash = ps.params.ln < current.ln || ps.params.r < current.r ||
			    ps.params.p < current.p || ps.saltlen < KDF_SALT_LEN ||
			    ps.hashlen < KDF_HASH_LEN;
	}
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(&ps, sizeof(ps));
	return e;
}

void
kdf_verify_dummy(const char *password, size_t len)
{
	/* Fixed, not secret: the result is compared and thrown away like a real miss. */
	static const unsigned char salt[KDF_SALT_LEN] = "bgw-dummy-salt!";
	static const unsigned char expect[KDF_HASH_LEN];
	unsigned char got[KDF_HASH_LEN];
	volatile int sink = 0;

	if (kdf_scrypt(password, len, salt, sizeof(salt), &current, got, sizeof(got)) == BGW_OK)
		sink = CRYPTO_memcmp(got, expect, sizeof(got));
	(void)sink;
	OPENSSL_cleanse(got, sizeof(got));
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Try to lock slot i without waiting: the open descriptor, -1 if it is busy, -2 on error. */
static int
try_slot(const char *lock_dir, int i)
{
	char path[PATH_MAX];
	int fd, n;

	n = snprintf(path, sizeof(path), SLOT_NAME_FMT, lock_dir, i);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		bgw_log(BGW_LOG_ERROR, "could not open kdf slot: lock directory path too long");
		return -2;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		bgw_log(BGW_LOG_ERROR, "could not open kdf slot \"%s\": %s", path, strerror(errno));
		return -2;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	n = errno;
	close(fd);
	if (n == EWOULDBLOCK || n == EINTR)
		return -1;
	bgw_log(BGW_LOG_ERROR, "could not lock kdf slot \"%s\": %s", path, strerror(n));
	return -2;
}

bgw_err
kdf_slot_acquire(const char *lock_dir, int slots, int timeout_ms, int *fd)
{
	const struct timespec poll = {0, SLOT_POLL_MS * 1000000L};
	struct timespec start;
	int first, fdi;

	*fd = -1;
	if (lock_dir == NULL || slots < 1)
		return BGW_E_INTERNAL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* Start at a per-process offset so idle workers do not all contend for slot 0. */
	first = (int)(getpid() % slots);
	for (;;) {
		for (int k = 0; k < slots; k++) {
			fdi = try_slot(lock_dir, (first + k) % slots);
			if (fdi >= 0) {
				*fd = fdi;
				return BGW_OK;
			}
			if (fdi == -2)
				return BGW_E_IO;
		}
		if (elapsed_ms(&start) >= timeout_ms)
			return BGW_E_RATE_LIMITED;
		nanosleep(&poll, NULL);
	}
}

void
kdf_slot_release(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the only descriptor drops the flock */
}
