// Access-matrix rows of the project's control pages (cgi/routes_controls.c, issue 22 item 1):
// the same policy actions as their /api/v1 twins (PATCH /projects/{}, GET audit-log, the
// project's documents, POST /confirmations/{}/addressee); the settings page is read by every
// member (as GET /projects/{} and its reminders) and changed by the audit admin.
export const rows = {
	'GET /projects/{}/settings': 'YYYYYY',
	'POST /projects/{}/settings': 'YFFFFF',
	'GET /projects/{}/audit-log': 'YFFFFF',
	'GET /projects/{}/documents': 'YYYYNN',
	'POST /projects/{}/documents': 'YYYYNN',
	'GET /projects/{}/undeliverable': 'YFFFFF',
	'POST /confirmations/{}/addressee': 'YFFFFF',
};
