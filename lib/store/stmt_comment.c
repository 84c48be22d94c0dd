/* stmt_comment.c - the statements of lib/flow/comment.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

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
