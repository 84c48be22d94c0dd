// route-table.test.mjs: the route table is the whole truth (issue 19 item 4).  Every row
// states its transaction mode and its target kind (bgw-fcgi --routes), the router enforces
// them: a multipart form's CSRF token is checked by the router before the handler reads
// the body (a refused upload never reaches the scanner: no doc.infected, nothing stored), a
// public route's transaction rolls back when it answers an error, sign-in records its
// failures though it answers 401, and a failed upload's record survives the rollback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { request, freshSource } from './lib/stack.mjs';
import { newFirm, newPassword, sql, tokenFromMail } from './lib/world.mjs';
import { engagement, createConfirmation, confirmationBody } from './lib/engagement.mjs';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const CSV = 'group,type,form,respondent_organization,respondent_email,respondent_name,as_of,due_date,label,reference,currency,amount\r\n'
	+ '1,bank,positive,みなと銀行 本店,route-import@example.test,残高確認ご担当者,2026-03-31,2026-04-30,普通預金,001,JPY,1250000\r\n';

function routes() {
	const r = spawnSync(`${process.env.BGW_BUILD_DIR}/cgi/bgw-fcgi`, ['--routes'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

/** A browser-like multipart body: the parts in order, a file part as {name, filename, data}. */
function multipart(parts) {
	const boundary = `----bgwroute${crypto.randomBytes(8).toString('hex')}`;
	const chunks = [];
	for (const p of parts) {
		const file = p.filename !== undefined ? `; filename="${p.filename}"\r\nContent-Type: text/plain` : '';
		chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}\r\n\r\n`));
		chunks.push(Buffer.from(p.data));
		chunks.push(Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** POST a multipart form as a browser's form does: the session cookie, no X-CSRF-Token. */
function postForm(c, path, parts) {
	const m = multipart(parts);
	return request('POST', path, { source: c.source, cookies: c.jar, body: m.body, headers: m.headers, timeout: 120000 });
}

const count = (q) => Number(sql(q));

test('every route states its transaction mode and target kind, and the router needs no other truth', () => {
	const all = routes();
	const problems = [];
	for (const r of all) {
		const key = `${r.method} ${r.pattern}`;
		if (!['none', 'read', 'write', 'keep_on_error'].includes(r.tx)) problems.push(`${key}: tx ${r.tx}`);
		// The target is the policy's kind for the action; document lists and uploads hang off
		// the object their path names first.
		const want = ['doc.upload', 'doc.list'].includes(r.action)
			? (/^(\/api\/v1)?\/confirmations\/\{\}/.test(r.pattern) ? 'confirmation' : 'project')
			: r.policy_target;
		if (r.target !== want) problems.push(`${key}: target ${r.target}, want ${want}`);
		if (r.target !== 'none' && !r.pattern.includes('{}')) problems.push(`${key}: a target without a path parameter`);
		// Every unsafe request of a signed-in user carries the session's token, multipart
		// forms included; a read-only route never writes.
		if (r.auth !== 'public' && !['GET', 'HEAD'].includes(r.method) && !r.csrf) problems.push(`${key}: no CSRF check`);
		if (r.tx === 'read' && (r.method !== 'GET' || r.auth === 'public')) problems.push(`${key}: tx read`);
		if (r.auth !== 'public' && r.tx === 'none') problems.push(`${key}: signed in without the session's round trip`);
	}
	assert.deepEqual(problems, []);
	const tx = Object.fromEntries(all.map((r) => [`${r.method} ${r.pattern}`, r.tx]));
	assert.equal(tx['GET /api/v1/projects/{}/confirmations'], 'read');
	assert.equal(tx['POST /api/v1/projects/{}/access'], 'keep_on_error');
	assert.equal(tx['POST /projects/{}/access'], 'keep_on_error');
	assert.equal(tx['POST /api/v1/password-reset/complete'], 'write');
	assert.equal(tx['POST /api/v1/session'], 'none');
	const body = Object.fromEntries(all.map((r) => [`${r.method} ${r.pattern}`, r.body]));
	assert.equal(body['POST /confirmations/{}/documents'], 'multipart');
	assert.equal(body['POST /projects/{}/import'], 'multipart');
});

test('a page upload without the form\'s CSRF token is refused by the router before the file is read', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody('route-upload@example.test'));
	const path = `/confirmations/${conf.id}/documents`;
	const infected = () => count(`SELECT count(*) FROM bgw.audit_events WHERE project_id = '${e.project.id}' AND action = 'doc.infected'`);
	const docs = () => count(`SELECT count(*) FROM bgw.documents WHERE project_id = '${e.project.id}'`);
	const file = { name: 'file', filename: 'eicar.txt', data: EICAR };
	for (const [why, parts] of [
		['no token', [file]],
		['a wrong token', [{ name: 'csrf_token', data: 'x'.repeat(43) }, file]],
		['the token after the file', [file, { name: 'csrf_token', data: e.aa.csrf }]],
	]) {
		const res = await postForm(e.aa, path, parts);
		assert.equal(res.status, 403, `${why}: ${res.status} ${res.body.slice(0, 200)}`);
	}
	// The header is the API's: a page's multipart form carries its own token.
	const m = multipart([file]);
	const withHeader = await e.aa.request('POST', path, { body: m.body, headers: m.headers, timeout: 120000 });
	assert.equal(withHeader.status, 403);
	// Had any of them reached the handler, clamd would have refused EICAR and the refusal
	// would be on record.
	assert.equal(infected(), 0);
	assert.equal(docs(), 0);
	// The right token in the form: the router hands the handler the whole body, the bytes it
	// read for the token included; the scanner refuses the file and the refusal stays on
	// record though the page answers an error (a kept event).
	const refused = await postForm(e.aa, path, [{ name: 'csrf_token', data: e.aa.csrf }, file]);
	assert.equal(refused.status, 422, refused.body.slice(0, 200));
	assert.equal(infected(), 1);
	const stored = await postForm(e.aa, path, [{ name: 'csrf_token', data: e.aa.csrf },
		{ name: 'file', filename: 'note.txt', data: 'A note for the file.\n'.repeat(4000) }]);
	assert.equal(stored.status, 303, stored.body.slice(0, 200));
	assert.equal(docs(), 1);
	assert.equal(sql(`SELECT size FROM bgw.documents WHERE project_id = '${e.project.id}'`), String(21 * 4000));
});

test('the API upload\'s refused file is on record though its transaction rolls back', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody('route-api@example.test'));
	const m = multipart([{ name: 'file', filename: 'eicar.txt', data: EICAR }]);
	const res = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/documents`, { body: m.body, headers: m.headers, timeout: 120000 });
	assert.equal(res.status, 422, res.body);
	assert.equal(res.json().error.code, 'infected');
	assert.equal(sql(`SELECT count(*) || '|' || min(actor_id::text) FROM bgw.audit_events WHERE project_id = '${e.project.id}' AND action = 'doc.infected'`),
		`1|${e.aa.user.id}`);
	assert.equal(count(`SELECT count(*) FROM bgw.documents WHERE project_id = '${e.project.id}'`), 0);
});

test('a page import checks the form\'s token in the router: refused without it, imported with it', async () => {
	const e = await engagement();
	const path = `/projects/${e.project.id}/import`;
	const confs = () => count(`SELECT count(*) FROM bgw.confirmations WHERE project_id = '${e.project.id}'`);
	const file = { name: 'file', filename: 'import.csv', data: CSV };
	assert.equal((await postForm(e.aa, path, [{ name: 'csrf_token', data: 'y'.repeat(43) }, file])).status, 403);
	assert.equal(confs(), 0);
	const ok = await postForm(e.aa, path, [{ name: 'csrf_token', data: e.aa.csrf }, file]);
	assert.equal(ok.status, 303, ok.body.slice(0, 300));
	assert.equal(confs(), 1);
});

test('a public route\'s transaction rolls back on an error: a reset link refused a weak password still works', async () => {
	const a = await newFirm();
	await request('POST', '/api/v1/password-reset', { source: freshSource(), body: { email: a.email } });
	const token = await tokenFromMail(a.email, '/password-reset');
	// The token is claimed, then the password refused: both or neither.
	const weak = await request('POST', '/api/v1/password-reset/complete', { source: freshSource(), body: { token, password: 'short' } });
	assert.equal(weak.status, 422, weak.body);
	assert.ok(weak.body.includes('password'), weak.body);
	const done = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: newPassword('reset') } });
	assert.equal(done.status, 204, done.body);
});

test('sign-in has no transaction: a wrong password is recorded though the answer is 401, a right one too', async () => {
	const a = await newFirm();
	const events = (action) => count(`SELECT count(*) FROM bgw.audit_events WHERE actor_id = '${a.user.id}' AND action = '${action}'`);
	const before = events('session.login');
	const wrong = await request('POST', '/api/v1/session', { source: freshSource(), body: { email: a.email, password: 'not the password at all' } });
	assert.equal(wrong.status, 401);
	assert.equal(events('session.login_failed'), 1);
	const right = await request('POST', '/api/v1/session', { source: freshSource(), body: { email: a.email, password: a.password } });
	assert.equal(right.status, 200, right.body);
	assert.equal(events('session.login'), before + 1);
});
