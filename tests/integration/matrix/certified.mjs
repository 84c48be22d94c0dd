// Access-matrix rows of the certified respondents' routes (lane rd; see ../access.test.mjs
// for the notation).  The registry is the operators'; the directory is every audit firm's
// address book (users of other firms too: it names no project); a pick is the audit
// team's address check of one confirmation.
export const rows = {
	'POST /api/v1/operator/certified-respondents': 'operator',
	'GET /api/v1/operator/certified-respondents': 'operator',
	'GET /api/v1/directory': 'firm',
	'POST /api/v1/confirmations/{}/directory-pick': 'YYFFFF',
};
// The desk's queue and routing take no target: every signed-in user has a queue (empty
// outside a certified organisation); routing is refused in the use case unless the user is
// the desk (desk.test.mjs).
Object.assign(rows, {
	'GET /api/v1/desk': 'account',
	'POST /api/v1/desk/route': 'account',
	'GET /desk': 'account',
	'POST /desk/route': 'account',
});
