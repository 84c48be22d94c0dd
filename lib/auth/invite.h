/* invite.h - invitation tokens: single use, expiring, stored as SHA-256 only.
 *
 * An invitation grants an organisation (and, inside a project, a side and admin flag) to
 * whoever accepts it at the invited address: a new account is created, or an existing one
 * is linked.
 */
#ifndef BGW_INVITE_H
#define BGW_INVITE_H

#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "auth/token.h"

#define INVITE_TTL_S (7 * 24 * 60 * 60)

typedef struct invite_spec {
	const char *email;
	const char *organization_id;
	const char *project_id;  /* NULL: the first admin of a new audit firm */
	const char *side;        /* "audit", "client", "respondent"; NULL without a project */
	bool admin;
	const char *created_by;  /* NULL when made by the admin command line */
	const char *unit_id;     /* a respondent organisation's unit (lib/auth/org.c), or NULL */
	/* A respondent's invitation carried by a request mail: the confirmation it answers
	 * (its first page says who asks and leads to the answer form) and the addressee's
	 * language; both NULL otherwise. */
	const char *confirmation_id;
	const char *locale;
} invite_spec;

/* Store an invitation and write its token (TOKEN_LEN + 1 bytes) for the link.  Runs in the
 * caller's transaction. */
bgw_err invite_create(bgw_db *db, bgw_arena *a, const invite_spec *spec, char *token);

/* The link that accepts token, in arena memory. */
char *invite_link(bgw_arena *a, const char *base_url, const char *token);


#endif
