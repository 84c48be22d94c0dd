/* i18n_conf.c - the UI strings of the confirmation form, bulk import, the inbox and the
 * answer form, and the receipt (ja, en). */
#include "i18n_catalogue.h"

const i18n_entry i18n_conf[] = {
	{NULL, {NULL, NULL}},
};
