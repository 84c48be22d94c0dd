/* config.h - the service configuration, read once at start-up from `key = value` lines.
 *
 * One file configures every program (worker pool, batch job, admin command line).  Limits
 * that several components must agree on (upload_max_bytes) are written once here and
 * rendered into nginx, ModSecurity and clamd by ./dev from the same value.
 */
#ifndef BGW_CONFIG_H
#define BGW_CONFIG_H

#include <stddef.h>

#include "core/err.h"

#define CONFIG_PATH_MAX 1024
#define CONFIG_VALUE_MAX 1024

typedef struct bgw_config {
	char socket[CONFIG_PATH_MAX];          /* FastCGI unix socket the master creates */
	int socket_mode;                       /* octal permission bits of the socket */
	int workers;                           /* worker processes; 0 = number of cores */
	char db[CONFIG_VALUE_MAX];             /* libpq conninfo of the application role */
	char db_owner[CONFIG_VALUE_MAX];       /* conninfo of the schema owner (migrations only) */
	char clamd_socket[CONFIG_PATH_MAX];
	char smtp_url[CONFIG_VALUE_MAX];
	char mail_from[CONFIG_VALUE_MAX];
	char base_url[CONFIG_VALUE_MAX];       /* public https origin, for links in mail */
	long long upload_max_bytes;            /* the one upload limit */
	long long body_max_bytes;              /* limit of a non-upload (JSON, form) body */
	char master_key_file[CONFIG_PATH_MAX];
	char blob_dir[CONFIG_PATH_MAX];
	char blob_backend[16];                 /* "local" (blob_dir) or "azure" */
	char azure_endpoint[CONFIG_VALUE_MAX]; /* https://ACCOUNT.blob.core.windows.net */
	char azure_account[CONFIG_VALUE_MAX];
	char azure_container[CONFIG_VALUE_MAX];
	char azure_key_file[CONFIG_PATH_MAX];  /* the base64 account key, mode 0600 */
	char lock_dir[CONFIG_PATH_MAX];        /* cross-worker lock files (scrypt slots) */
	char operator_networks[CONFIG_VALUE_MAX];
	char srcdir[CONFIG_PATH_MAX];          /* where db/ and templates live */
	int request_timeout_ms;                /* clamd / smtp socket timeouts */
	int page_cache_entries;                /* list pages a worker keeps; 0 = none (pagecache.h) */
	long long page_cache_bytes;            /* and their bytes at most, per worker */
	/* Audit checkpoints (lib/flow/auditcp.h): the HMAC key, which the database role never
	 * holds, and the append-only file of signed chain heads, outside the database. */
	char audit_key_file[CONFIG_PATH_MAX];
	char audit_checkpoint_file[CONFIG_PATH_MAX];
} bgw_config;

/* Fill c with defaults, then read path.  Unknown keys, malformed lines and values that do
 * not fit are errors (BGW_E_VALIDATION, with the line number logged) so a typo cannot
 * silently weaken a limit; BGW_E_IO if the file cannot be read. */
bgw_err config_load(bgw_config *c, const char *path);

/* Fill c with the built-in defaults only. */
void config_defaults(bgw_config *c);

/* The config path from argv (--config FILE), else $BGW_CONFIG, else the installed default
 * $(sysconfdir)/balance-gateway/bgw.conf (never NULL). */
const char *config_path_from_args(int argc, char **argv);

#endif
