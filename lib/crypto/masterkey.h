/* masterkey.h - the versioned master keys that wrap file keys (and MFA secrets), held in
 * files outside the database.
 *
 * Layout, from the one configured path (config master_key_file):
 *
 *   PATH      version 1, the key every installation starts with (made by ./dev or the
 *             installer: `openssl rand -out PATH 32`, chmod 400)
 *   PATH.2    version 2, written by masterkey_create_next (bgw-admin rotate-master-key)
 *   PATH.3    ...
 *
 * Each file is a key in secretbox_load_key's format (32 raw bytes, or 64 hex digits), a
 * regular file (never a symlink) with no permission for group or others.  The active key
 * (the one new file keys are wrapped with) is the highest version present; older versions
 * stay loadable so rows not yet re-wrapped keep opening.  A version's file may be removed
 * only after no row uses it (documents.key_version, users.mfa_key_version); gaps are
 * allowed, but PATH itself (version 1) must exist, so a mistyped path never silently starts
 * a fresh key chain.
 */
#ifndef BGW_MASTERKEY_H
#define BGW_MASTERKEY_H

#include <stddef.h>

#include "core/err.h"

#define MASTERKEY_LEN 32
/* Versions kept in memory: rotation is rare (yearly, or after an incident). */
#define MASTERKEY_MAX 64
/* Highest version accepted in a file name (PATH.N). */
#define MASTERKEY_VERSION_MAX 1000000

typedef struct masterkey {
	int version;
	unsigned char key[MASTERKEY_LEN];
} masterkey;

/* Process-lifetime: loaded once at start-up (and again on reload), wiped at exit. */
typedef struct masterkeys {
	size_t count;             /* keys held, sorted by version ascending */
	masterkey keys[MASTERKEY_MAX];
} masterkeys;

/* Load PATH and every PATH.N beside it into out (wiped first).  BGW_OK; BGW_E_IO (logged
 * with the path, never the key) if PATH is missing or any key file is unreadable, of a
 * wrong mode, type or content, or there are more than MASTERKEY_MAX; out is then wiped.
 * Names beside PATH that are not PATH.N with N a decimal 2..MASTERKEY_VERSION_MAX without
 * leading zeros are ignored (PATH.N.tmp from an interrupted rotation among them). */
bgw_err masterkey_load_all(const char *path, masterkeys *out);

/* The active (highest) key and its version in *version; NULL if ks holds none. */
const unsigned char *masterkey_active(const masterkeys *ks, int *version);

/* The key of version, or NULL if ks does not hold it (the caller may reload: another
 * process may have rotated). */
const unsigned char *masterkey_get(const masterkeys *ks, int version);

/* Write a new random key as PATH.N, N = highest version present + 1, and return N in
 * *version.  The file is written to PATH.N.tmp (mode 0400, O_EXCL), fsynced, linked to
 * PATH.N (failing rather than replacing if a concurrent rotation made it first) and the
 * directory fsynced, so PATH.N is either absent or complete.  Run as root, the new file
 * gets the owner and group of PATH, so the service user can read it.  BGW_OK; BGW_E_IO
 * (logged); BGW_E_CONFLICT if PATH.N appeared meanwhile; BGW_E_INTERNAL if the RNG fails. */
bgw_err masterkey_create_next(const char *path, int *version);

/* Wipe every key in ks. */
void masterkey_wipe(masterkeys *ks);

#endif
