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
 *
 * Several copies may run at once on any hosts: rows are claimed with FOR UPDATE SKIP LOCKED
 * (lib/mail/outbox.c), and every notification is queued once under its natural key
 * (db/migrations/0010_batch.sql), so nothing is queued twice.  A mail refused for good
 * flags its confirmation undeliverable (未達), whichever mode sent it.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/audit.h"
#include "core/config.h"
#include "store/db.h"
#include "http/idempotency.h"
#include "auth/invite.h"
#include "core/log.h"
#include "mail/notify.h"
#include "mail/outbox.h"
#include "mail/smtp.h"
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
	stmt_notify, stmt_auditcp, stmt_idempotency, NULL};

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

/* The batch job's steps, then the drain.  0 on success, 1 on failure. */
static int
run_once(bgw_db *db, bgw_arena *a, const bgw_config *cfg, const smtp_conf *smtp,
    const char *now_arg)
{
	notify_run run = {.db = db, .a = a, .base_url = cfg->base_url};
	long long removed = 0;
	int queued = 0, n = 0, cp_failed;
	bgw_err err = notify_set_now(&run, now_arg);

	if (err == BGW_E_VALIDATION) {
		fprintf(stderr, "bgw-notify: --now takes YYYY-MM-DDTHH:MM:SSZ\n");
		return 2;
	}
	if (err == BGW_OK)
		err = notify_queue_due(&run, &queued);
	if (err == BGW_OK)
		err = notify_clean(&run, &removed);
	if (err != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not run the batch job: %s", bgw_err_code(err));
		return 1;
	}
	bgw_log(BGW_LOG_INFO, "batch at %s: %d notifications queued, %lld expired rows removed",
	    run.now, queued, removed);
	cp_failed = notify_checkpoint(db, a, cfg->audit_key_file,
	    cfg->audit_checkpoint_file) != BGW_OK;
	while (!stop_requested && (n = drain_once(db, a, smtp)) > 0)
		;
	return n < 0 || cp_failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *path = config_path_from_args(argc, argv);
	const char *now_arg = NULL;
	bool loop = false, once = false;
	bgw_config cfg;
	smtp_conf smtp;
	struct sigaction sa;
	bgw_db *db;
	bgw_arena *a;

	bgw_log_init("notify");
	for (int i = 1; i < argc; i++) {
		loop = loop || strcmp(argv[i], "--send") == 0;
		once = once || strcmp(argv[i], "--once") == 0;
		if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
			now_arg = argv[++i];
	}
	if (path == NULL || loop == once || (now_arg != NULL && !once)) {
		fprintf(stderr, "usage: bgw-notify --config FILE (--send | --once [--now "
		    "YYYY-MM-DDTHH:MM:SSZ])\n");
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
	db = db_open(cfg.db, tables);
	a = bgw_arena_new();
	if (db == NULL || a == NULL)
		return 1;
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
