/* admin_audit.c - bgw-admin audit-verify [--project ID]: recompute every hash chain (the
 * global one, project NULL, and each project's), check every final answer against the
 * event that sealed it, and compare every chain with its last signed checkpoint (a chain
 * cut short, or rewritten and re-hashed, still verifies link by link: only the checkpoint
 * outside the database shows it).  Runs as the owner role: row-level security would hide
 * the rows from bgw_app.  Prints one line per chain; on the first bad event or answer names
 * it, names every chain that disagrees with its checkpoint, and exits 1.
 *
 * bgw-admin audit-checkpoint: take a checkpoint now (the batch job takes one a day). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "flow/audit.h"
#include "flow/auditcp.h"
#include "flow/confflow.h"
#include "store/db.h"
#include "mail/outbox.h"
#include "store/stmt.h"

#define BAD_ID_MAX 64

/* Check one chain (project NULL: the global one) and, for a project, its answers.
 * Returns 0 when both are intact, 1 after printing what is wrong. */
static int
check_chain(bgw_db *db, bgw_arena *a, const char *project)
{
	const char *label = project != NULL ? project : "(global)";
	char bad_id[BAD_ID_MAX];
	long long count = 0, bad_seq = 0;
	bgw_err err = audit_verify_chain(db, a, project, &count, &bad_seq, bad_id, sizeof(bad_id));

	if (err == BGW_E_VALIDATION) {
		printf("chain %s: BAD at seq %lld (event id %s)\n", label, bad_seq, bad_id);
		return 1;
	}
	if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not read chain %s: %s\n", label,
		    bgw_err_message(err));
		return 1;
	}
	if (project != NULL) {
		err = conf_verify_responses(db, a, project, bad_id, sizeof(bad_id));
		if (err == BGW_E_VALIDATION) {
			printf("chain %s: %lld events ok; response %s: BAD (content or seal does not "
			    "match its response.final event)\n", label, count, bad_id);
			return 1;
		}
		if (err != BGW_OK) {
			fprintf(stderr, "bgw-admin: could not check the answers of %s: %s\n", label,
			    bgw_err_message(err));
			return 1;
		}
	}
	printf("chain %s: %lld events ok\n", label, count);
	return 0;
}

/* Compare each chain (only: that project's) with the last checkpoint that recorded it.
 * No checkpoint file yet is not an error (a new installation); an unreadable key or file,
 * a line whose HMAC does not match, or a chain that disagrees is.  0 when all agree. */
static int
check_anchors(const bgw_config *cfg, bgw_db *db, bgw_arena *a, const char *only)
{
	unsigned char key[AUDITCP_KEY_LEN];
	auditcp_entry *latest;
	auditcp_bad *badlines;
	struct stat st;
	int bad = 0;
	bgw_err err;

	if (stat(cfg->audit_checkpoint_file, &st) != 0 || st.st_size == 0) {
		printf("checkpoints: none yet (%s)\n", cfg->audit_checkpoint_file);
		return 0;
	}
	if (auditcp_load_key(cfg->audit_key_file, key) != BGW_OK) {
		printf("checkpoints: cannot check them: the audit key %s cannot be read\n",
		    cfg->audit_key_file);
		return 1;
	}
	err = auditcp_read(a, key, cfg->audit_checkpoint_file, &latest, &badlines);
	OPENSSL_cleanse(key, sizeof(key));
	if (err != BGW_OK) {
		printf("checkpoints: could not read %s: %s\n", cfg->audit_checkpoint_file,
		    bgw_err_message(err));
		return 1;
	}
	for (auditcp_bad *b = badlines; b != NULL; b = b->next) {
		printf("checkpoint file %s line %ld: TAMPERED: %s\n", cfg->audit_checkpoint_file,
		    b->line, b->why);
		bad = 1;
	}
	for (auditcp_entry *e = latest; e != NULL; e = e->next) {
		const char *label = e->chain != NULL ? e->chain : "(global)";
		const char *verdict;
		long long now_len = 0;

		if (only != NULL && (e->chain == NULL || strcmp(e->chain, only) != 0))
			continue;
		if ((err = auditcp_compare(db, a, e, &verdict, &now_len)) != BGW_OK) {
			fprintf(stderr, "bgw-admin: could not compare chain %s: %s\n", label,
			    bgw_err_message(err));
			return 1;
		}
		if (verdict == NULL)
			continue;
		bad = 1;
		printf("%s\n", auditcp_describe(a, e, verdict, now_len));
	}
	if (!bad)
		printf("checkpoints: every chain holds its last checkpoint\n");
	return bad;
}

/* The owner's connection with a transaction open, and an arena, into *db and *a (either may
 * be set on failure: the caller closes them).  0, or 1 with the reason on stderr. */
static int
begin_as_owner(const bgw_config *cfg, const db_stmt *const *tables, bgw_db **db,
    bgw_arena **a)
{
	bgw_err err;

	*db = db_open(cfg->db_owner, tables);
	*a = bgw_arena_new();
	if (*db == NULL || *a == NULL) {
		fprintf(stderr, "bgw-admin: out of memory\n");
		return 1;
	}
	if ((err = db_ensure(*db)) != BGW_OK || (err = db_begin(*db, NULL)) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not connect to the database: %s\n",
		    bgw_err_message(err));
		return 1;
	}
	return 0;
}

int
admin_audit_checkpoint(const bgw_config *cfg, int argc, char **argv)
{
	static const db_stmt *const tables[] = {stmt_auditcp, stmt_outbox, NULL};
	unsigned char key[AUDITCP_KEY_LEN];
	char at[AUDITCP_AT_LEN + 1], *text, *refused = NULL;
	long long chains = 0;
	int taken = 0, mailed = 0, rc = 1, force = 0;
	bgw_db *db = NULL;
	bgw_arena *a = NULL;
	bgw_err err;

	if (argc == 2 && strcmp(argv[1], "--force") == 0)
		force = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: bgw-admin audit-checkpoint [--force]\n");
		return 2;
	}
	if (auditcp_load_key(cfg->audit_key_file, key) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not read the audit key %s\n", cfg->audit_key_file);
		return 1;
	}
	if (begin_as_owner(cfg, tables, &db, &a) != 0)
		goto out;
	/* The file first, then the mail in the same transaction: a checkpoint that could not
	 * be written is not mailed as if it had been. */
	err = auditcp_take(db, a, key, cfg->audit_checkpoint_file, 0, force, &taken, &text,
	    &chains, at, &refused);
	if (err == BGW_E_CONFLICT && refused != NULL) {
		printf("%scheckpoint refused: these chains disagree with their last checkpoint "
		    "(after a restore, once it is recorded: audit-checkpoint --force)\n", refused);
		goto out;
	}
	if (err != BGW_OK || (err = auditcp_mail(db, a, at, text, chains, NULL, &mailed)) != BGW_OK ||
	    (err = db_commit(db)) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not take a checkpoint: %s\n",
		    bgw_err_message(err));
		goto out;
	}
	printf("checkpoint %s: %lld chains written to %s, mailed to %d operators\n", at, chains,
	    cfg->audit_checkpoint_file, mailed);
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (db != NULL && rc != 0)
		db_rollback(db);
	bgw_arena_free(a);
	db_close(db);
	return rc;
}

int
admin_audit_verify(const bgw_config *cfg, int argc, char **argv)
{
	static const db_stmt *const tables[] = {stmt_audit, stmt_confflow, stmt_admin_audit,
		stmt_auditcp, NULL};
	const char *only = NULL;
	bgw_db *db;
	bgw_arena *a;
	const char **chains;
	int nchains, bad = 0, rc = 1;
	bgw_err err;

	if (argc == 3 && strcmp(argv[1], "--project") == 0)
		only = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: bgw-admin audit-verify [--project ID]\n");
		return 2;
	}
	if (begin_as_owner(cfg, tables, &db, &a) != 0)
		goto out;
	/* One snapshot for every chain: events appended meanwhile are checked next time. */
	if ((err = auditcp_chains(db, a, only, &chains, &nchains)) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not list the chains: %s\n", bgw_err_message(err));
		goto out;
	}
	if (only != NULL && nchains == 0) {
		fprintf(stderr, "bgw-admin: no project %s\n", only);
		goto out;
	}
	if (only == NULL)
		bad |= check_chain(db, a, NULL);
	for (int i = 0; i < nchains && !bad; i++)
		bad |= check_chain(db, a, chains[i]);
	bad |= check_anchors(cfg, db, a, only);
	if (!bad)
		printf("audit-verify: ok\n");
	rc = bad;
out:
	if (db != NULL)
		db_rollback(db);
	bgw_arena_free(a);
	db_close(db);
	return rc;
}
