// The XLSX export and the evidence pack (issue 18, lane e2): the workbook like the other
// exports (audit team and client); the pack only for the audit admin.
export const rows = {
	'GET /api/v1/projects/{}/export.xlsx': 'YYYYFF',
	'GET /api/v1/projects/{}/evidence.zip': 'YFFFFF',
};
