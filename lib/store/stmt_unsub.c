/* stmt_unsub.c - the statement of the digest's unsubscribe link (lib/mail/unsub.c).  The
 * link is public, so it goes through 0042's SECURITY DEFINER function, which can only turn
 * one user's digest off. */
#include "store/stmt.h"

const db_stmt stmt_unsub[] = {
	/* $1 user id (from a link whose signature checked out): true if the user exists. */
	{"unsub_digest_off", "SELECT prefs_digest_off($1)", 1},
	{NULL, NULL, 0},
};
