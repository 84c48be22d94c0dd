/* session.c - create, look up, rotate and end sessions; the CSRF token bound to them. */
#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/mfa.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "flow/audit.h"

#define CSRF_LABEL "bgw-csrf-v1"

static void
hash_hex(const char *s, char out[TOKEN_HEX_LEN + 1])
{
	unsigned char h[TOKEN_HASH_LEN];

	token_hash(s, h);
	token_hex(h, sizeof(h), out, TOKEN_HEX_LEN + 1);
}

void
session_csrf_for(const char *token, char *csrf)
{
	unsigned char h[32];
	unsigned int len = sizeof(h);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int n;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, CSRF_LABEL, sizeof(CSRF_LABEL));
	EVP_DigestUpdate(ctx, token, strlen(token));
	EVP_DigestFinal_ex(ctx, h, &len);
	EVP_MD_CTX_free(ctx);
	/* base64url without padding, like the session token */
	n = EVP_EncodeBlock((unsigned char *)csrf, h, sizeof(h));
	for (int i = 0; i < n; i++) {
		if (csrf[i] == '+')
			csrf[i] = '-';
		else if (csrf[i] == '/')
			csrf[i] = '_';
	}
	while (n > 0 && csrf[n - 1] == '=')
		n--;
	csrf[n] = '\0';
	OPENSSL_cleanse(h, sizeof(h));
}

bgw_err
session_create(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip, char *token,
    char *csrf)
{
	char th[65], ch[65], secs[16];
	const char *params[5];
	bgw_err err = token_new(token, SESSION_TOKEN_LEN + 1);

	if (err != BGW_OK)
		return err;
	session_csrf_for(token, csrf);
	hash_hex(token, th);
	hash_hex(csrf, ch);
	snprintf(secs, sizeof(secs), "%d", SESSION_ABSOLUTE_S);
	params[0] = th;
	params[1] = user_id;
	params[2] = ch;
	params[3] = secs;
	params[4] = ip;
	return db_exec(db, a, "session_insert", 5, params, NULL);
}

bool
session_auth_prepare(session_auth *sa, const char *token)
{
	memset(sa, 0, sizeof(*sa));
	if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	hash_hex(token, sa->token_hash);
	snprintf(sa->idle, sizeof(sa->idle), "%d", SESSION_IDLE_S);
	snprintf(sa->touch, sizeof(sa->touch), "%d", SESSION_TOUCH_S);
	sa->params[0] = sa->token_hash;
	sa->params[1] = sa->idle;
	sa->params[2] = sa->touch;
	return true;
}

db_call
session_auth_call(session_auth *sa)
{
	return (db_call){"session_auth", 3, sa->params, &sa->res};
}

bgw_err
session_auth_result(const session_auth *sa, const char *token, bgw_session *s, bgw_user *u)
{
	if (sa->res == NULL || db_nrows(sa->res) != 1)
		return BGW_E_UNAUTHENTICATED;
	s->id = db_value(sa->res, 0, 0);
	s->user_id = db_value(sa->res, 0, 1);
	s->idle_timer_due = strcmp(db_value(sa->res, 0, 2), "t") == 0;
	user_from_row(sa->res, 0, 3, u);
	session_csrf_for(token, s->csrf);
	return BGW_OK;
}

bgw_err
session_touch(bgw_db *db, bgw_arena *a, const bgw_session *s)
{
	char touch[16];
	const char *params[2] = {s->id, touch};

	if (!s->idle_timer_due)
		return BGW_OK;
	snprintf(touch, sizeof(touch), "%d", SESSION_TOUCH_S);
	return db_exec(db, a, "session_touch", 2, params, NULL);
}

bgw_err
session_destroy(bgw_db *db, bgw_arena *a, const char *token)
{
	char th[65];
	const char *params[1] = {th};

	if (token == NULL)
		return BGW_OK;
	hash_hex(token, th);
	return db_exec(db, a, "session_delete", 1, params, NULL);
}

bgw_err
session_destroy_user(bgw_db *db, bgw_arena *a, const char *user_id, const char *keep_id)
{
	const char *params[2] = {user_id, keep_id};

	return db_exec(db, a, "session_delete_user", 2, params, NULL);
}

bgw_err
session_rotate(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip, char *token,
    char *csrf)
{
	bgw_err err = session_destroy_user(db, a, user_id, NULL);

	return err == BGW_OK ? session_create(db, a, user_id, ip, token, csrf) : err;
}

bool
session_csrf_ok(const bgw_session *s, const char *header)
{
	size_t n = strlen(s->csrf);

	return header != NULL && strlen(header) == n && CRYPTO_memcmp(header, s->csrf, n) == 0;
}

bgw_err
session_pending_create(bgw_db *db, bgw_arena *a, const char *user_id, const char *expires_at,
    char *token)
{
	char hex[TOKEN_HEX_LEN + 1], ttl[16];
	const char *p[4] = {hex, user_id, expires_at, ttl};
	bgw_err err = token_new(token, SESSION_TOKEN_LEN + 1);

	if (err != BGW_OK)
		return err;
	hash_hex(token, hex);
	snprintf(ttl, sizeof(ttl), "%d", SESSION_PENDING_S);
	if ((err = db_exec(db, a, "session_pending_purge", 0, NULL, NULL)) != BGW_OK)
		return err;
	return db_exec(db, a, "session_pending_insert", 4, p, NULL);
}

bgw_err
session_pending_take(bgw_db *db, bgw_arena *a, const char *token, const char **user_id,
    const char **expires_at)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *p[1] = {hex};
	db_rows *res;
	bgw_err err;

	if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
		return BGW_E_VALIDATION;
	hash_hex(token, hex);
	if ((err = db_exec(db, a, "session_pending_take", 1, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_VALIDATION;
	*user_id = db_value(res, 0, 0);
	*expires_at = db_value(res, 0, 1);
	return BGW_OK;
}

/* --- sign-in, sign-out ---------------------------------------------------------------- */

/* Record a sign-in event in a transaction of its own (the route has none, and a failure's
 * record must outlive the error answer).  Best effort, as the sign-in goes on without it. */
static void
record(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *actor, const char *action,
    const char *reason)
{
	char detail[96];

	if (reason != NULL)
		snprintf(detail, sizeof(detail), "{\"reason\":\"%s\"}", reason);
	if (db_begin(db, NULL) != BGW_OK)
		return;
	if (user_record(db, a, NULL, actor, action, who->ip, reason != NULL ? detail : NULL) !=
	    BGW_OK || db_commit(db) != BGW_OK)
		db_rollback(db);
}

/* The key of the per-account throttle: the account itself when the address names one, in
 * whatever case it was typed (the lookup ignores case), else the address folded to lower
 * case.  Every spelling of an address spends one budget, and the code step spends the
 * password step's. */
static const char *
login_key(bgw_arena *a, const bgw_user *u, bool found, const char *email)
{
	char *key;

	if (found)
		return bgw_arena_printf(a, "user:%s", u->id);
	key = bgw_arena_printf(a, "email:%s", email);
	for (char *c = key; key != NULL && *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return key;
}

/* Both throttles: the account's (key) and the address's. */
static bgw_err
login_throttled(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *key)
{
	bgw_err err = throttle_check(db, a, &THROTTLE_LOGIN_ACCOUNT, key);

	if (err == BGW_OK && who->ip != NULL)
		err = throttle_check(db, a, &THROTTLE_LOGIN_ADDRESS, who->ip);
	return err;
}

/* One failure: counted for the account and the address, recorded, answered alike. */
static bgw_err
login_fail(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *key,
    const char *user_id, const char *why)
{
	throttle_fail(db, a, &THROTTLE_LOGIN_ACCOUNT, key);
	if (who->ip != NULL)
		throttle_fail(db, a, &THROTTLE_LOGIN_ADDRESS, who->ip);
	record(db, a, who, user_id, "session.login_failed", why);
	return BGW_E_INVALID_CREDENTIALS;
}

/* The first factor: BGW_OK when the password of a usable account is right, with the account
 * in *u and its throttle key in *key. */
static bgw_err
login_password(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const session_sign_in_in *in, bgw_user *u, const char **key)
{
	bool found, ok;
	bgw_err err;

	if ((err = db_ensure(db)) != BGW_OK)
		return err;
	/* The address is looked up before the throttle is asked (an indexed read, no scrypt),
	 * so that the lock is the account's whatever the spelling.  The same answer for a
	 * locked account, a locked address and a wrong password of an account that does not
	 * exist: nothing tells an attacker which addresses are real. */
	err = user_by_email(db, a, in->email, u);
	if (err != BGW_OK && err != BGW_E_NOT_FOUND)
		return err;
	found = err == BGW_OK;
	if ((*key = login_key(a, u, found, in->email)) == NULL)
		return BGW_E_NOMEM;
	if ((err = login_throttled(db, a, who, *key)) != BGW_OK)
		return err;
	err = password_verify(env->lock_dir, in->password, found ? u->password_hash : NULL, &ok);
	if (err != BGW_OK)
		return err;
	if (!found || !ok || u->locked)
		return login_fail(db, a, who, *key, found ? u->id : NULL,
		    found && ok ? "account_locked" : "password");
	return BGW_OK;
}

/* The second factor, counted under the first's key when wrong. */
static bgw_err
login_otp(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const char *key, const bgw_user *u, const char *otp)
{
	bgw_err err = mfa_verify(db, a, env->keys, u->id, otp);

	return err == BGW_E_INVALID_CREDENTIALS ? login_fail(db, a, who, key, u->id, "otp") : err;
}

/* Both factors passed: a fresh session into out. */
static bgw_err
login_finish(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *key,
    const char *old_token, session_sign_in_out *out)
{
	bgw_err err;

	throttle_clear(db, a, &THROTTLE_LOGIN_ACCOUNT, key);
	/* A fresh token at every login: a session id planted before login is worthless. */
	if (old_token != NULL)
		session_destroy(db, a, old_token);
	err = session_create(db, a, out->user.id, who->ip, out->token, out->csrf);
	if (err != BGW_OK)
		return err;
	record(db, a, who, out->user.id, "session.login", NULL);
	return BGW_OK;
}

bgw_err
session_sign_in(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const session_sign_in_in *in, session_sign_in_out *out)
{
	const char *key;
	bgw_err err;

	out->token[0] = out->csrf[0] = out->pending[0] = '\0';
	if ((err = login_password(db, a, env, who, in, &out->user, &key)) != BGW_OK)
		return err;
	if (out->user.mfa_enabled && in->pending) {
		err = session_pending_create(db, a, out->user.id, NULL, out->pending);
		return err == BGW_OK ? BGW_E_OTP_REQUIRED : err;
	}
	if (out->user.mfa_enabled) {
		if (in->otp == NULL)
			return BGW_E_OTP_REQUIRED;
		if ((err = login_otp(db, a, env, who, key, &out->user, in->otp)) != BGW_OK)
			return err;
	}
	return login_finish(db, a, who, key, in->old_token, out);
}

bgw_err
session_sign_in_otp(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const session_sign_in_otp_in *in, session_sign_in_out *out)
{
	const char *user_id, *expires_at, *key;
	bgw_err err;

	out->token[0] = out->csrf[0] = out->pending[0] = '\0';
	if ((err = db_ensure(db)) != BGW_OK)
		return err;
	/* Taken (deleted) whatever follows: a token answers one code at most. */
	if ((err = session_pending_take(db, a, in->pending, &user_id, &expires_at)) != BGW_OK)
		return err;
	err = user_by_id(db, a, user_id, &out->user);
	if (err == BGW_E_NOT_FOUND)
		return BGW_E_VALIDATION;
	if (err != BGW_OK)
		return err;
	if ((key = login_key(a, &out->user, true, out->user.email)) == NULL)
		return BGW_E_NOMEM;
	/* The lock of the account (however it was reached) and of the address hold here too. */
	if ((err = login_throttled(db, a, who, key)) != BGW_OK)
		return err;
	/* Locked by an operator, or MFA turned off, since the password step: start again. */
	if (out->user.locked || !out->user.mfa_enabled)
		return BGW_E_VALIDATION;
	err = login_otp(db, a, env, who, key, &out->user, in->otp);
	if (err == BGW_E_INVALID_CREDENTIALS) {
		/* Another try, under a new token that ends when the first one would have. */
		bgw_err e = session_pending_create(db, a, out->user.id, expires_at, out->pending);

		return e == BGW_OK ? err : e;
	}
	if (err != BGW_OK)
		return err;
	return login_finish(db, a, who, key, in->old_token, out);
}

bgw_err
session_sign_out(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *token)
{
	bgw_err err = session_destroy(db, a, token);

	return err == BGW_OK ? user_record(db, a, NULL, who->user->id, "session.logout", who->ip,
	    NULL) : err;
}
