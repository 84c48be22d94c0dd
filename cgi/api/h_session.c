/* h_session.c - POST/GET/DELETE /api/v1/session: sign in, who am I, sign out.  The work is
 * lib/auth/session.h's (session_sign_in, session_sign_out), through authglue.h. */
#include "api/handlers.h"

#include "authglue.h"

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

bgw_err
h_session_create(bgw_request *r)
{
	session_sign_in_in in = {.email = authglue_field(r, login_fields, "email"),
		.password = authglue_field(r, login_fields, "password"),
		.otp = authglue_field(r, login_fields, "otp")};
	session_sign_in_out out;
	bgw_err err = authglue_sign_in(r, &in, &out);

	return err == BGW_OK ? reply_user(r, 200, &out.user, out.csrf) : err;
}

bgw_err
h_session_get(bgw_request *r)
{
	return reply_user(r, 200, &r->user, r->session.csrf);
}

bgw_err
h_session_delete(bgw_request *r)
{
	bgw_err err = authglue_sign_out(r);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}
