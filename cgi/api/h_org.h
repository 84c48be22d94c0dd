/* h_org.h - the API of a respondent organisation's users and units (lib/auth/org.h),
 * routed by cgi/routes_org.c. */
#ifndef BGW_H_ORG_H
#define BGW_H_ORG_H

#include "http/fields.h"
#include "request.h"

extern const field_spec org_invite_fields[], org_change_fields[], org_unit_fields[];

bgw_err h_org_own(bgw_request *r);
bgw_err h_org_get(bgw_request *r);
bgw_err h_org_members(bgw_request *r);
bgw_err h_org_invite(bgw_request *r);
bgw_err h_org_change(bgw_request *r);
bgw_err h_org_deactivate(bgw_request *r);
bgw_err h_org_reactivate(bgw_request *r);
bgw_err h_org_unit_create(bgw_request *r);

/* cgi/pages/page_org.c: the organisation's page and its forms */
bgw_err page_org_own(bgw_request *r);
bgw_err page_org(bgw_request *r);
bgw_err page_org_invite(bgw_request *r);
bgw_err page_org_change(bgw_request *r);
bgw_err page_org_deactivate(bgw_request *r);
bgw_err page_org_reactivate(bgw_request *r);
bgw_err page_org_unit_create(bgw_request *r);

#endif
