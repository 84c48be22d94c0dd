// Access-matrix rows of the confirmation-side HTML pages (pagesb): the same policy actions
// as their API routes.  The world's confirmation is sent and unanswered, so the receipt
// page answers 409 to those who may see it; edit answers 409 (not a draft).
export const rows = {
	'GET /projects/{}/confirmations/new': 'YYYYFF',
	'POST /projects/{}/confirmations/new': 'YYYYFF',
	'GET /confirmations/{}/edit': 'YYYYFF',
	'POST /confirmations/{}/edit': 'YYYYFF',
	'GET /projects/{}/import': 'YYYYFF',
	'POST /projects/{}/import': 'YYYYFF',
	'POST /confirmations/{}/documents': 'YYYYYY',
	'POST /confirmations/{}/comments': 'YYYYYY',
	'GET /inbox': 'account',
	'GET /confirmations/{}/answer': 'FFFFYY',
	'POST /confirmations/{}/answer': 'FFFFYY',
	'GET /confirmations/{}/receipt': 'YYFFYY',
};
