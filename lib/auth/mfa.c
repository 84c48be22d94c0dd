/* mfa.c - TOTP enrolment and verification over the users and mfa_recovery_codes tables. */
#include "auth/mfa.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/base32.h"
#include "crypto/masterkey.h"
#include "crypto/secretbox.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/totp.h"

#define MFA_AAD_MAX 96
#define MFA_SEALED_MAX (MFA_SECRET_BYTES + SECRETBOX_OVERHEAD)

static int
hex_decode(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int v;

		if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

static void
aad_for(const char *user_id, char *aad, size_t cap)
{
	snprintf(aad, cap, "mfa-secret:%s", user_id);
}

/* Recovery codes are compared without dashes, spaces or case. */
static void
normalise_code(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < cap; in++)
		if (isalnum((unsigned char)*in))
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

static bgw_err
code_hash_hex(const char *code, char hex[TOKEN_HEX_LEN + 1])
{
	unsigned char h[TOKEN_HASH_LEN];

	token_hash(code, h);
	return token_hex(h, sizeof(h), hex, TOKEN_HEX_LEN + 1);
}

static bgw_err
load_secret(bgw_db *db, bgw_arena *a, const masterkeys *keys, const char *user_id,
    unsigned char *secret, size_t *len, long long *last_step, bool *enabled)
{
	unsigned char sealed[MFA_SEALED_MAX];
	char aad[MFA_AAD_MAX];
	size_t sealed_len;
	const unsigned char *master;
	db_rows *res;
	bgw_err err = db_exec(db, a, "mfa_secret", 1, &user_id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || db_isnull(res, 0, 0))
		return BGW_E_NOT_FOUND;
	if (hex_decode(db_value(res, 0, 0), sealed, sizeof(sealed), &sealed_len) != 0)
		return BGW_E_INTERNAL;
	*last_step = atoll(db_value(res, 0, 1));
	*enabled = strcmp(db_value(res, 0, 2), "t") == 0;
	/* Opened with the master key version that sealed it (rotation re-wraps old ones). */
	if ((master = masterkey_get(keys, atoi(db_value(res, 0, 3)))) == NULL)
		return BGW_E_INTERNAL;
	aad_for(user_id, aad, sizeof(aad));
	return secretbox_open(master, sealed, sealed_len, aad, secret, MFA_SECRET_BYTES, len);
}

/* Check a TOTP code against the stored secret and consume its step. */
static bgw_err
check_totp(bgw_db *db, bgw_arena *a, const masterkeys *keys, const char *user_id,
    const char *otp, bool need_enabled)
{
	unsigned char secret[MFA_SECRET_BYTES];
	size_t len;
	long long last;
	bool enabled;
	int64_t step;
	char step_s[24];
	const char *params[2] = {user_id, step_s};
	db_rows *res;
	bgw_err err = load_secret(db, a, keys, user_id, secret, &len, &last, &enabled);

	if (err == BGW_E_NOT_FOUND)
		return need_enabled ? BGW_E_INVALID_CREDENTIALS : BGW_E_VALIDATION;
	if (err != BGW_OK)
		return err;
	if (enabled != need_enabled) {
		OPENSSL_cleanse(secret, sizeof(secret));
		return need_enabled ? BGW_E_INVALID_CREDENTIALS : BGW_E_VALIDATION;
	}
	if (!totp_verify(secret, len, otp, time(NULL), last, &step)) {
		OPENSSL_cleanse(secret, sizeof(secret));
		return BGW_E_INVALID_CREDENTIALS;
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	snprintf(step_s, sizeof(step_s), "%lld", (long long)step);
	err = db_exec(db, a, "mfa_use_step", 2, params, &res);
	if (err != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : BGW_E_INVALID_CREDENTIALS;
}

bgw_err
mfa_verify(bgw_db *db, bgw_arena *a, const masterkeys *keys, const char *user_id,
    const char *otp)
{
	char norm[CODE_LEN_MAX], hex[TOKEN_HEX_LEN + 1];
	const char *params[2] = {user_id, hex};
	db_rows *res;
	bgw_err err;
	bool digits = strlen(otp) == TOTP_DIGITS;

	for (const char *p = otp; digits && *p != '\0'; p++)
		digits = isdigit((unsigned char)*p);
	if (digits)
		return check_totp(db, a, keys, user_id, otp, true);
	normalise_code(otp, norm, sizeof(norm));
	if (strlen(norm) != MFA_RECOVERY_CODE_LEN)
		return BGW_E_INVALID_CREDENTIALS;
	if ((err = code_hash_hex(norm, hex)) != BGW_OK)
		return err;
	err = db_exec(db, a, "mfa_use_recovery", 2, params, &res);
	if (err != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : BGW_E_INVALID_CREDENTIALS;
}

bgw_err
mfa_enrol_begin(bgw_db *db, bgw_arena *a, const masterkeys *keys, const char *user_id,
    const char *email, char *secret_b32, char *uri)
{
	unsigned char secret[MFA_SECRET_BYTES], sealed[MFA_SEALED_MAX];
	char aad[MFA_AAD_MAX], hex[2 * MFA_SEALED_MAX + 1];
	char version_s[16];
	const char *params[3] = {user_id, hex, version_s};
	size_t sealed_len;
	int version;
	const unsigned char *master = masterkey_active(keys, &version);
	bgw_err err;

	if (master == NULL)
		return BGW_E_INTERNAL;
	snprintf(version_s, sizeof(version_s), "%d", version);

	if (RAND_bytes(secret, sizeof(secret)) != 1)
		return BGW_E_INTERNAL;
	aad_for(user_id, aad, sizeof(aad));
	err = secretbox_seal(master, secret, sizeof(secret), aad, sealed, sizeof(sealed),
	    &sealed_len);
	if (err == BGW_OK)
		err = token_hex(sealed, sealed_len, hex, sizeof(hex));
	if (err == BGW_OK)
		err = base32_encode(secret, sizeof(secret), false, secret_b32, MFA_SECRET_B32_LEN + 1);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (err == BGW_OK)
		err = totp_otpauth_uri(MFA_ISSUER, email, secret_b32, uri, MFA_URI_MAX);
	if (err == BGW_OK)
		err = db_exec(db, a, "mfa_store_secret", 3, params, NULL);
	return err;
}

bgw_err
mfa_enrol_finish(bgw_db *db, bgw_arena *a, const masterkeys *keys,
    const char *user_id, const char *otp, char ***codes)
{
	char **out = bgw_arena_calloc(a, MFA_RECOVERY_CODES, sizeof(char *));
	bgw_err err;

	if (out == NULL)
		return BGW_E_NOMEM;
	err = check_totp(db, a, keys, user_id, otp, false);
	if (err == BGW_OK)
		err = db_exec(db, a, "mfa_enable", 1, &user_id, NULL);
	if (err == BGW_OK)
		err = db_exec(db, a, "mfa_clear_codes", 1, &user_id, NULL);
	for (int i = 0; err == BGW_OK && i < MFA_RECOVERY_CODES; i++) {
		char code[MFA_RECOVERY_CODE_LEN + 1], hex[TOKEN_HEX_LEN + 1];
		const char *params[2] = {user_id, hex};

		err = code_new(code, sizeof(code), MFA_RECOVERY_CODE_LEN);
		if (err == BGW_OK)
			err = code_hash_hex(code, hex);
		if (err == BGW_OK)
			err = db_exec(db, a, "mfa_add_code", 2, params, NULL);
		if (err == BGW_OK) {
			out[i] = bgw_arena_printf(a, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
			if (out[i] == NULL)
				err = BGW_E_NOMEM;
		}
		OPENSSL_cleanse(code, sizeof(code));
	}
	*codes = out;
	return err;
}

bgw_err
mfa_disable(bgw_db *db, bgw_arena *a, const char *user_id)
{
	bgw_err err = db_exec(db, a, "mfa_clear_codes", 1, &user_id, NULL);

	return err == BGW_OK ? db_exec(db, a, "mfa_disable", 1, &user_id, NULL) : err;
}

/* --- use cases ------------------------------------------------------------------------- */

bgw_err
mfa_start(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    mfa_start_out *out)
{
	if (who->user->mfa_enabled)
		return BGW_E_INVALID_STATE;
	return mfa_enrol_begin(db, a, env->keys, who->user->id, who->user->email, out->secret,
	    out->uri);
}

/* Record action and give the caller a new session in place of every old one. */
static bgw_err
record_and_rotate(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *action,
    mfa_session_out *out)
{
	bgw_err err = user_record(db, a, NULL, who->user->id, action, who->ip, NULL);

	return err == BGW_OK ? session_rotate(db, a, who->user->id, who->ip, out->token,
	    out->csrf) : err;
}

bgw_err
mfa_confirm(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const char *otp, mfa_session_out *out, bgw_kv **errors)
{
	bgw_err err = mfa_enrol_finish(db, a, env->keys, who->user->id, otp, &out->codes);

	if (err == BGW_E_INVALID_CREDENTIALS || err == BGW_E_VALIDATION)
		return auth_refuse(a, errors, "otp", err == BGW_E_VALIDATION ? "no_enrolment" :
		    "wrong");
	return err == BGW_OK ? record_and_rotate(db, a, who, "mfa.enable", out) : err;
}

bgw_err
mfa_turn_off(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const char *password, const char *otp, mfa_session_out *out, bgw_kv **errors)
{
	bool ok;
	bgw_err err;

	out->codes = NULL;
	if (!who->user->mfa_enabled)
		return BGW_E_INVALID_STATE;
	if (who->user->operator)
		return BGW_E_FORBIDDEN;
	if ((err = password_verify(env->lock_dir, password, who->user->password_hash, &ok)) !=
	    BGW_OK)
		return err;
	if (!ok)
		return auth_refuse(a, errors, "password", "wrong");
	err = mfa_verify(db, a, env->keys, who->user->id, otp);
	if (err == BGW_E_INVALID_CREDENTIALS)
		return auth_refuse(a, errors, "otp", "wrong");
	if (err == BGW_OK)
		err = mfa_disable(db, a, who->user->id);
	return err == BGW_OK ? record_and_rotate(db, a, who, "mfa.disable", out) : err;
}
