/* bgw-notify - the mail sender and the scheduled batch job.
 *
 *   bgw-notify --config FILE --send      drain the outbox continuously (transactional mail
 *                                        leaves within seconds); SIGTERM stops it cleanly
 *   bgw-notify --config FILE --once [--now YYYY-MM-DDTHH:MM:SSZ]
 *                                        one run of the batch job: queue what the calendar
 *                                        makes due at that instant (reminders, pending
 *                                        authorisation and approval, overdue alerts,
 *                                        digests), clean expired sessions, tokens and
 *                                        idempotency answers, take the day's audit
 *                                        checkpoint (lib/flow/auditcp.h), then drain what is due
 *   bgw-notify --config FILE --bounces [--maildir DIR]
 *                                        read delivery status notifications that came back
 *                                        to the per-message return paths: one message on
 *                                        stdin (an MTA's pipe), or every message in DIR/new
 *                                        (each moved to DIR/cur once read); a permanent
 *                                        failure flags its confirmation undeliverable
 *                                        (docs/operations.md, "Bounces")
 *
 * Several copies may run at once on any hosts: rows are claimed with FOR UPDATE SKIP LOCKED
 * (lib/mail/outbox.c), and every notification is queued once under its natural key
 * (db/migrations/0010_batch.sql), so nothing is queued twice.  A mail refused for good
 * flags its confirmation undeliverable (未達), whichever mode sent it.
 */
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "flow/audit.h"
#include "core/config.h"
#include "store/db.h"
#include "http/idempotency.h"
#include "auth/invite.h"
#include "core/log.h"
#include "crypto/secretbox.h"
#include "mail/bounce.h"
#include "mail/dsn.h"
#include "mail/notify.h"
#include "mail/outbox.h"
#include "mail/smtp.h"
#include "mail/unsub.h"
#include "store/stmt.h"

/* Messages claimed per round, and the pause when the outbox is empty. */
#define NOTIFY_BATCH 50
#define NOTIFY_IDLE_US 500000

static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const db_stmt *const tables[] = {stmt_core, stmt_outbox, stmt_audit, stmt_invite,
	stmt_notify, stmt_auditcp, stmt_idempotency, stmt_bounce, NULL};

/* Exit status for an MTA pipe when the report could not be recorded yet (sysexits.h
 * EX_TEMPFAIL): the MTA keeps the message and delivers it again later. */
#define EXIT_TEMPFAIL 75

/* One drain round; returns how many rows it claimed (0: nothing is due), -1 when the
 * database is away.  The claimed count, not the sent one, says whether to go on: a round
 * with a refusal in it sends fewer than it claimed, and a bulk claim is a small slice
 * (OUTBOX_BULK_SLICE), yet more may be due. */
static int
drain_once(bgw_db *db, bgw_arena *a, const smtp_conf *smtp)
{
	outbox_failure *failed = NULL;
	int claimed = 0, sent = 0;
	bgw_err err = db_ensure(db);

	if (err == BGW_OK)
		err = outbox_drain(db, a, smtp, NOTIFY_BATCH, &claimed, &sent, &failed);
	for (outbox_failure *f = failed; f != NULL; f = f->next) {
		bgw_err e;

		bgw_log(BGW_LOG_WARN, "mail %s (%s) could not be delivered: %s", f->id, f->kind,
		    f->error);
		/* Best effort: a flag missed here (database gone) is logged for the audit team. */
		if ((e = notify_mark_undeliverable(db, a, f->id)) != BGW_OK)
			bgw_log(BGW_LOG_ERROR, "could not flag mail %s undeliverable: %s", f->id,
			    bgw_err_code(e));
	}
	bgw_arena_reset(a);
	return err == BGW_OK ? claimed : -1;
}

/* A key derived from master key version 1 (config master_key_file) by derive (the bounce
 * key, the unsubscribe key: each signs what is read back weeks later, so never a rotated
 * version): false (logged, naming what) if it cannot be had. */
static bool
load_derived_key(const bgw_config *cfg,
    bgw_err (*derive)(const unsigned char *, size_t, unsigned char *), const char *what,
    unsigned char *key)
{
	unsigned char master[SECRETBOX_KEY_LEN];
	bool ok = secretbox_load_key(cfg->master_key_file, master) == BGW_OK &&
	    derive(master, sizeof(master), key) == BGW_OK;

	OPENSSL_cleanse(master, sizeof(master));
	if (!ok)
		bgw_log(BGW_LOG_ERROR, "could not derive the %s key from the master key", what);
	return ok;
}

/* The batch job's steps, then the drain.  0 on success, 1 on failure. */
static int
run_once(bgw_db *db, bgw_arena *a, const bgw_config *cfg, const smtp_conf *smtp,
    const char *now_arg)
{
	notify_run run = {.db = db, .a = a, .base_url = cfg->base_url};
	unsigned char unsub_key[UNSUB_KEY_LEN];
	long long removed = 0;
	int queued = 0, n = 0, cp_failed;
	bgw_err err = notify_set_now(&run, now_arg);

	/* Without the key a digest still goes, pointing to the account page instead. */
	if (load_derived_key(cfg, unsub_key_derive, "unsubscribe", unsub_key))
		run.unsub_key = unsub_key;

	if (err == BGW_E_VALIDATION) {
		fprintf(stderr, "bgw-notify: --now takes YYYY-MM-DDTHH:MM:SSZ\n");
		return 2;
	}
	if (err == BGW_OK)
		err = notify_queue_due(&run, &queued);
	if (err == BGW_OK)
		err = notify_clean(&run, &removed);
	if (err != BGW_OK) {
		OPENSSL_cleanse(unsub_key, sizeof(unsub_key));
		bgw_log(BGW_LOG_ERROR, "could not run the batch job: %s", bgw_err_code(err));
		return 1;
	}
	OPENSSL_cleanse(unsub_key, sizeof(unsub_key));
	bgw_log(BGW_LOG_INFO, "batch at %s: %d notifications queued, %lld expired rows removed",
	    run.now, queued, removed);
	cp_failed = notify_checkpoint(db, a, cfg->audit_key_file,
	    cfg->audit_checkpoint_file) != BGW_OK;
	while (!stop_requested && (n = drain_once(db, a, smtp)) > 0)
		;
	return n < 0 || cp_failed ? 1 : 0;
}

/* The bounce key (bounce.h): false (logged) if it cannot be had. */
static bool
load_bounce_key(const bgw_config *cfg, unsigned char key[BOUNCE_KEY_LEN])
{
	return load_derived_key(cfg, bounce_key_derive, "bounce", key);
}

/* Counts of one --bounces run, for its log line. */
struct bounce_counts {
	int read, permanent, transient, ignored;
};

/* Read one message from f (at most DSN_MAX_BYTES + 1 bytes kept) and act on it. */
static bgw_err
bounce_one(bgw_db *db, bgw_arena *a, const unsigned char *key, FILE *f,
    struct bounce_counts *n)
{
	size_t cap = DSN_MAX_BYTES + 1, len;
	char *buf = bgw_arena_alloc(a, cap);
	notify_bounce_outcome out;
	bgw_err err;

	if (buf == NULL)
		return BGW_E_NOMEM;
	len = fread(buf, 1, cap, f);
	if (ferror(f))
		return BGW_E_IO;
	if ((err = notify_read_bounce(db, a, key, buf, len, &out)) != BGW_OK)
		return err;
	n->read++;
	if (out == NOTIFY_BOUNCE_PERMANENT)
		n->permanent++;
	else if (out == NOTIFY_BOUNCE_TRANSIENT)
		n->transient++;
	else if (out != NOTIFY_BOUNCE_DELIVERED)
		n->ignored++;
	return BGW_OK;
}

/* Every message of dir/new, each moved to dir/cur once read (a message that hit a database
 * error stays for the next run).  0, or 1 if any could not be read. */
static int
bounce_maildir(bgw_db *db, bgw_arena *a, const unsigned char *key, const char *dir,
    struct bounce_counts *n)
{
	char *newdir = bgw_arena_printf(a, "%s/new", dir);
	DIR *d = newdir != NULL ? opendir(newdir) : NULL;
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not open the bounce maildir %s", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char *from, *to;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		from = bgw_arena_printf(a, "%s/new/%s", dir, e->d_name);
		to = bgw_arena_printf(a, "%s/cur/%s:2,S", dir, e->d_name);
		if (from == NULL || to == NULL || (f = fopen(from, "rb")) == NULL) {
			rc = 1;
			continue;
		}
		if (bounce_one(db, a, key, f, n) != BGW_OK) {
			bgw_log(BGW_LOG_ERROR, "could not act on report %s: kept for the next run",
			    e->d_name);
			rc = 1;
		} else if (rename(from, to) != 0) {
			bgw_log(BGW_LOG_ERROR, "could not move report %s to cur", e->d_name);
			rc = 1;
		}
		fclose(f);
		bgw_arena_reset(a);
	}
	closedir(d);
	return rc;
}

/* --bounces: the maildir, or one message on stdin (an MTA pipe: a report that could not
 * be recorded asks the MTA to try again later). */
static int
run_bounces(bgw_db *db, bgw_arena *a, const bgw_config *cfg, const char *maildir)
{
	unsigned char key[BOUNCE_KEY_LEN];
	struct bounce_counts n = {0};
	int rc;

	bgw_err err;

	if (!load_bounce_key(cfg, key))
		return 1;
	if ((err = db_ensure(db)) != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not read bounces: %s", bgw_err_code(err));
		return maildir != NULL ? 1 : EXIT_TEMPFAIL;
	}
	if (maildir != NULL) {
		rc = bounce_maildir(db, a, key, maildir, &n);
	} else if ((err = bounce_one(db, a, key, stdin, &n)) != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not act on the report: %s", bgw_err_code(err));
		rc = EXIT_TEMPFAIL;
	} else {
		rc = 0;
	}
	OPENSSL_cleanse(key, sizeof(key));
	bgw_log(BGW_LOG_INFO, "bounces: %d read, %d permanent, %d transient, %d ignored", n.read,
	    n.permanent, n.transient, n.ignored);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *path = config_path_from_args(argc, argv);
	const char *now_arg = NULL, *maildir = NULL;
	unsigned char bounce_key[BOUNCE_KEY_LEN];
	bool loop = false, once = false, bounces = false;
	bgw_config cfg;
	smtp_conf smtp;
	struct sigaction sa;
	bgw_db *db;
	bgw_arena *a;

	bgw_log_init("notify");
	for (int i = 1; i < argc; i++) {
		loop = loop || strcmp(argv[i], "--send") == 0;
		once = once || strcmp(argv[i], "--once") == 0;
		bounces = bounces || strcmp(argv[i], "--bounces") == 0;
		if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
			now_arg = argv[++i];
		if (strcmp(argv[i], "--maildir") == 0 && i + 1 < argc)
			maildir = argv[++i];
	}
	if (path == NULL || loop + once + bounces != 1 || (now_arg != NULL && !once) ||
	    (maildir != NULL && !bounces)) {
		fprintf(stderr, "usage: bgw-notify --config FILE (--send | --once [--now "
		    "YYYY-MM-DDTHH:MM:SSZ] | --bounces [--maildir DIR])\n");
		return 2;
	}
	if (config_load(&cfg, path) != BGW_OK)
		return 1;
	smtp_global_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	memset(&smtp, 0, sizeof(smtp));
	smtp.url = cfg.smtp_url;
	smtp.from = cfg.mail_from;
	smtp.from_name = "Balance Gateway";
	/* Each message leaves from its own signed return path, so that reports coming back
	 * later name it (--bounces); without the key mail still leaves, from mail_from. */
	if (!bounces && load_bounce_key(&cfg, bounce_key))
		smtp.bounce_key = bounce_key;
	db = db_open(cfg.db, tables);
	a = bgw_arena_new();
	if (db == NULL || a == NULL)
		return 1;
	if (bounces) {
		int rc = run_bounces(db, a, &cfg, maildir);

		db_close(db);
		bgw_arena_free(a);
		return rc;
	}
	if (once) {
		int rc = run_once(db, a, &cfg, &smtp, now_arg);

		db_close(db);
		bgw_arena_free(a);
		return rc;
	}
	bgw_log(BGW_LOG_INFO, "sending from the outbox");
	while (!stop_requested) {
		int n = drain_once(db, a, &smtp);

		if (n <= 0)
			usleep(NOTIFY_IDLE_US);
	}
	db_close(db);
	bgw_arena_free(a);
	return 0;
}
