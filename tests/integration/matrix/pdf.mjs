// Access-matrix rows of the PDF routes (issue 18, lane e1; notation: ../access.test.mjs).
// The receipt PDF has the JSON receipt's policy (ACT_CONF_RECEIPT): the audit team and the
// respondent; the client never reads an answer through it.  A letter carries a fresh
// first-access code of the respondent: only the audit admin, who issues codes, prints one.
export const rows = {
	'GET /api/v1/confirmations/{}/receipt.pdf': 'YYFFYY',
	'GET /api/v1/confirmations/{}/letter.pdf': 'YFFFFF',
	'POST /api/v1/projects/{}/letters.pdf': 'YFFFFF',
	'POST /projects/{}/letters.pdf': 'YFFFFF',
};
