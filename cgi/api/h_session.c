/* h_session.c - POST/GET/DELETE /api/v1/session: sign in, who am I, sign out. */
#include "api/handlers.h"

#include <string.h>

#include <openssl/crypto.h>

#include "flow/audit.h"
#include "crypto/kdf.h"
#include "core/log.h"
#include "auth/mfa.h"
#include "auth/throttle.h"

/* How many scrypt computations may run at once on this host (each takes ~136 MB), and how
 * long a login waits for a slot before it is told to try again. */
#define KDF_SLOTS 2
#define KDF_SLOT_WAIT_MS 5000
#define COOKIE_MAX 200

const field_spec login_fields[] = {
	{.name = "email", .type = FIELD_STRING, .required = true, .max_len = 254},
	{.name = "password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = "otp", .type = FIELD_STRING, .required = false, .max_len = 64},
	{.name = NULL},
};

static bgw_err
set_session_cookie(bgw_request *r, const char *token, long max_age)
{
	char cookie[COOKIE_MAX];

	/* __Host- prefix: Secure, Path=/ and no Domain, so no other host can set or read it. */
	if (max_age >= 0)
		snprintf(cookie, sizeof(cookie),
		    SESSION_COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%ld",
		    token, max_age);
	else
		snprintf(cookie, sizeof(cookie),
		    SESSION_COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict", token);
	return request_add_header(r, "Set-Cookie", cookie);
}

static bgw_err
reply_user(bgw_request *r, int status, const bgw_user *u, const char *csrf)
{
	json_t *body = json_pack("{s:o, s:s}", "user", user_to_json(u), "csrf_token", csrf);
	bgw_err err;

	if (body == NULL)
		return BGW_E_NOMEM;
	err = request_reply_json(r, status, body);
	json_decref(body);
	return err;
}

/* Check the password (or pay the same price for an unknown address), under a slot so that
 * a burst of logins cannot take all the memory. */
static bgw_err
check_password(bgw_request *r, const bgw_user *u, bool found, const char *password, bool *ok)
{
	int slot;
	bool rehash = false;
	bgw_err err = kdf_slot_acquire(r->app->cfg->lock_dir, KDF_SLOTS, KDF_SLOT_WAIT_MS, &slot);

	*ok = false;
	if (err != BGW_OK)
		return err;
	if (found && u->password_hash != NULL)
		err = kdf_verify(password, strlen(password), u->password_hash, ok, &rehash);
	else
		kdf_verify_dummy(password, strlen(password));
	kdf_slot_release(slot);
	return err == BGW_OK ? BGW_OK : BGW_E_INTERNAL;
}

static void
log_event(bgw_request *r, const char *actor, const char *action, const char *reason)
{
	audit_event ev = {.actor_id = actor, .action = action, .object_type = "user",
		.object_id = actor, .ip = r->remote_addr};
	char detail[96];

	if (reason != NULL) {
		snprintf(detail, sizeof(detail), "{\"reason\":\"%s\"}", reason);
		ev.detail_json = detail;
	}
	/* Sign-in has no transaction (TX_NONE): the router records the event in one of its own
	 * after the handler, whatever the answer. */
	(void)request_keep_event(r, &ev);
}

/* The key of the per-account throttle: the account itself when the address names one, in
 * whatever case it was typed (the lookup ignores case), else the address folded to lower
 * case.  Every spelling of an address spends one budget, and the code step spends the
 * password step's. */
static const char *
login_key(bgw_request *r, const bgw_user *u, bool found, const char *email)
{
	char *key;

	if (found)
		return bgw_arena_printf(r->a, "user:%s", u->id);
	key = bgw_arena_printf(r->a, "email:%s", email);
	for (char *c = key; key != NULL && *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return key;
}

/* Both throttles: the account's (key) and the address's. */
static bgw_err
login_throttled(bgw_request *r, const char *key)
{
	bgw_err err = throttle_check(r->app->db, r->a, &THROTTLE_LOGIN_ACCOUNT, key);

	if (err == BGW_OK && r->remote_addr != NULL)
		err = throttle_check(r->app->db, r->a, &THROTTLE_LOGIN_ADDRESS, r->remote_addr);
	return err;
}

/* One failure: counted for the account and the address, recorded, answered alike. */
static bgw_err
fail_login(bgw_request *r, const char *key, const bgw_user *u, bool found, const char *why)
{
	throttle_fail(r->app->db, r->a, &THROTTLE_LOGIN_ACCOUNT, key);
	if (r->remote_addr != NULL)
		throttle_fail(r->app->db, r->a, &THROTTLE_LOGIN_ADDRESS, r->remote_addr);
	log_event(r, found ? u->id : NULL, "session.login_failed", why);
	return BGW_E_INVALID_CREDENTIALS;
}

/* The first factor: BGW_OK when the password of a usable account is right, with the account
 * in *u and its throttle key in *key. */
static bgw_err
login_password(bgw_request *r, const char *email, const char *password, bgw_user *u,
    const char **key)
{
	bool found, ok;
	bgw_err err;

	if ((err = db_ensure(r->app->db)) != BGW_OK)
		return err;
	/* The address is looked up before the throttle is asked (an indexed read, no scrypt),
	 * so that the lock is the account's whatever the spelling.  The same answer for a
	 * locked account, a locked address and a wrong password of an account that does not
	 * exist: nothing tells an attacker which addresses are real. */
	err = user_by_email(r->app->db, r->a, email, u);
	if (err != BGW_OK && err != BGW_E_NOT_FOUND)
		return err;
	found = err == BGW_OK;
	if ((*key = login_key(r, u, found, email)) == NULL)
		return BGW_E_NOMEM;
	if ((err = login_throttled(r, *key)) != BGW_OK)
		return err;
	if ((err = check_password(r, u, found, password, &ok)) != BGW_OK)
		return err;
	if (!found || !ok || u->locked)
		return fail_login(r, *key, u, found, found && ok ? "account_locked" : "password");
	return BGW_OK;
}

/* The second factor, counted under the first's key when wrong. */
static bgw_err
login_otp(bgw_request *r, const char *key, const bgw_user *u, const char *otp)
{
	bgw_err err = mfa_verify(r->app->db, r->a, &r->app->keys, u->id, otp);

	return err == BGW_E_INVALID_CREDENTIALS ? fail_login(r, key, u, true, "otp") : err;
}

/* Both factors passed: a fresh session (csrf receives its CSRF token) and its cookie. */
static bgw_err
login_finish(bgw_request *r, const char *key, const bgw_user *u, char csrf[SESSION_TOKEN_LEN + 1])
{
	char token[SESSION_TOKEN_LEN + 1];
	bgw_err err;

	throttle_clear(r->app->db, r->a, &THROTTLE_LOGIN_ACCOUNT, key);
	/* A fresh token at every login: a session id planted before login is worthless. */
	if (r->session_token == NULL)
		r->session_token = kv_get(r->cookies, SESSION_COOKIE);
	if (r->session_token != NULL)
		session_destroy(r->app->db, r->a, r->session_token);
	if ((err = session_create(r->app->db, r->a, u->id, r->remote_addr, token, csrf)) != BGW_OK)
		return err;
	log_event(r, u->id, "session.login", NULL);
	err = set_session_cookie(r, token, -1);
	OPENSSL_cleanse(token, sizeof(token));
	return err;
}

bgw_err
h_session_create(bgw_request *r)
{
	const char *email = fields_get(r->fields, login_fields, "email")->s;
	const char *password = fields_get(r->fields, login_fields, "password")->s;
	const field_value *otp = fields_get(r->fields, login_fields, "otp");
	char csrf[SESSION_TOKEN_LEN + 1];
	const char *key;
	bgw_user u;
	bgw_err err;

	if ((err = login_password(r, email, password, &u, &key)) != BGW_OK)
		return err;
	if (u.mfa_enabled) {
		if (!otp->present)
			return BGW_E_OTP_REQUIRED;
		if ((err = login_otp(r, key, &u, otp->s)) != BGW_OK)
			return err;
	}
	if ((err = login_finish(r, key, &u, csrf)) != BGW_OK)
		return err;
	return reply_user(r, 200, &u, csrf);
}

bgw_err
h_session_password_step(bgw_request *r, char *pending)
{
	const char *email = fields_get(r->fields, login_fields, "email")->s;
	const char *password = fields_get(r->fields, login_fields, "password")->s;
	char csrf[SESSION_TOKEN_LEN + 1];
	const char *key;
	bgw_user u;
	bgw_err err;

	pending[0] = '\0';
	if ((err = login_password(r, email, password, &u, &key)) != BGW_OK)
		return err;
	if (u.mfa_enabled) {
		err = session_pending_create(r->app->db, r->a, u.id, NULL, pending);
		return err == BGW_OK ? BGW_E_OTP_REQUIRED : err;
	}
	return login_finish(r, key, &u, csrf);
}

bgw_err
h_session_otp_step(bgw_request *r, const char *pending, const char *otp,
    char *next)
{
	char csrf[SESSION_TOKEN_LEN + 1];
	const char *user_id, *expires_at, *key;
	bgw_user u;
	bgw_err err;

	next[0] = '\0';
	if ((err = db_ensure(r->app->db)) != BGW_OK)
		return err;
	/* Taken (deleted) whatever follows: a token answers one code at most. */
	if ((err = session_pending_take(r->app->db, r->a, pending, &user_id, &expires_at)) != BGW_OK)
		return err;
	err = user_by_id(r->app->db, r->a, user_id, &u);
	if (err == BGW_E_NOT_FOUND)
		return BGW_E_VALIDATION;
	if (err != BGW_OK)
		return err;
	if ((key = login_key(r, &u, true, u.email)) == NULL)
		return BGW_E_NOMEM;
	/* The lock of the account (however it was reached) and of the address hold here too. */
	if ((err = login_throttled(r, key)) != BGW_OK)
		return err;
	/* Locked by an operator, or MFA turned off, since the password step: start again. */
	if (u.locked || !u.mfa_enabled)
		return BGW_E_VALIDATION;
	if ((err = login_otp(r, key, &u, otp)) == BGW_E_INVALID_CREDENTIALS) {
		/* Another try, under a new token that ends when the first one would have. */
		bgw_err e = session_pending_create(r->app->db, r->a, u.id, expires_at, next);

		return e == BGW_OK ? err : e;
	}
	if (err != BGW_OK)
		return err;
	return login_finish(r, key, &u, csrf);
}

bgw_err
h_session_get(bgw_request *r)
{
	return reply_user(r, 200, &r->user, r->session.csrf);
}

bgw_err
h_session_delete(bgw_request *r)
{
	bgw_err err = session_destroy(r->app->db, r->a, r->session_token);
	audit_event ev = {.actor_id = r->user_id, .action = "session.logout", .object_type = "user",
		.object_id = r->user_id, .ip = r->remote_addr};

	if (err == BGW_OK)
		err = audit_append(r->app->db, r->a, &ev, NULL);
	if (err != BGW_OK)
		return err;
	r->status = 204;
	return set_session_cookie(r, "", 0);
}
