/* secretbox.c - AES-256-GCM boxes for small secrets, and the key file they are sealed under. */
#include "crypto/secretbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/log.h"

#define HEX_KEY_LEN (SECRETBOX_KEY_LEN * 2)
/* Read one byte more than the longest valid file (hex, CR LF) to notice a longer one. */
#define KEY_FILE_READ_MAX (HEX_KEY_LEN + 3)

/* Authenticate the version byte and the caller's aad, in that order. */
static bool
add_aad(EVP_CIPHER_CTX *ctx, unsigned char version, const char *aad)
{
	int len;

	if (EVP_CipherUpdate(ctx, NULL, &len, &version, 1) != 1)
		return false;
	if (aad != NULL && aad[0] != '\0' &&
	    EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1)
		return false;
	return true;
}

bgw_err
secretbox_seal(const unsigned char key[SECRETBOX_KEY_LEN], const unsigned char *pt, size_t n,
    const char *aad, unsigned char *out, size_t cap, size_t *outlen)
{
	unsigned char *nonce, *ct;
	EVP_CIPHER_CTX *ctx;
	int len = 0, fin = 0;
	bool ok;

	*outlen = 0;
	if (key == NULL || out == NULL || (pt == NULL && n != 0) ||
	    n > SECRETBOX_MAX_PLAINTEXT || cap < n + SECRETBOX_OVERHEAD)
		return BGW_E_INTERNAL;
	nonce = out + 1;
	ct = nonce + SECRETBOX_NONCE_LEN;
	out[0] = SECRETBOX_VERSION;
	if (RAND_bytes(nonce, SECRETBOX_NONCE_LEN) != 1) {
		bgw_log(BGW_LOG_ERROR, "could not seal secret: rand_bytes failed");
		return BGW_E_INTERNAL;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return BGW_E_NOMEM;
	/* GCM's default IV length is 12 bytes, the length used here. */
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
	    add_aad(ctx, SECRETBOX_VERSION, aad) &&
	    (n == 0 || EVP_EncryptUpdate(ctx, ct, &len, pt, (int)n) == 1) &&
	    EVP_EncryptFinal_ex(ctx, ct + len, &fin) == 1 && (size_t)(len + fin) == n &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SECRETBOX_TAG_LEN, ct + n) == 1;
	EVP_CIPHER_CTX_free(ctx); /* wipes the key schedule */
	if (!ok) {
		OPENSSL_cleanse(out, n + SECRETBOX_OVERHEAD);
		bgw_log(BGW_LOG_ERROR, "could not seal secret: aes-256-gcm failed");
		return BGW_E_INTERNAL;
	}
	*outlen = n + SECRETBOX_OVERHEAD;
	return BGW_OK;
}

bgw_err
secretbox_open(const unsigned char key[SECRETBOX_KEY_LEN], const unsigned char *in, size_t n,
    const char *aad, unsigned char *out, size_t cap, size_t *outlen)
{
	const unsigned char *nonce, *ct;
	unsigned char tag[SECRETBOX_TAG_LEN];
	EVP_CIPHER_CTX *ctx;
	size_t ctlen;
	int len = 0, fin = 0;
	bool ok;

	*outlen = 0;
	if (key == NULL || in == NULL || n < SECRETBOX_OVERHEAD ||
	    n - SECRETBOX_OVERHEAD > SECRETBOX_MAX_PLAINTEXT) {
		bgw_log(BGW_LOG_ERROR, "could not open sealed secret: wrong length %zu", n);
		return BGW_E_INTERNAL;
	}
	if (in[0] != SECRETBOX_VERSION) {
		bgw_log(BGW_LOG_ERROR, "could not open sealed secret: unknown version %u",
		    (unsigned)in[0]);
		return BGW_E_INTERNAL;
	}
	ctlen = n - SECRETBOX_OVERHEAD;
	if (out == NULL || cap < ctlen)
		return BGW_E_INTERNAL;
	nonce = in + 1;
	ct = nonce + SECRETBOX_NONCE_LEN;
	memcpy(tag, ct + ctlen, sizeof(tag)); /* the ctrl takes a non-const pointer */
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return BGW_E_NOMEM;
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
	    add_aad(ctx, in[0], aad) &&
	    (ctlen == 0 || EVP_DecryptUpdate(ctx, out, &len, ct, (int)ctlen) == 1) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SECRETBOX_TAG_LEN, tag) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1 && (size_t)(len + fin) == ctlen;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		/* GCM decrypts before it checks the tag: never hand out what it wrote. */
		OPENSSL_cleanse(out, ctlen);
		bgw_log(BGW_LOG_ERROR, "could not open sealed secret: authentication failed");
		return BGW_E_INTERNAL;
	}
	*outlen = ctlen;
	return BGW_OK;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Take the key from the n bytes read: 32 raw, or 64 hex digits and an optional newline. */
static bool
parse_key(const unsigned char *buf, size_t n, unsigned char key[SECRETBOX_KEY_LEN])
{
	if (n == SECRETBOX_KEY_LEN) {
		memcpy(key, buf, SECRETBOX_KEY_LEN);
		return true;
	}
	if (n == HEX_KEY_LEN + 2 && buf[HEX_KEY_LEN] == '\r' && buf[HEX_KEY_LEN + 1] == '\n')
		n -= 2;
	else if (n == HEX_KEY_LEN + 1 && buf[HEX_KEY_LEN] == '\n')
		n--;
	if (n != HEX_KEY_LEN)
		return false;
	for (size_t i = 0; i < SECRETBOX_KEY_LEN; i++) {
		int hi = hexval(buf[2 * i]), lo = hexval(buf[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bgw_err
secretbox_load_key(const char *path, unsigned char key[SECRETBOX_KEY_LEN])
{
	unsigned char buf[KEY_FILE_READ_MAX];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd;
	bool ok;

	OPENSSL_cleanse(key, SECRETBOX_KEY_LEN);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		bgw_log(BGW_LOG_ERROR, "could not open key file \"%s\": %s", path, strerror(errno));
		return BGW_E_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bgw_log(BGW_LOG_ERROR, "cannot use key file \"%s\": not a regular file", path);
		close(fd);
		return BGW_E_IO;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		bgw_log(BGW_LOG_ERROR,
		    "cannot use key file \"%s\": mode %03o gives group or others access (chmod 600)",
		    path, (unsigned)(st.st_mode & 0777));
		close(fd);
		return BGW_E_IO;
	}
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			bgw_log(BGW_LOG_ERROR, "could not read key file \"%s\": %s", path,
			    strerror(errno));
			OPENSSL_cleanse(buf, sizeof(buf));
			close(fd);
			return BGW_E_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	ok = parse_key(buf, n, key);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (!ok) {
		OPENSSL_cleanse(key, SECRETBOX_KEY_LEN);
		bgw_log(BGW_LOG_ERROR,
		    "cannot use key file \"%s\": want 32 raw bytes or 64 hex digits", path);
		return BGW_E_IO;
	}
	return BGW_OK;
}
