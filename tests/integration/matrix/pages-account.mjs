// Access-matrix rows of the account-side pages (cgi/routes_pages_account.c): same policy
// actions as their /api/v1 twins.  Anonymous callers of signed-in pages get a redirect to
// sign-in; operator pages do not exist for anyone else (404).
export const rows = {
	'GET /invitation': 'public',
	'POST /invitations/accept': 'public',
	'GET /password-reset': 'public',
	'POST /password-reset': 'public',
	'POST /password-reset/complete': 'public',
	'GET /account': 'account',
	'POST /me/password': 'account',
	'POST /me/mfa': 'account',
	'POST /me/mfa/verify': 'account',
	'POST /me/mfa/disable': 'account',
	'GET /projects/{}/members': 'YYYYYY',
	'POST /projects/{}/members': 'YFYFYF',
	'POST /projects/{}/members/{}/remove': 'YFYFYF',
	'POST /projects/{}/members/{}/unlock': 'YFFFFF',
	'POST /projects/{}/access-code': 'YFFFFF',
	'GET /help': 'public',
	'GET /verify': 'public',
	'GET /operator': 'operator',
	'POST /operator/users/{}/lock': 'operator',
	'POST /operator/users/{}/unlock': 'operator',
};
