/* h_account.c - invitations, password reset and change, MFA enrolment, account deletion.
 * The work is lib/auth/account.h's and mfa.h's, through authglue.h. */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth/account.h"
#include "authglue.h"
#include "flow/audit.h"
#include "http/cookie.h"

bgw_err
h_invitation_accept(bgw_request *r)
{
	json_t *body;
	bgw_user u;
	bgw_err err = authglue_accept_invitation(r, &u);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:o}", "user", user_to_json(&u)));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_password_reset(bgw_request *r)
{
	bgw_err err = authglue_request_reset(r);

	if (err == BGW_OK)
		r->status = 202;
	return err;
}

bgw_err
h_password_reset_complete(bgw_request *r)
{
	bgw_err err = authglue_complete_reset(r);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_password_change(bgw_request *r)
{
	bgw_err err = authglue_change_password(r);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_mfa_begin(bgw_request *r)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	mfa_start_out out;
	json_t *body;
	bgw_err err = mfa_start(r->app->db, r->a, &env, &who, &out);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s, s:s}", "secret", out.secret, "otpauth_uri",
	    out.uri));
	OPENSSL_cleanse(&out, sizeof(out));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_mfa_verify(bgw_request *r)
{
	char **codes;
	json_t *list, *body;
	bgw_err err = authglue_mfa_confirm(r, &codes);

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
	bgw_err err = authglue_mfa_turn_off(r);

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
