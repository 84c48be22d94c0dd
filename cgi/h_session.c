/* h_session.c - POST/GET/DELETE /api/v1/session: sign in, who am I, sign out. */
#include "handlers.h"

#include <string.h>

#include "audit.h"
#include "kdf.h"
#include "log.h"
#include "mfa.h"
#include "throttle.h"

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
	if (db_begin(r->app->db, NULL) != BGW_OK)
		return;
	if (audit_append(r->app->db, r->a, &ev, NULL) != BGW_OK || db_commit(r->app->db) != BGW_OK)
		db_rollback(r->app->db);
}

/* One failure: counted for the account and the address, recorded, answered alike. */
static bgw_err
fail_login(bgw_request *r, const char *email, const bgw_user *u, bool found, const char *why)
{
	throttle_fail(r->app->db, r->a, &THROTTLE_LOGIN_ACCOUNT, email);
	if (r->remote_addr != NULL)
		throttle_fail(r->app->db, r->a, &THROTTLE_LOGIN_ADDRESS, r->remote_addr);
	log_event(r, found ? u->id : NULL, "session.login_failed", why);
	return BGW_E_INVALID_CREDENTIALS;
}

bgw_err
h_session_create(bgw_request *r)
{
	const char *email = fields_get(r->fields, login_fields, "email")->s;
	const char *password = fields_get(r->fields, login_fields, "password")->s;
	const field_value *otp = fields_get(r->fields, login_fields, "otp");
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	bgw_user u;
	bool found, ok;
	bgw_err err;

	if ((err = db_ensure(r->app->db)) != BGW_OK)
		return err;
	/* The same answer for a locked account, a locked address and a wrong password of an
	 * account that does not exist: nothing tells an attacker which addresses are real. */
	if ((err = throttle_check(r->app->db, r->a, &THROTTLE_LOGIN_ACCOUNT, email)) != BGW_OK)
		return err;
	if (r->remote_addr != NULL &&
	    (err = throttle_check(r->app->db, r->a, &THROTTLE_LOGIN_ADDRESS, r->remote_addr)) != BGW_OK)
		return err;
	err = user_by_email(r->app->db, r->a, email, &u);
	if (err != BGW_OK && err != BGW_E_NOT_FOUND)
		return err;
	found = err == BGW_OK;
	if ((err = check_password(r, &u, found, password, &ok)) != BGW_OK)
		return err;
	if (!found || !ok || u.locked)
		return fail_login(r, email, &u, found, found && ok ? "account_locked" : "password");
	if (u.mfa_enabled) {
		if (!otp->present)
			return BGW_E_OTP_REQUIRED;
		err = mfa_verify(r->app->db, r->a, &r->app->keys, u.id, otp->s);
		if (err == BGW_E_INVALID_CREDENTIALS)
			return fail_login(r, email, &u, found, "otp");
		if (err != BGW_OK)
			return err;
	}
	throttle_clear(r->app->db, r->a, &THROTTLE_LOGIN_ACCOUNT, email);
	/* A fresh token at every login: a session id planted before login is worthless. */
	if (r->session_token == NULL)
		r->session_token = kv_get(r->cookies, SESSION_COOKIE);
	if (r->session_token != NULL)
		session_destroy(r->app->db, r->a, r->session_token);
	if ((err = session_create(r->app->db, r->a, u.id, r->remote_addr, token, csrf)) != BGW_OK)
		return err;
	log_event(r, u.id, "session.login", NULL);
	if ((err = set_session_cookie(r, token, -1)) != BGW_OK)
		return err;
	return reply_user(r, 200, &u, csrf);
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
