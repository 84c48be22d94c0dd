/* authglue.c - the HTTP side of the account use cases (authglue.h). */
#include "authglue.h"

#include <string.h>

#include <openssl/crypto.h>

#include "http/cookie.h"

const field_spec login_fields[] = {
	{.name = "email", .type = FIELD_STRING, .required = true, .max_len = 254},
	{.name = "password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = "otp", .type = FIELD_STRING, .required = false, .max_len = 64},
	{.name = NULL},
};
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

const char *
authglue_field(const bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present ? v->s : NULL;
}

auth_env
authglue_env(const bgw_request *r)
{
	return (auth_env){.lock_dir = r->app->cfg->lock_dir, .keys = &r->app->keys,
		.passwords = r->app->passwords, .base_url = r->app->cfg->base_url};
}

auth_caller
authglue_caller(const bgw_request *r)
{
	return (auth_caller){.ip = r->remote_addr, .user = r->user_id != NULL ? &r->user : NULL,
		.session_id = r->user_id != NULL ? r->session.id : NULL};
}

bgw_err
authglue_cookie(bgw_request *r, char *token)
{
	/* __Host- prefix: Secure, Path=/ and no Domain, so no other host can set or read it. */
	const char *cookie = cookie_format_session(r->a, SESSION_COOKIE, token != NULL ? token : "",
	    token != NULL ? -1 : 0);

	if (token != NULL)
		OPENSSL_cleanse(token, strlen(token));
	return cookie != NULL ? request_add_header(r, "Set-Cookie", cookie) : BGW_E_NOMEM;
}

static const char *
old_token(const bgw_request *r)
{
	return r->session_token != NULL ? r->session_token : kv_get(r->cookies, SESSION_COOKIE);
}

bgw_err
authglue_sign_in(bgw_request *r, session_sign_in_in *in, session_sign_in_out *out)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	bgw_err err;

	in->old_token = old_token(r);
	err = session_sign_in(r->app->db, r->a, &env, &who, in, out);
	return err == BGW_OK ? authglue_cookie(r, out->token) : err;
}

bgw_err
authglue_sign_in_otp(bgw_request *r, session_sign_in_otp_in *in, session_sign_in_out *out)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	bgw_err err;

	in->old_token = old_token(r);
	err = session_sign_in_otp(r->app->db, r->a, &env, &who, in, out);
	return err == BGW_OK ? authglue_cookie(r, out->token) : err;
}

bgw_err
authglue_sign_out(bgw_request *r)
{
	auth_caller who = authglue_caller(r);
	bgw_err err = session_sign_out(r->app->db, r->a, &who, r->session_token);

	return err == BGW_OK ? authglue_cookie(r, NULL) : err;
}

bgw_err
authglue_accept_invitation(bgw_request *r, bgw_user *u)
{
	account_accept_in in = {.token = authglue_field(r, accept_fields, "token"),
		.name = authglue_field(r, accept_fields, "name"),
		.password = authglue_field(r, accept_fields, "password")};
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);

	return account_accept_invitation(r->app->db, r->a, &env, &who, &in, u, &r->field_errors);
}

bgw_err
authglue_request_reset(bgw_request *r)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	bgw_err err = account_reset_admit(r->app->db, r->a, &who);

	if (err == BGW_OK)
		err = account_request_reset(r->app->db, r->a, &env, &who,
		    authglue_field(r, reset_fields, "email"));
	return err;
}

bgw_err
authglue_complete_reset(bgw_request *r)
{
	account_reset_in in = {.token = authglue_field(r, reset_complete_fields, "token"),
		.password = authglue_field(r, reset_complete_fields, "password")};
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);

	return account_complete_reset(r->app->db, r->a, &env, &who, &in, &r->field_errors);
}

bgw_err
authglue_change_password(bgw_request *r)
{
	account_password_in in = {
		.current = authglue_field(r, password_change_fields, "current_password"),
		.fresh = authglue_field(r, password_change_fields, "new_password")};
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);

	return account_change_password(r->app->db, r->a, &env, &who, &in, &r->field_errors);
}

/* After MFA on or off: this browser's new session, its CSRF token for the answer. */
static bgw_err
mfa_rotated(bgw_request *r, bgw_err err, mfa_session_out *out)
{
	if (err != BGW_OK)
		return err;
	memcpy(r->session.csrf, out->csrf, sizeof(r->session.csrf));
	return authglue_cookie(r, out->token);
}

bgw_err
authglue_mfa_confirm(bgw_request *r, char ***codes)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	mfa_session_out out = {0};
	bgw_err err = mfa_confirm(r->app->db, r->a, &env, &who,
	    authglue_field(r, otp_fields, "otp"), &out, &r->field_errors);

	*codes = out.codes;
	return mfa_rotated(r, err, &out);
}

bgw_err
authglue_mfa_turn_off(bgw_request *r)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	mfa_session_out out = {0};
	bgw_err err = mfa_turn_off(r->app->db, r->a, &env, &who,
	    authglue_field(r, mfa_off_fields, "password"), authglue_field(r, mfa_off_fields, "otp"),
	    &out, &r->field_errors);

	return mfa_rotated(r, err, &out);
}
