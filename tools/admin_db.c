/* admin_db.c - bgw-admin migrate and status. */
#include <stdio.h>

#include "admin.h"
#include "store/db.h"
#include "store/migrate.h"
#include "files/scan.h"
#include "store/stmt.h"

int
admin_migrate(const bgw_config *cfg, int argc, char **argv)
{
	char dir[CONFIG_PATH_MAX + 32];
	int applied = 0;
	bgw_err err;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/db/migrations", cfg->srcdir);
	err = migrate_apply(cfg->db_owner, dir, &applied);
	if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: migrate failed: %s\n", bgw_err_message(err));
		return 1;
	}
	printf("migrations applied: %d\n", applied);
	return 0;
}

int
admin_status(const bgw_config *cfg, int argc, char **argv)
{
	static const db_stmt *const tables[] = {stmt_core, NULL};
	bgw_db *db = db_open(cfg->db, tables);
	bgw_arena *a = bgw_arena_new();
	bgw_err dberr = BGW_E_NOMEM, scanerr;

	(void)argc;
	(void)argv;
	if (db != NULL && a != NULL)
		dberr = db_ping(db, a);
	scanerr = scan_ping(cfg->clamd_socket);
	printf("db: %s\nscanner: %s\n", dberr == BGW_OK ? "ok" : "unavailable",
	    scanerr == BGW_OK ? "ok" : "unavailable");
	bgw_arena_free(a);
	db_close(db);
	return dberr == BGW_OK && scanerr == BGW_OK ? 0 : 1;
}
