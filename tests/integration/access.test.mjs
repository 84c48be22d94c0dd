// The whole route × role matrix (issue 3), generated from the route table itself
// (`bgw-fcgi --routes`): every route is tried by anonymous, each of the six roles of one
// project, the same six roles of another firm's project, a respondent of another
// organisation in the same project, and an operator.  A route that has no row below fails
// this test: a new route cannot ship without its access rules written down.
//
// Each request passes the policy layer and then fails on purpose in its input (a text/plain
// body where JSON or nothing is expected: 415 or 400), so that an allowed request changes
// nothing and every cell can be tried in one world.  'Y' means the policy let it through
// (any status but 401/403/404), 'F' 403, 'N' 404 (hidden), anonymous 401.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { request } from './lib/stack.mjs';
import { admin, accept, signIn, totp } from './lib/world.mjs';
import { engagement, sendToRespondent, respondentMember } from './lib/engagement.mjs';
import { unsubscribeToken } from './lib/notify.mjs';

// Roles in the order of the strings: audit admin, audit member, client admin, client member,
// respondent admin, respondent member.
const ROLES = ['aa', 'am', 'ca', 'cm', 'ra', 'rm'];

// Rows for project-bound routes: what each role of THIS project gets.  Strangers always get
// 'N'.  Rows whose value is a word are account-level classes (see expected()).
const MATRIX = {
	'GET /healthz': 'public',
	'POST /api/v1/session': 'public',
	'GET /api/v1/session': 'account',
	'DELETE /api/v1/session': 'account',
	'POST /api/v1/password-reset': 'public',
	'POST /api/v1/password-reset/complete': 'public',
	'POST /api/v1/invitations/accept': 'public',
	'PUT /api/v1/me/password': 'account',
	'POST /api/v1/me/mfa': 'account',
	'POST /api/v1/me/mfa/verify': 'account',
	'DELETE /api/v1/me/mfa': 'account',
	'POST /api/v1/projects': 'firm',
	'GET /api/v1/projects': 'account',
	'GET /api/v1/inbox': 'account',
	'GET /api/v1/projects/{}': 'YYYYYY',
	'POST /api/v1/projects/{}/access': 'YYYYYY',
	'PATCH /api/v1/projects/{}': 'YFFFFF',
	'POST /api/v1/projects/{}/access-code': 'YFFFFF',
	'POST /api/v1/projects/{}/complete': 'YFFFFF',
	'GET /api/v1/projects/{}/members': 'YYYYYY',
	'POST /api/v1/projects/{}/members': 'YFYFYF',
	'DELETE /api/v1/projects/{}/members/{}': 'YFYFYF',
	'POST /api/v1/projects/{}/members/{}/unlock': 'YFFFFF',
	'POST /api/v1/projects/{}/confirmations': 'YYYYFF',
	'GET /api/v1/projects/{}/confirmations': 'YYYYYY',
	'GET /api/v1/confirmations/{}': 'YYYYYY',
	'PATCH /api/v1/confirmations/{}': 'YYYYFF',
	'POST /api/v1/confirmations/{}/submit': 'YYYYFF',
	'POST /api/v1/confirmations/{}/authorize': 'FFYFFF',
	'POST /api/v1/confirmations/{}/return': 'FFYFFF',
	'POST /api/v1/confirmations/{}/refuse': 'FFYFFF',
	'POST /api/v1/confirmations/{}/address-check': 'YYFFFF',
	'POST /api/v1/confirmations/{}/send': 'YFFFFF',
	'POST /api/v1/confirmations/{}/respondent-code': 'YFFFFF',
	'POST /api/v1/confirmations/{}/response': 'FFFFYY',
	'POST /api/v1/confirmations/{}/response/approve': 'FFFFYF',
	'POST /api/v1/confirmations/{}/response/return': 'FFFFYF',
	'POST /api/v1/confirmations/{}/decline': 'FFFFYY',
	'POST /api/v1/confirmations/{}/review': 'YYFFFF',
	'POST /api/v1/confirmations/{}/resolve': 'YYFFFF',
	'POST /api/v1/confirmations/{}/ask-again': 'YYFFFF',
	'POST /api/v1/confirmations/{}/close': 'YYFFFF',
	'POST /api/v1/confirmations/{}/remind': 'YYFFFF',
	'POST /api/v1/confirmations/{}/cancel': 'YFFFFF',
	'POST /api/v1/confirmations/{}/share': 'YYFFFF',
	'GET /api/v1/operator/firms': 'operator',
	'GET /api/v1/operator/users': 'operator',
	'POST /api/v1/operator/users/{}/lock': 'operator',
	'POST /api/v1/operator/users/{}/unlock': 'operator',
	// documents
	'POST /api/v1/projects/{}/documents': 'YYYYNN',
	'GET /api/v1/projects/{}/documents': 'YYYYNN',
	'POST /api/v1/confirmations/{}/documents': 'YYYYYY',
	'GET /api/v1/confirmations/{}/documents': 'YYYYYY',
	'GET /api/v1/documents/{}': 'YYYYYY',
	// records
	'GET /api/v1/confirmations/{}/comments': 'YYYYYY',
	'POST /api/v1/confirmations/{}/comments': 'YYYYYY',
	'GET /api/v1/confirmations/{}/history': 'YYFFFF',
	'GET /api/v1/confirmations/{}/receipt': 'YYFFYY',
	'GET /api/v1/verify/{}': 'public',
	'GET /api/v1/projects/{}/export.csv': 'YYYYFF',
	'GET /api/v1/projects/{}/export.xml': 'YYYYFF',
	'POST /api/v1/projects/{}/confirmations/import': 'YYYYFF',
	'GET /api/v1/projects/{}/audit-log': 'YFFFFF',
	'GET /api/v1/import-templates/{}': 'public',
	// notifications
	'PATCH /api/v1/projects/{}/reminders': 'YFFFFF',
	'PUT /api/v1/projects/{}/reminders': 'YFFFFF',
	'POST /api/v1/confirmations/{}/addressee': 'YFFFFF',
	'GET /api/v1/projects/{}/reminders': 'YYYYYY',
	// operations
	'GET /metrics': 'public',
	// the HTML pages (same policy actions as the API; anonymous gets a redirect to sign-in)
	'GET /': 'public',
	'GET /lang/{}': 'public',
	'GET /login': 'public',
	'POST /login': 'public',
	'POST /logout': 'account',
	'GET /projects': 'account',
	'POST /projects': 'firm',
	'GET /projects/{}': 'YYYYYY',
	'GET /projects/{}/access': 'YYYYYY',
	'POST /projects/{}/access': 'YYYYYY',
	'POST /projects/{}/authorize': 'YYYYYY',
	'POST /projects/{}/complete': 'YFFFFF',
	'GET /confirmations/{}': 'YYYYYY',
	'POST /confirmations/{}/submit': 'YYYYFF',
	'POST /confirmations/{}/authorize': 'FFYFFF',
	'POST /confirmations/{}/return': 'FFYFFF',
	'POST /confirmations/{}/refuse': 'FFYFFF',
	'POST /confirmations/{}/address-check': 'YYFFFF',
	'POST /confirmations/{}/send': 'YFFFFF',
	'POST /confirmations/{}/respondent-code': 'YFFFFF',
	'POST /confirmations/{}/approve': 'FFFFYF',
	'POST /confirmations/{}/send-back': 'FFFFYF',
	'POST /confirmations/{}/decline': 'FFFFYY',
	'POST /confirmations/{}/review': 'YYFFFF',
	'POST /confirmations/{}/resolve': 'YYFFFF',
	'POST /confirmations/{}/ask-again': 'YYFFFF',
	'POST /confirmations/{}/close': 'YYFFFF',
	'POST /confirmations/{}/remind': 'YYFFFF',
	'POST /confirmations/{}/cancel': 'YFFFFF',
	'POST /confirmations/{}/share': 'YYFFFF',
};

// Areas built later keep their rows beside their work, in matrix/<area>.mjs
// (`export const rows = { 'GET /x/{}': 'YYYYYY', ... }`); a row written twice is an error.
const matrixDir = new URL('./matrix/', import.meta.url);
for (const f of fs.readdirSync(matrixDir).filter((n) => n.endsWith('.mjs')).sort()) {
	const { rows } = await import(new URL(f, matrixDir));
	for (const [k, v] of Object.entries(rows)) {
		if (k in MATRIX) throw new Error(`matrix row ${k} written twice (matrix/${f})`);
		MATRIX[k] = v;
	}
}

function routes() {
	const bin = `${process.env.BGW_BUILD_DIR}/cgi/bgw-fcgi`;
	const r = spawnSync(bin, ['--routes'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

let w;

before(async () => {
	const e = await engagement();
	// A client's file added to the draft, for the document-side case below.
	let clientDoc;
	const a = await sendToRespondent(e, undefined, async (draft) => {
		clientDoc = await upload(e.cm, draft.id, 'client.pdf');
	});
	e.ra = a.ra;
	e.rm = await respondentMember(e, a.ra);
	e.conf = a.conf;
	// Another organisation's respondent in the same project.
	const b = await sendToRespondent(e);
	e.otherOrg = b.ra;
	e.respondentCode = a.code;
	e.otherOrgCode = b.code;
	// The respondent admin's organisation, for the organisation routes (matrix/orgs.mjs).
	e.bankOrg = (await a.ra.request('GET', '/api/v1/org')).json().organization_id;
	// The same six roles in another firm's project.
	const o = await engagement();
	const oa = await sendToRespondent(o);
	o.ra = oa.ra;
	o.rm = await respondentMember(o, oa.ra);
	// An operator with MFA.
	const email = `operator.${crypto.randomBytes(4).toString('hex')}@example.test`;
	const link = admin('operator-create', '--email', email).trim();
	const { password } = await accept(new URL(link).searchParams.get('token'));
	const op = await signIn(email, password);
	const { secret } = (await op.request('POST', '/api/v1/me/mfa')).json();
	const step = Math.floor(Date.now() / 30000);
	await op.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
	const operator = await signIn(email, password, { otp: totp(secret, step + 1) });
	// A document on the confirmation, for the document routes.
	const doc = await upload(e.aa, e.conf.id, 'a.pdf');
	// And one of each side for the document-side case.
	const sides = { audit: doc, client: clientDoc, respondent: await upload(e.ra, e.conf.id, 'b.pdf') };
	w = { e, o, operator, doc, sides };
});

/** Upload a small PDF to a confirmation as c; resolves with the document's id. */
async function upload(c, cid, name) {
	const boundary = 'bgwaccess0123456789';
	const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n`
		+ `Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--${boundary}--\r\n`);
	const up = await c.request('POST', `/api/v1/confirmations/${cid}/documents`,
		{ body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
	assert.equal(up.status, 201, up.body);
	return up.json().id;
}

function fill(pattern) {
	const { e, doc } = w;
	const params = /^(\/api\/v1)?\/projects\//.test(pattern) ? [e.project.id, e.cm.user.id]
		: /^(\/api\/v1)?\/orgs\//.test(pattern) ? [e.bankOrg, e.rm.user.id]
		: /^(\/api\/v1)?\/confirmations\//.test(pattern) ? [e.conf.id]
			: pattern.startsWith('/lang/') ? ['en']
			: pattern.startsWith('/api/v1/documents/') ? [doc]
				: pattern.startsWith('/api/v1/verify/') ? [e.conf.reference]
					: pattern.startsWith('/api/v1/operator/users/') ? [e.cm.user.id]
						: pattern.startsWith('/api/v1/import-templates/') ? ['confirmations-template.csv']
							: pattern.startsWith('/unsubscribe/') ? [unsubscribeToken(e.cm.user.id)]
								: [];
	let i = 0;
	return pattern.replace(/\{\}/g, () => params[i++]);
}

// What actor gets for a row.
function expected(row, actor) {
	if (row === 'public') return 'Y';
	if (actor === 'anon') return 'U';
	if (row === 'account') return 'Y';
	if (row === 'operator') return actor === 'operator' ? 'Y' : 'N';
	if (row === 'firm') return ['aa', 'am', 'o.aa', 'o.am'].includes(actor) ? 'Y' : 'F';
	// respondent users of any organisation (matrix/bulk-answer.mjs); everyone else: hidden
	if (row === 'respondent') return ['ra', 'rm', 'o.ra', 'o.rm', 'otherOrg'].includes(actor) ? 'Y' : 'N';
	if (actor === 'operator' || actor.startsWith('o.')) return 'N';
	return row[ROLES.indexOf(actor)];
}

function judge(want, res, page) {
	switch (want) {
	case 'Y': return ![401, 403, 404].includes(res.status) && res.status < 500;
	case 'F': return res.status === 403;
	case 'N': return res.status === 404;
	case 'U': return res.status === 401 || (page && res.status === 303);
	default: return true;
	}
}

test('every route has a row in the access matrix', () => {
	const missing = routes().map((r) => `${r.method} ${r.pattern}`).filter((k) => !(k in MATRIX));
	assert.deepEqual(missing, [], `routes without a matrix row: ${missing.join(', ')}`);
});

test('every route answers every actor as the matrix says', async () => {
	const { e, o, operator } = w;
	const actors = { anon: null, ...Object.fromEntries(ROLES.map((r) => [r, e[r]])),
		...Object.fromEntries(ROLES.map((r) => [`o.${r}`, o[r]])), otherOrg: e.otherOrg, operator };
	const failures = [];
	for (const rt of routes()) {
		const key = `${rt.method} ${rt.pattern}`;
		const row = MATRIX[key];
		if (row === undefined) continue;
		const path = fill(rt.pattern);
		const page = !rt.pattern.startsWith('/api/') && rt.pattern !== '/healthz' && rt.pattern !== '/metrics';
		for (const [name, client] of Object.entries(actors)) {
			let want = expected(row, name);
			// A respondent of another organisation sees the project but not this confirmation
			// nor its documents.
			if (name === 'otherOrg') {
				const projectLevel = /^(\/api\/v1)?\/projects\//.test(rt.pattern);
				want = projectLevel ? row[ROLES.indexOf('ra')] : 'N';
				if (!/^[YFN]{6}$/.test(row)) want = expected(row, 'ra');
			}
			const unsafe = !['GET', 'HEAD'].includes(rt.method);
			const opts = unsafe ? { body: 'x', headers: { 'content-type': 'text/plain' } } : {};
			const res = client ? await client.request(rt.method, path, opts) : await request(rt.method, path, opts);
			if (!judge(want, res, page))
				failures.push(`${key} as ${name}: want ${want}, got ${res.status} ${res.body.slice(0, 120)}`);
		}
	}
	assert.deepEqual(failures, []);
});

// Documents belong to a side (docs/api.md): on the world's sent confirmation, who lists and
// downloads each side's file ('Y' listed and 200, 'N' not listed and 404), unshared and
// shared; and who may still upload ('S': 409 invalid_state, the client once it is sent).
const DOC_SIDES = {
	unshared: { audit: 'YYYYYY', client: 'YYYYNN', respondent: 'YYNNYY' },
	shared: { audit: 'YYYYYY', client: 'YYYYNN', respondent: 'YYYYYY' },
};
const UPLOAD_AFTER_SENDING = 'YYSSYY';

test('documents belong to a side: each role lists, downloads and uploads as the side rule says', async () => {
	const { e, o, sides } = w;
	const cid = e.conf.id;
	const failures = [];
	const look = async (view) => {
		for (const [i, role] of ROLES.entries()) {
			const list = await e[role].request('GET', `/api/v1/confirmations/${cid}/documents`);
			const ids = list.status === 200 ? list.json().items.map((d) => d.id) : [];
			for (const [side, id] of Object.entries(sides)) {
				const want = DOC_SIDES[view][side][i];
				const got = (await e[role].request('GET', `/api/v1/documents/${id}`)).status;
				if ((want === 'Y') !== ids.includes(id) || got !== (want === 'Y' ? 200 : 404))
					failures.push(`${view} ${side} file as ${role}: want ${want}, listed ${ids.includes(id)}, download ${got}`);
			}
		}
		// Outsiders: another organisation's respondent, the other project's audit admin.
		for (const [name, c] of [['otherOrg', e.otherOrg], ['o.aa', o.aa]])
			for (const [side, id] of Object.entries(sides)) {
				const got = (await c.request('GET', `/api/v1/documents/${id}`)).status;
				if (got !== 404) failures.push(`${view} ${side} file as ${name}: want 404, got ${got}`);
			}
	};
	await look('unshared');
	const share = (on) => e.am.request('POST', `/api/v1/confirmations/${cid}/share`, { body: { with_client: on } });
	assert.equal((await share(true)).status, 200);
	try {
		await look('shared');
	} finally {
		assert.equal((await share(false)).status, 200);
	}
	for (const [i, role] of ROLES.entries()) {
		const boundary = 'bgwaccessside';
		const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.pdf"\r\n`
			+ `Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--${boundary}--\r\n`);
		const res = await e[role].request('POST', `/api/v1/confirmations/${cid}/documents`,
			{ body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
		const want = UPLOAD_AFTER_SENDING[i] === 'Y' ? 201 : 409;
		if (res.status !== want || (want === 409 && res.json().error.code !== 'invalid_state'))
			failures.push(`upload after sending as ${role}: want ${want}, got ${res.status} ${res.body.slice(0, 80)}`);
	}
	assert.deepEqual(failures, []);
});

// First-access codes per side (lane h2): each role of the project is let in by its own
// side's code only.  The audit and client roles hold the project's code; each respondent
// organisation its own.  A wrong try counts, and the right code after it resets the count.
test("every role's first-access code is its side's: another side's code is wrong_code", async () => {
	const { e, o } = w;
	const pid = e.project.id;
	const own = { aa: e.code, am: e.code, ca: e.code, cm: e.code, ra: e.respondentCode,
		rm: e.respondentCode, otherOrg: e.otherOrgCode };
	const others = { aa: [e.respondentCode], am: [e.respondentCode], ca: [e.respondentCode],
		cm: [e.respondentCode], ra: [e.code, e.otherOrgCode], rm: [e.code, e.otherOrgCode],
		otherOrg: [e.code, e.respondentCode] };
	const failures = [];
	for (const [name, code] of Object.entries(own)) {
		const c = name === 'otherOrg' ? e.otherOrg : e[name];
		for (const wrong of [...others[name], o.code]) {
			const r = await c.request('POST', `/api/v1/projects/${pid}/access`, { body: { code: wrong } });
			if (r.status !== 422 || r.json().error.code !== 'wrong_code')
				failures.push(`${name} with another side's code: ${r.status} ${r.body.slice(0, 80)}`);
		}
		const r = await c.request('POST', `/api/v1/projects/${pid}/access`, { body: { code } });
		if (r.status !== 204) failures.push(`${name} with its own code: ${r.status} ${r.body.slice(0, 80)}`);
	}
	assert.deepEqual(failures, []);
});
