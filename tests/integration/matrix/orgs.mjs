// Access-matrix rows of a respondent organisation's routes (cgi/routes_org.c, issue 17).
// The {oid} is the world's bank (the respondent admin's organisation; its member is a user
// of it too): its users read, its admins manage; the audit and client roles, every user of
// another project or firm and of another respondent organisation get 404.  GET /org and
// /api/v1/org name the user's own organisation (none: null, or a redirect to /projects), so any signed-in
// user may ask.
export const rows = {
	'GET /api/v1/org': 'account',
	'GET /api/v1/orgs/{}': 'NNNNYY',
	'GET /api/v1/orgs/{}/members': 'NNNNYY',
	'POST /api/v1/orgs/{}/members': 'NNNNYF',
	'PATCH /api/v1/orgs/{}/members/{}': 'NNNNYF',
	'POST /api/v1/orgs/{}/members/{}/deactivate': 'NNNNYF',
	'POST /api/v1/orgs/{}/members/{}/reactivate': 'NNNNYF',
	'POST /api/v1/orgs/{}/units': 'NNNNYF',
	'GET /org': 'account',
	'GET /orgs/{}': 'NNNNYY',
	'POST /orgs/{}/members': 'NNNNYF',
	'POST /orgs/{}/members/{}': 'NNNNYF',
	'POST /orgs/{}/members/{}/deactivate': 'NNNNYF',
	'POST /orgs/{}/members/{}/reactivate': 'NNNNYF',
	'POST /orgs/{}/units': 'NNNNYF',
};
