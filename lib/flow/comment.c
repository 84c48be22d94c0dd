/* comment.c - reading and writing the comment threads. */
#include "flow/comment.h"

#include <string.h>

#include "http/jsonout.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define COMMENT_COLUMNS "c.id, c.visibility, c.body, coalesce(u.name, ''), " \
	"coalesce(c.author_side, ''), " TS("c.created_at")

const db_stmt stmt_comment[] = {
	/* $2, $3: which threads the reader may see (the policy's decision, also RLS's). */
	{"comment_list",
	    "SELECT " COMMENT_COLUMNS " FROM comments c LEFT JOIN users u ON u.id = c.author_id "
	    "WHERE c.confirmation_id = $1 AND ((c.visibility = 'audit_client' AND $2::boolean) "
	    "OR (c.visibility = 'audit_respondent' AND $3::boolean)) "
	    "ORDER BY c.created_at, c.id", 3},
	{"comment_insert",
	    "WITH c AS (INSERT INTO comments (confirmation_id, visibility, body, author_id, "
	    "author_side) VALUES ($1, $2, $3, $4, $5) RETURNING *) "
	    "SELECT " COMMENT_COLUMNS " FROM c LEFT JOIN users u ON u.id = c.author_id", 5},
	{NULL, NULL, 0},
};

static const char *
side_name(enum policy_side side)
{
	switch (side) {
	case SIDE_AUDIT: return "audit";
	case SIDE_CLIENT: return "client";
	case SIDE_RESPONDENT: return "respondent";
	default: return NULL;
	}
}

bool
comment_may_read(enum policy_side side, bool shared, const char *thread)
{
	bool client_thread = strcmp(thread, COMMENT_THREAD_CLIENT) == 0;

	switch (side) {
	case SIDE_AUDIT: return true;
	case SIDE_CLIENT: return client_thread || shared;
	case SIDE_RESPONDENT: return !client_thread;
	default: return false;
	}
}

const char *
comment_write_thread(enum policy_side side, const char *asked, bgw_err *err)
{
	const char *own;

	*err = BGW_OK;
	if (asked != NULL && strcmp(asked, COMMENT_THREAD_CLIENT) != 0 &&
	    strcmp(asked, COMMENT_THREAD_RESPONDENT) != 0) {
		*err = BGW_E_VALIDATION;
		return NULL;
	}
	switch (side) {
	case SIDE_AUDIT:
		/* Either thread could be the wrong audience for a note: the team says which. */
		if (asked == NULL)
			*err = BGW_E_VALIDATION;
		return asked;
	case SIDE_CLIENT: own = COMMENT_THREAD_CLIENT; break;
	case SIDE_RESPONDENT: own = COMMENT_THREAD_RESPONDENT; break;
	default:
		*err = BGW_E_FORBIDDEN;
		return NULL;
	}
	if (asked != NULL && strcmp(asked, own) != 0) {
		*err = BGW_E_FORBIDDEN;
		return NULL;
	}
	return own;
}

static json_t *
row_json(const PGresult *res, int r)
{
	const char *side = db_value(res, r, 4);

	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s?}, s:s}", "id", db_value(res, r, 0),
	    "thread", db_value(res, r, 1), "body", db_value(res, r, 2),
	    "author", "name", db_value(res, r, 3), "side", *side != '\0' ? side : NULL,
	    "created_at", db_value(res, r, 5));
}

bgw_err
comment_list_json(bgw_db *db, bgw_arena *a, const char *cid, enum policy_side side,
    bool shared, json_t **out)
{
	const char *p[3] = {cid,
		comment_may_read(side, shared, COMMENT_THREAD_CLIENT) ? "true" : "false",
		comment_may_read(side, shared, COMMENT_THREAD_RESPONDENT) ? "true" : "false"};
	PGresult *res;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, "comment_list", 3, p, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:I}", "items", items,
	    "total", (json_int_t)PQntuples(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < PQntuples(res); r++)
		if (json_array_append_new(items, row_json(res, r)) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

bgw_err
comment_add(bgw_db *db, bgw_arena *a, const char *cid, const char *user_id,
    enum policy_side side, const char *thread, const char *body, json_t **out)
{
	const char *p[5] = {cid, thread, body, user_id, side_name(side)};
	PGresult *res;
	bgw_err err;

	if (p[4] == NULL)
		return BGW_E_FORBIDDEN;
	if ((err = db_exec(db, a, "comment_insert", 5, p, &res)) != BGW_OK)
		return err;
	if (PQntuples(res) != 1)
		return BGW_E_INTERNAL;
	*out = jsonout_own(a, row_json(res, 0));
	return *out != NULL ? BGW_OK : BGW_E_NOMEM;
}
