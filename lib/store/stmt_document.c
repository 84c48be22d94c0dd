/* stmt_document.c - the statements of lib/files/document.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

const db_stmt stmt_document[] = {
	{"doc_new_id", "SELECT new_id()", 0},
	{"doc_insert",
	    "INSERT INTO documents (id, project_id, confirmation_id, name, size, sha256, "
	    "content_type, blob_id, wrapped_key, key_version, created_by, side) VALUES ($1, $2, $3, "
	    "$4, $5::bigint, decode($6, 'hex'), $7, $8, decode($9, 'hex'), $10::int, $11, $12)", 12},
	{"doc_get",
	    "SELECT id, name, size, content_type, encode(sha256, 'hex'), blob_id, "
	    "encode(wrapped_key, 'hex'), key_version, " TS("created_at") " "
	    "FROM documents WHERE id = $1", 1},
	{"doc_list",
	    "SELECT d.id, d.name, d.size, d.content_type, encode(d.sha256, 'hex'), "
	    TS("d.created_at") ", coalesce(u.name, ''), d.side FROM documents d "
	    "LEFT JOIN users u ON u.id = d.created_by WHERE d.project_id = $1 "
	    "AND d.confirmation_id IS NOT DISTINCT FROM $2 AND d.side = ANY($3::text[]) "
	    "ORDER BY d.created_at, d.id", 3},
	/* A respondent's files not yet part of an answer join the one being submitted. */
	{"doc_link_answer",
	    "UPDATE documents SET response_id = $2 WHERE confirmation_id = $1 "
	    "AND side = 'respondent' AND response_id IS NULL", 2},
	{NULL, NULL, 0},
};
