/* page_journey.h - the first-time respondent's journey (page_journey.c): the page a
 * request mail's invitation opens and its form, dispatched from page_invite.c. */
#ifndef BGW_PAGE_JOURNEY_H
#define BGW_PAGE_JOURNEY_H

#include "auth/account.h"
#include "pages/page.h"

/* The first page: who asks, how to check it, and the code + password form; alert_key (or
 * NULL) says in words what went wrong. */
bgw_err page_journey_form(bgw_request *r, int status, const char *token,
    const account_invitation *inv, const account_journey *j, const char *alert_key);

/* POST /invitations/accept with a code: check it, open the account (or sign in), verify
 * the membership, and go on to the answer form (303). */
bgw_err page_journey_accept(bgw_request *r, const char *token, const account_invitation *inv,
    const account_journey *j);

#endif
