/* i18n_account.c - the UI strings of invitation, password reset, account settings and MFA,
 * members, help, the public verify page and the operator pages (ja, en). */
#include "i18n_catalogue.h"

const i18n_entry i18n_account[] = {
	{NULL, {NULL, NULL}},
};
