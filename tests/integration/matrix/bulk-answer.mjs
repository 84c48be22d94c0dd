// Access-matrix rows of a respondent desk's bulk answers (see ../access.test.mjs for the
// notation).  'respondent': every respondent user (of any organisation and project) passes
// the router, everyone else gets 404; which requests of a selection a user may answer or
// approve is decided per request inside the use case, tested in ../bulk-answer.test.mjs.
export const rows = {
	'GET /api/v1/inbox/open.csv': 'respondent',
	'GET /api/v1/inbox/open.xlsx': 'respondent',
	'POST /api/v1/inbox/answers': 'respondent',
	'POST /api/v1/inbox/approve': 'respondent',
	'GET /inbox/desk': 'respondent',
	'POST /inbox/desk': 'respondent',
	'POST /inbox/desk/approve': 'respondent',
};
