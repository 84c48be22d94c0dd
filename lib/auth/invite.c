/* invite.c - creating invitation tokens. */
#include "auth/invite.h"

#include <stdio.h>

bgw_err
invite_create(bgw_db *db, bgw_arena *a, const invite_spec *spec, char *token)
{
	unsigned char h[TOKEN_HASH_LEN];
	char hex[TOKEN_HEX_LEN + 1], ttl[16];
	const char *params[11];
	bgw_err err = token_new(token, TOKEN_LEN + 1);

	if (err != BGW_OK)
		return err;
	token_hash(token, h);
	if ((err = token_hex(h, sizeof(h), hex, sizeof(hex))) != BGW_OK)
		return err;
	snprintf(ttl, sizeof(ttl), "%d", INVITE_TTL_S);
	params[0] = hex;
	params[1] = spec->email;
	params[2] = spec->organization_id;
	params[3] = spec->project_id;
	params[4] = spec->side;
	params[5] = spec->admin ? "true" : "false";
	params[6] = spec->created_by;
	params[7] = ttl;
	params[8] = spec->unit_id;
	params[9] = spec->confirmation_id;
	params[10] = spec->locale;
	return db_exec(db, a, "invite_insert", 11, params, NULL);
}

char *
invite_link(bgw_arena *a, const char *base_url, const char *token)
{
	return bgw_arena_printf(a, "%s/invitation?token=%s", base_url, token);
}
