/* bgw-admin - the operators' command line: thin commands over lib/.
 *
 *   bgw-admin --config FILE setup [--superuser CONNINFO]
 *                                                    database, roles, passwords, migrations
 *                                                    of a new host; idempotent (admin_setup.c)
 *   bgw-admin --config FILE migrate                  apply db/migrations (as the owner role)
 *   bgw-admin --config FILE status                   PostgreSQL and clamd reachability
 *   bgw-admin --config FILE firm-create --name N --email E
 *                                                    an audit firm, its first admin user and
 *                                                    the invitation link (printed and mailed)
 *   bgw-admin --config FILE operator-create --email E
 *                                                    invite one of the service's operators
 *   bgw-admin --config FILE audit-verify [--project ID] | audit-checkpoint [--force]
 *                                                    (tools/admin_audit.c, lib/flow/auditcp.h)
 *   bgw-admin --config FILE purge [--now T]          destroy projects past their retention
 *   bgw-admin --config FILE rotate-master-key [--rewrap-only]
 *   bgw-admin --config FILE lock|unlock --email E    (operations: tools/admin_ops.c)
 *   bgw-admin --config FILE doctor [--pgdata DIR]    volumes encrypted, signatures fresh
 *                                                    (tools/admin_doctor.c)
 *   bgw-admin evidence-verify FILE.zip               an evidence pack against its manifest,
 *                                                    offline, no configuration
 *                                                    (tools/admin_evidence.c)
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

#include "core/config.h"
#include "core/log.h"
#include "files/scan.h"
#include "mail/smtp.h"

const char *admin_config_path;

static const struct command {
	const char *name;
	int (*run)(const bgw_config *cfg, int argc, char **argv);
	const char *help;
} commands[] = {
	{"setup", admin_setup, "[--superuser CONNINFO]: database, roles and migrations (idempotent)"},
	{"migrate", admin_migrate, "apply the database migrations"},
	{"status", admin_ops_status, "PostgreSQL and clamd, row counts, outbox backlog, blob disk use"},
	{"firm-create", admin_firm_create, "--name NAME --email EMAIL: create an audit firm"},
	{"operator-create", admin_operator_create, "--email EMAIL: invite an operator"},
	{"audit-verify", admin_audit_verify,
	    "[--project ID]: verify the audit chains, seals and checkpoints"},
	{"audit-checkpoint", admin_audit_checkpoint,
	    "[--force]: sign every chain's head into the checkpoint file, mail the operators"},
	{"purge", admin_purge, "[--now T]: destroy projects past their retention"},
	{"rotate-master-key", admin_rotate_master_key,
	    "[--rewrap-only]: new master key, re-wrap file keys and MFA secrets"},
	{"lock", admin_lock, "--email EMAIL: lock an account and end its sessions"},
	{"unlock", admin_unlock, "--email EMAIL: unlock an account"},
	{"doctor", admin_doctor,
	    "[--pgdata DIR]: database and blob volumes encrypted (LUKS), clamd signatures fresh"},
};

static int
usage(void)
{
	fprintf(stderr, "usage: bgw-admin [--config FILE] COMMAND [ARGS]\n");
	fprintf(stderr, "       bgw-admin evidence-verify FILE.zip: check an evidence pack offline\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %-14s %s\n", commands[i].name, commands[i].help);
	return 2;
}

int
main(int argc, char **argv)
{
	const char *path = config_path_from_args(argc, argv);
	bgw_config cfg;
	int i = 1;

	bgw_log_init("admin");
	if (i + 1 < argc && strcmp(argv[i], "--config") == 0)
		i += 2;
	if (i >= argc)
		return usage();
	/* Offline: the holder of a pack may have no configuration at all. */
	if (strcmp(argv[i], "evidence-verify") == 0)
		return admin_evidence_verify(argc - i, argv + i);
	if (path == NULL) {
		fprintf(stderr, "bgw-admin: no configuration (--config FILE or BGW_CONFIG)\n");
		return 2;
	}
	if (config_load(&cfg, path) != BGW_OK)
		return 1;
	admin_config_path = path;
	smtp_global_init();
	scan_set_timeout(cfg.request_timeout_ms);
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(&cfg, argc - i, argv + i);
	return usage();
}
