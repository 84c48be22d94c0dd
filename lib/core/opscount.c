/* opscount.c - the operator's counts (opscount.h). */
#include "core/opscount.h"

/* The columns of ops_status_counts, in order. */
static const char *const labels[OPSCOUNT_MAX] = {"projects active", "projects completed",
	"projects purged", "projects due for purge", "confirmations", "responses",
	"documents", "document bytes", "users", "users locked", "sessions live",
	"outbox backlog", "outbox failed", "outbox oldest waiting (s)", "audit events",
	"master key active", "documents under an old master key"};

bgw_err
opscount_read(bgw_db *db, bgw_arena *a, opscount_line *lines, size_t *n)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "ops_status_counts", 0, NULL, &res);

	*n = 0;
	if (err != BGW_OK)
		return err;
	for (int c = 0; c < db_ncols(res) && c < OPSCOUNT_MAX; c++) {
		lines[c].label = labels[c];
		lines[c].value = db_isnull(res, 0, c) ? NULL : db_value(res, 0, c);
		*n = (size_t)c + 1;
	}
	return BGW_OK;
}
