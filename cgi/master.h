/* master.h - the master process: keeps the worker pool full. */
#ifndef BGW_MASTER_H
#define BGW_MASTER_H

#include "core/config.h"

/* Run the pool on listen_fd until SIGTERM/SIGINT (drain: workers finish what they accepted,
 * then exit).  SIGHUP re-reads config_path and replaces the workers gracefully.  A worker
 * that dies is replaced.  Returns the exit status. */
int master_run(bgw_config *cfg, const char *config_path, int listen_fd);

#endif
