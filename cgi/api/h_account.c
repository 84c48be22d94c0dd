/* h_account.c - invitations, password reset and change, MFA enrolment. */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth/account.h"
#include "flow/audit.h"
#include "crypto/kdf.h"
#include "mail/mailq.h"
#include "auth/mfa.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "http/cookie.h"

#define KDF_SLOTS 2
#define KDF_SLOT_WAIT_MS 5000
#define HASH_MAX 256

const field_spec accept_fields[] = {
	{.name = "token", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "password", .type = FIELD_STRING, .required = false, .max_len = 1024},
	{.name = NULL},
};
const field_spec reset_fields[] = {
	{.name = "email", .type = FIELD_EMAIL, .required = true},
	{.name = NULL},
};
const field_spec reset_complete_fields[] = {
	{.name = "token", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = "password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = NULL},
};
const field_spec password_change_fields[] = {
	{.name = "current_password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = "new_password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = NULL},
};
const field_spec otp_fields[] = {
	{.name = "otp", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = NULL},
};
const field_spec mfa_off_fields[] = {
	{.name = "password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = "otp", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = NULL},
};

static const char *
field(bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present ? v->s : NULL;
}

/* Policy first (a 422 naming the rule), then scrypt under a slot. */
static bgw_err
hash_new_password(bgw_request *r, const char *field_name, const char *pw, char *out)
{
	const char *reason = NULL;
	int slot;
	bgw_err err = password_check_policy(pw, strlen(pw), r->app->passwords, &reason);

	if (err == BGW_E_VALIDATION)
		return request_field_error(r, field_name, reason);
	if (err != BGW_OK)
		return err;
	if ((err = kdf_slot_acquire(r->app->cfg->lock_dir, KDF_SLOTS, KDF_SLOT_WAIT_MS, &slot)) !=
	    BGW_OK)
		return err;
	err = kdf_hash(pw, strlen(pw), out, HASH_MAX);
	kdf_slot_release(slot);
	return err;
}

static bgw_err
verify_password(bgw_request *r, const char *pw, bool *ok)
{
	int slot;
	bool rehash;
	bgw_err err = kdf_slot_acquire(r->app->cfg->lock_dir, KDF_SLOTS, KDF_SLOT_WAIT_MS, &slot);

	*ok = false;
	if (err != BGW_OK)
		return err;
	if (r->user.password_hash != NULL)
		err = kdf_verify(pw, strlen(pw), r->user.password_hash, ok, &rehash);
	kdf_slot_release(slot);
	return err;
}

static bgw_err
log_account(bgw_request *r, const char *project, const char *actor, const char *action)
{
	audit_event ev = {.project_id = project, .actor_id = actor, .action = action,
		.object_type = "user", .object_id = actor, .ip = r->remote_addr};

	return audit_append(r->app->db, r->a, &ev, NULL);
}

bgw_err
h_invitation_accept(bgw_request *r)
{
	const char *token = field(r, accept_fields, "token");
	const char *name = field(r, accept_fields, "name");
	const char *password = field(r, accept_fields, "password");
	char hash[HASH_MAX];
	account_invitation inv;
	const char *user_id;
	bgw_user u;
	json_t *body;
	bgw_err err;

	if ((err = account_invitation_find(r->app->db, r->a, token, &inv)) != BGW_OK)
		return err == BGW_E_VALIDATION ?
		    request_field_error(r, "token", "invalid_or_expired") : err;
	/* A new account needs a password; an existing one keeps its own. */
	hash[0] = '\0';
	if (inv.existing_user_id == NULL) {
		if (password == NULL)
			return request_field_error(r, "password", "required");
		if ((err = hash_new_password(r, "password", password, hash)) != BGW_OK)
			return err;
	}
	err = account_invitation_accept(r->app->db, r->a, &inv, name, hash, &user_id);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (err == BGW_OK)
		err = log_account(r, inv.project_id, user_id, "invitation.accept");
	if (err == BGW_OK)
		err = user_by_id(r->app->db, r->a, user_id, &u);
	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:o}", "user", user_to_json(&u)));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_password_reset(bgw_request *r)
{
	const char *email = field(r, reset_fields, "email");
	char token[TOKEN_LEN + 1];
	bgw_user u;
	bgw_kv *vars = NULL, **tail = &vars;
	bgw_err err;

	if (r->remote_addr != NULL) {
		if ((err = throttle_check(r->app->db, r->a, &THROTTLE_RESET_ADDRESS,
		    r->remote_addr)) != BGW_OK)
			return err;
		/* Every request counts, found or not: the limit must not reveal which is which. */
		if ((err = throttle_fail(r->app->db, r->a, &THROTTLE_RESET_ADDRESS,
		    r->remote_addr)) != BGW_OK)
			return err;
	}
	err = user_by_email(r->app->db, r->a, email, &u);
	if (err == BGW_OK) {
		char *link;

		err = account_reset_create(r->app->db, r->a, u.id, token);
		link = bgw_arena_printf(r->a, "%s/password-reset?token=%s", r->app->cfg->base_url,
		    token);
		if (err == BGW_OK && link == NULL)
			err = BGW_E_NOMEM;
		if (err == BGW_OK)
			err = kv_append(r->a, &tail, "name", u.name, strlen(u.name));
		if (err == BGW_OK)
			err = kv_append(r->a, &tail, "link", link, strlen(link));
		if (err == BGW_OK)
			err = kv_append(r->a, &tail, "expires", strcmp(u.locale, "ja") == 0 ?
			    "30分後" : "in 30 minutes", strlen(strcmp(u.locale, "ja") == 0 ?
			    "30分後" : "in 30 minutes"));
		if (err == BGW_OK)
			err = mailq_send(r->app->db, r->a, "password_reset", u.locale, u.email,
			    bgw_arena_printf(r->a, "password_reset:%s", token), NULL, vars);
		if (err == BGW_OK)
			err = log_account(r, NULL, u.id, "password.reset_requested");
	} else if (err == BGW_E_NOT_FOUND) {
		err = BGW_OK;
	}
	OPENSSL_cleanse(token, sizeof(token));
	if (err != BGW_OK)
		return err;
	r->status = 202;
	return BGW_OK;
}

/* The token first (a cheap indexed lookup of its SHA-256), the costly hash only for a live
 * one: a stream of made-up tokens must not buy a scrypt each.  The claim and the new
 * password commit together; an error rolls both back. */
bgw_err
h_password_reset_complete(bgw_request *r)
{
	const char *token = field(r, reset_complete_fields, "token");
	const char *password = field(r, reset_complete_fields, "password");
	char hash[HASH_MAX];
	const char *user_id;
	bgw_err err;

	err = account_reset_claim(r->app->db, r->a, token, &user_id);
	if (err == BGW_E_VALIDATION)
		return request_field_error(r, "token", "invalid_or_expired");
	if (err != BGW_OK)
		return err;
	if ((err = hash_new_password(r, "password", password, hash)) != BGW_OK)
		return err;
	err = account_set_password(r->app->db, r->a, user_id, hash);
	OPENSSL_cleanse(hash, sizeof(hash));
	/* Whoever had the old password is out. */
	if (err == BGW_OK)
		err = session_destroy_user(r->app->db, r->a, user_id, NULL);
	if (err == BGW_OK)
		err = log_account(r, NULL, user_id, "password.reset");
	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_password_change(bgw_request *r)
{
	const char *current = field(r, password_change_fields, "current_password");
	const char *fresh = field(r, password_change_fields, "new_password");
	char hash[HASH_MAX];
	bool ok;
	bgw_err err = verify_password(r, current, &ok);

	if (err != BGW_OK)
		return err;
	if (!ok)
		return request_field_error(r, "current_password", "wrong");
	if ((err = hash_new_password(r, "new_password", fresh, hash)) != BGW_OK)
		return err;
	err = account_set_password(r->app->db, r->a, r->user_id, hash);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (err == BGW_OK)
		err = session_destroy_user(r->app->db, r->a, r->user_id, r->session.id);
	if (err == BGW_OK)
		err = log_account(r, NULL, r->user_id, "password.change");
	if (err == BGW_OK)
		r->status = 204;
	return err;
}

/* MFA on or off changes what the session is worth: every session of the account ends and
 * this browser gets a new cookie (and so a new CSRF token, left in r->session.csrf). */
bgw_err
h_rotate_session(bgw_request *r)
{
	char token[SESSION_TOKEN_LEN + 1];
	const char *cookie;
	bgw_err err = session_rotate(r->app->db, r->a, r->user_id, r->remote_addr, token,
	    r->session.csrf);

	if (err != BGW_OK)
		return err;
	cookie = cookie_format_session(r->a, SESSION_COOKIE, token, -1);
	OPENSSL_cleanse(token, sizeof(token));
	if (cookie == NULL)
		return BGW_E_NOMEM;
	return request_add_header(r, "Set-Cookie", cookie);
}

bgw_err
h_mfa_start(bgw_request *r, char secret[MFA_SECRET_B32_LEN + 1], char uri[MFA_URI_MAX])
{
	if (r->user.mfa_enabled)
		return BGW_E_INVALID_STATE;
	return mfa_enrol_begin(r->app->db, r->a, &r->app->keys, r->user_id, r->user.email,
	    secret, uri);
}

bgw_err
h_mfa_begin(bgw_request *r)
{
	char secret[MFA_SECRET_B32_LEN + 1], uri[MFA_URI_MAX];
	json_t *body;
	bgw_err err = h_mfa_start(r, secret, uri);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s, s:s}", "secret", secret, "otpauth_uri", uri));
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(uri, sizeof(uri));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_mfa_verify(bgw_request *r)
{
	char **codes;
	json_t *list, *body;
	bgw_err err = mfa_enrol_finish(r->app->db, r->a, &r->app->keys, r->user_id,
	    field(r, otp_fields, "otp"), &codes);

	if (err == BGW_E_INVALID_CREDENTIALS || err == BGW_E_VALIDATION)
		return request_field_error(r, "otp", err == BGW_E_VALIDATION ? "no_enrolment" : "wrong");
	if (err == BGW_OK)
		err = log_account(r, NULL, r->user_id, "mfa.enable");
	if (err == BGW_OK)
		err = h_rotate_session(r);
	if (err != BGW_OK)
		return err;
	list = json_array();
	body = jsonout_own(r->a, json_pack("{s:o, s:s}", "recovery_codes", list, "csrf_token",
	    r->session.csrf));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < MFA_RECOVERY_CODES; i++)
		if (json_array_append_new(list, json_string(codes[i])) != 0)
			return BGW_E_NOMEM;
	return request_reply_json(r, 200, body);
}

bgw_err
h_mfa_disable(bgw_request *r)
{
	bool ok;
	bgw_err err;

	if (!r->user.mfa_enabled)
		return BGW_E_INVALID_STATE;
	/* Operators always keep their second factor. */
	if (r->user.operator)
		return BGW_E_FORBIDDEN;
	if ((err = verify_password(r, field(r, mfa_off_fields, "password"), &ok)) != BGW_OK)
		return err;
	if (!ok)
		return request_field_error(r, "password", "wrong");
	err = mfa_verify(r->app->db, r->a, &r->app->keys, r->user_id,
	    field(r, mfa_off_fields, "otp"));
	if (err == BGW_E_INVALID_CREDENTIALS)
		return request_field_error(r, "otp", "wrong");
	if (err == BGW_OK)
		err = mfa_disable(r->app->db, r->a, r->user_id);
	if (err == BGW_OK)
		err = log_account(r, NULL, r->user_id, "mfa.disable");
	if (err == BGW_OK)
		err = h_rotate_session(r);
	if (err == BGW_OK)
		r->status = 204;
	return err;
}

/* DELETE /api/v1/users/{uid}: delete an account (one's own, or as an admin one of one's own
 * organisation).  The row is pseudonymised, not removed: see lib/auth/account.h. */
bgw_err
h_account_delete(bgw_request *r)
{
	const char *uid = r->path_params[0];
	policy_subject s = {.signed_in = true, .operator = r->user.operator,
		.mfa = r->user.mfa_enabled};
	policy_account_facts f;
	audit_event ev = {.actor_id = r->user_id, .action = "account.delete",
		.object_type = "user", .object_id = uid, .ip = r->remote_addr};
	char detail[64];
	int memberships;
	bgw_err err = account_delete_facts(r->app->db, r->a, uid, &f);

	if (err != BGW_OK)
		return err;
	if ((err = policy_account_delete(&s, &f)) != BGW_OK)
		return err;
	if ((err = account_delete(r->app->db, r->a, uid, &memberships)) != BGW_OK)
		return err;
	snprintf(detail, sizeof(detail), "{\"memberships\":%d,\"self\":%s}", memberships,
	    f.self ? "true" : "false");
	ev.detail_json = detail;
	if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
		return err;
	r->status = 204;
	if (f.self) {
		/* The session went with the account: the browser forgets the cookie too. */
		const char *cookie = cookie_format_session(r->a, SESSION_COOKIE, "", 0);

		return cookie != NULL ? request_add_header(r, "Set-Cookie", cookie) : BGW_E_NOMEM;
	}
	return BGW_OK;
}
