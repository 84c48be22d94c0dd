/* admin.h - the commands of bgw-admin, one function each (argv[0] is the command name).
 * Each returns the process exit status: 0 success, 1 failure, 2 usage. */
#ifndef BGW_ADMIN_H
#define BGW_ADMIN_H

#include "config.h"

int admin_migrate(const bgw_config *cfg, int argc, char **argv);
int admin_status(const bgw_config *cfg, int argc, char **argv);
int admin_firm_create(const bgw_config *cfg, int argc, char **argv);
int admin_operator_create(const bgw_config *cfg, int argc, char **argv);

#endif
