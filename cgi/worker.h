/* worker.h - the worker process's main loop. */
#ifndef BGW_WORKER_H
#define BGW_WORKER_H

#include "core/config.h"

/* Serve requests from listen_fd until SIGTERM; returns the process exit status. */
int worker_run(const bgw_config *cfg, int listen_fd);

#endif
