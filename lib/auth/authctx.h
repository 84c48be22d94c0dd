/* authctx.h - what the account use cases (session.h, account.h, mfa.h) take besides the
 * database: the process's settings they need and who is calling.
 *
 * Both are filled by the caller (cgi/authglue.c from the request; a unit test by hand) and
 * only read by the use cases.
 */
#ifndef BGW_AUTHCTX_H
#define BGW_AUTHCTX_H

#include <string.h>

#include "auth/user.h"
#include "core/kv.h"
#include "crypto/masterkey.h"

struct password_list;

/* Built once at start-up (bgw_app). */
typedef struct auth_env {
	const char *lock_dir;                   /* where the KDF slots' lock files live */
	const masterkeys *keys;                 /* the MFA secrets' key */
	const struct password_list *passwords;  /* the common-password list */
	const char *base_url;                   /* links in mail: https://host */
} auth_env;

/* The caller of one use case. */
typedef struct auth_caller {
	const char *ip;           /* its address as text, NULL if unknown */
	const bgw_user *user;     /* the signed-in account, NULL on a public route */
	const char *session_id;   /* that account's session (bgw_session.id), else NULL */
} auth_caller;

/* Name field as failing with reason (a static string) at the end of *errors: the use cases'
 * BGW_E_VALIDATION (BGW_E_NOMEM if the arena is out). */
static inline bgw_err
auth_refuse(bgw_arena *a, bgw_kv **errors, const char *field, const char *reason)
{
	while (*errors != NULL)
		errors = &(*errors)->next;
	return kv_append(a, &errors, field, reason, strlen(reason)) == BGW_OK ?
	    BGW_E_VALIDATION : BGW_E_NOMEM;
}

#endif
