/* masterkey.c - versioned master key files: PATH (version 1) and PATH.N beside it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/log.h"
#include "crypto/masterkey.h"
#include "crypto/secretbox.h"

#define KEY_FILE_MODE 0400

/* Split path into its directory and its base name (copies in dir, base). */
static bool
split_path(const char *path, char *dir, char *base, size_t cap)
{
	char tmp[PATH_MAX];

	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(tmp) ||
	    strlen(path) >= cap)
		return false;
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, cap, "%s", dirname(tmp));
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(base, cap, "%s", basename(tmp));
	return base[0] != '\0' && strcmp(base, "/") != 0 && strcmp(base, ".") != 0;
}

/* The version N of a name "BASE.N", or 0 if name is not one. */
static int
sibling_version(const char *name, const char *base)
{
	size_t bl = strlen(base);
	const char *p;
	long v = 0;

	if (strncmp(name, base, bl) != 0 || name[bl] != '.')
		return 0;
	p = name + bl + 1;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
		if (v > MASTERKEY_VERSION_MAX)
			return 0;
	}
	return v >= 2 ? (int)v : 0;
}

static int
by_version(const void *a, const void *b)
{
	const masterkey *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

void
masterkey_wipe(masterkeys *ks)
{
	OPENSSL_cleanse(ks, sizeof(*ks));
}

/* The versions present beside path (sorted, version 1 first) into vers; count in *n. */
static bgw_err
list_versions(const char *path, int *vers, size_t cap, size_t *n)
{
	char dir[PATH_MAX], base[PATH_MAX];
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (!split_path(path, dir, base, sizeof(dir))) {
		bgw_log(BGW_LOG_ERROR, "cannot use master key path \"%s\"", path ? path : "");
		return BGW_E_IO;
	}
	if ((d = opendir(dir)) == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not open master key directory \"%s\": %s", dir,
		    strerror(errno));
		return BGW_E_IO;
	}
	vers[(*n)++] = 1;
	while ((de = readdir(d)) != NULL) {
		int v = sibling_version(de->d_name, base);

		if (v == 0)
			continue;
		if (*n >= cap) {
			closedir(d);
			bgw_log(BGW_LOG_ERROR, "cannot load master keys \"%s\": more than %d", path,
			    MASTERKEY_MAX);
			return BGW_E_IO;
		}
		vers[(*n)++] = v;
	}
	closedir(d);
	return BGW_OK;
}

static void
version_path(const char *path, int version, char *out, size_t cap)
{
	if (version == 1)
		snprintf(out, cap, "%s", path);
	else
		snprintf(out, cap, "%s.%d", path, version);
}

bgw_err
masterkey_load_all(const char *path, masterkeys *out)
{
	int vers[MASTERKEY_MAX];
	char file[PATH_MAX + 16];
	size_t n;
	bgw_err err;

	masterkey_wipe(out);
	if ((err = list_versions(path, vers, MASTERKEY_MAX, &n)) != BGW_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		version_path(path, vers[i], file, sizeof(file));
		out->keys[i].version = vers[i];
		if ((err = secretbox_load_key(file, out->keys[i].key)) != BGW_OK) {
			masterkey_wipe(out);
			return err;
		}
	}
	out->count = n;
	qsort(out->keys, out->count, sizeof(out->keys[0]), by_version);
	return BGW_OK;
}

const unsigned char *
masterkey_active(const masterkeys *ks, int *version)
{
	if (ks->count == 0)
		return NULL;
	*version = ks->keys[ks->count - 1].version;
	return ks->keys[ks->count - 1].key;
}

const unsigned char *
masterkey_get(const masterkeys *ks, int version)
{
	for (size_t i = 0; i < ks->count; i++)
		if (ks->keys[i].version == version)
			return ks->keys[i].key;
	return NULL;
}

static bool
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

bgw_err
masterkey_create_next(const char *path, int *version)
{
	char dir[PATH_MAX], base[PATH_MAX], file[PATH_MAX + 16], tmp[PATH_MAX + 32];
	unsigned char key[MASTERKEY_LEN];
	int vers[MASTERKEY_MAX], next = 0, fd, dfd;
	struct stat st;
	size_t n;
	bgw_err err;
	bool ok;

	*version = 0;
	if ((err = list_versions(path, vers, MASTERKEY_MAX, &n)) != BGW_OK)
		return err;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		bgw_log(BGW_LOG_ERROR, "cannot rotate master key: \"%s\" is not a key file", path);
		return BGW_E_IO;
	}
	for (size_t i = 0; i < n; i++)
		if (vers[i] > next)
			next = vers[i];
	if (++next > MASTERKEY_VERSION_MAX || n >= MASTERKEY_MAX) {
		bgw_log(BGW_LOG_ERROR, "cannot rotate master key: too many versions");
		return BGW_E_IO;
	}
	if (RAND_bytes(key, sizeof(key)) != 1) {
		bgw_log(BGW_LOG_ERROR, "could not get random bytes for a master key");
		return BGW_E_INTERNAL;
	}
	version_path(path, next, file, sizeof(file));
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	(void)unlink(tmp); /* left by an interrupted rotation; never a live key */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, KEY_FILE_MODE);
	if (fd < 0) {
		OPENSSL_cleanse(key, sizeof(key));
		bgw_log(BGW_LOG_ERROR, "could not create \"%s\": %s", tmp, strerror(errno));
		return BGW_E_IO;
	}
	ok = write_all(fd, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	if (ok && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) != 0)
		ok = false;
	ok = ok && fchmod(fd, KEY_FILE_MODE) == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		bgw_log(BGW_LOG_ERROR, "could not write \"%s\": %s", tmp, strerror(errno));
		(void)unlink(tmp);
		return BGW_E_IO;
	}
	/* link, not rename: a concurrent rotation that made PATH.N first wins, never replaced. */
	if (link(tmp, file) != 0) {
		int e = errno;

		(void)unlink(tmp);
		bgw_log(BGW_LOG_ERROR, "could not create \"%s\": %s", file, strerror(e));
		return e == EEXIST ? BGW_E_CONFLICT : BGW_E_IO;
	}
	(void)unlink(tmp);
	split_path(path, dir, base, sizeof(dir));
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not sync \"%s\": %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		(void)unlink(file);
		return BGW_E_IO;
	}
	close(dfd);
	*version = next;
	return BGW_OK;
}
