/* admin.h - the commands of bgw-admin, one function each (argv[0] is the command name).
 * Each returns the process exit status: 0 success, 1 failure, 2 usage. */
#ifndef BGW_ADMIN_H
#define BGW_ADMIN_H

#include "core/config.h"

/* The configuration file bgw-admin was started with (set by main before any command). */
extern const char *admin_config_path;

int admin_migrate(const bgw_config *cfg, int argc, char **argv);
int admin_status(const bgw_config *cfg, int argc, char **argv);
int admin_firm_create(const bgw_config *cfg, int argc, char **argv);
int admin_operator_create(const bgw_config *cfg, int argc, char **argv);
int admin_audit_verify(const bgw_config *cfg, int argc, char **argv);
int admin_audit_checkpoint(const bgw_config *cfg, int argc, char **argv);

/* admin_ops.c (ops) */
int admin_purge(const bgw_config *cfg, int argc, char **argv);
int admin_rotate_master_key(const bgw_config *cfg, int argc, char **argv);
int admin_lock(const bgw_config *cfg, int argc, char **argv);
int admin_unlock(const bgw_config *cfg, int argc, char **argv);
int admin_ops_status(const bgw_config *cfg, int argc, char **argv);

/* admin_setup.c (ops): database, roles, passwords and migrations of a new host */
int admin_setup(const bgw_config *cfg, int argc, char **argv);

/* admin_doctor.c: encryption at rest of the database and blob volumes, signature age */
int admin_doctor(const bgw_config *cfg, int argc, char **argv);

/* admin_evidence.c: an evidence pack checked offline; needs no configuration */
int admin_evidence_verify(int argc, char **argv);

#endif
