// Access-matrix rows of the identity routes (see ../access.test.mjs for the notation).
// DELETE /api/v1/users/{uid}: the router lets every signed-in user through (the body check
// then refuses the matrix's text/plain body); who may delete whom is decided in the handler
// from the account's facts and tested in ../identity.test.mjs.
export const rows = {
	'DELETE /api/v1/users/{}': 'account',
};
