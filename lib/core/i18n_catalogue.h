/* i18n_catalogue.h - the parts of the UI catalogue, one file per group of pages, so that
 * each group's strings live beside each other and i18n.c looks them up as one catalogue.
 * Every part is an array ending with {NULL}; a key appears in exactly one part (the unit
 * test checks it). */
#ifndef BGW_I18N_CATALOGUE_H
#define BGW_I18N_CATALOGUE_H

#include "core/i18n.h"

typedef struct i18n_entry {
	const char *key;
	const char *text[I18N__COUNT];
} i18n_entry;

extern const i18n_entry i18n_core[];    /* i18n.c: layout, errors, sign-in, projects, a confirmation */
extern const i18n_entry i18n_account[]; /* i18n_account.c: invitation, reset, account, members, help, verify, operators */
extern const i18n_entry i18n_org[];     /* i18n_org.c: a respondent organisation's users and units */
extern const i18n_entry i18n_journey[]; /* i18n_journey.c: the first-time respondent's journey, the addressee's language */
extern const i18n_entry i18n_conf[];    /* i18n_conf.c: confirmation forms, import, inbox, answers, receipt */
extern const i18n_entry i18n_desk[];    /* i18n_desk.c: a certified respondent's desk (lane rd) */

#endif
