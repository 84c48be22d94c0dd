// A POST with an Idempotency-Key runs once per user and key: a retry (after a 502, or a
// double click) gets the first answer again and creates nothing twice.  Answers are kept
// 24 hours and go with their project's purge; an answer that carries a secret (a
// first-access code, an MFA secret, recovery codes) is never kept: its repeat is 409.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { newFirm, newProject, sql, admin, totp } from './lib/world.mjs';
import { confirmationBody, engagement, createConfirmation, act } from './lib/engagement.mjs';
import { runOnceSync } from './lib/notify.mjs';

const body = { name: 'Idempotent audit', client_name: '冪等商事', period_end: '2026-03-31' };

async function projectCount(c) {
	return (await c.request('GET', '/api/v1/projects')).json().total;
}

async function confirmationCount(c, pid) {
	return (await c.request('GET', `/api/v1/projects/${pid}/confirmations`)).json().total;
}

function postConfirmation(c, pid, key) {
	return c.request('POST', `/api/v1/projects/${pid}/confirmations`, {
		body: confirmationBody('idem@example.test'), headers: { 'Idempotency-Key': key } });
}

const stored = (key) => sql(`SELECT count(*) FROM bgw.idempotency_keys WHERE key = '${key}'`);
const storedBodies = (key) => sql(
	`SELECT count(*) FROM bgw.idempotency_keys WHERE key = '${key}' AND body IS NOT NULL`);

test('the same key twice: one confirmation, the same answer replayed', async () => {
	const a = await newFirm();
	const p = await newProject(a);
	const key = crypto.randomUUID();
	const first = await postConfirmation(a, p.id, key);
	const again = await postConfirmation(a, p.id, key);
	assert.equal(first.status, 201, first.body);
	assert.equal(again.status, 201);
	assert.equal(again.json().confirmation.id, first.json().confirmation.id);
	assert.equal(again.headers['idempotent-replayed'], 'true');
	assert.equal(await confirmationCount(a, p.id), 1);
	// Without a key, or with another key, the request runs again.
	await postConfirmation(a, p.id, crypto.randomUUID());
	assert.equal(await confirmationCount(a, p.id), 2);
});

test('two concurrent requests with one key create one confirmation', async () => {
	const a = await newFirm();
	const p = await newProject(a);
	const key = crypto.randomUUID();
	const [x, y] = await Promise.all([postConfirmation(a, p.id, key), postConfirmation(a, p.id, key)]);
	assert.equal(x.status, 201);
	assert.equal(y.status, 201);
	assert.equal(x.json().confirmation.id, y.json().confirmation.id);
	assert.equal(await confirmationCount(a, p.id), 1);
});

test('an answer with a secret is never kept: a repeated key is 409 and runs nothing twice', async () => {
	const a = await newFirm();
	const key = crypto.randomUUID();
	const headers = { 'Idempotency-Key': key };
	const first = await a.request('POST', '/api/v1/projects', { body, headers });
	assert.equal(first.status, 201);
	assert.match(first.json().project.first_access_code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
	assert.equal(stored(key), '1', 'the key is recorded, so a repeat cannot run again');
	assert.equal(storedBodies(key), '0', 'the answer with the first-access code is not stored');
	const code = first.json().project.first_access_code.replace(/-/g, '');
	assert.equal(sql(`SELECT count(*) FROM bgw.idempotency_keys WHERE body LIKE '%${code.slice(0, 4)}-${code.slice(4, 8)}%'`), '0');
	const [again, also] = await Promise.all([
		a.request('POST', '/api/v1/projects', { body, headers }),
		a.request('POST', '/api/v1/projects', { body, headers })]);
	for (const r of [again, also]) {
		assert.equal(r.status, 409, r.body);
		assert.equal(r.json().error.code, 'idempotency_key_used');
		assert.doesNotMatch(r.body, /first_access_code/);
	}
	assert.equal(await projectCount(a), 1);

	// A new access code, the MFA secret and the recovery codes: none is kept.
	const pid = first.json().project.id;
	const regen = crypto.randomUUID();
	const rc = await a.request('POST', `/api/v1/projects/${pid}/access-code`, { headers: { 'Idempotency-Key': regen } });
	assert.equal(rc.status, 200, rc.body);
	assert.equal(storedBodies(regen), '0');
	const again2 = await a.request('POST', `/api/v1/projects/${pid}/access-code`, { headers: { 'Idempotency-Key': regen } });
	assert.equal(again2.status, 409);
	const begin = crypto.randomUUID();
	const mfa = await a.request('POST', '/api/v1/me/mfa', { headers: { 'Idempotency-Key': begin } });
	assert.equal(mfa.status, 200, mfa.body);
	assert.equal(storedBodies(begin), '0');
	const verify = crypto.randomUUID();
	const v = await a.request('POST', '/api/v1/me/mfa/verify', {
		body: { otp: totp(mfa.json().secret) }, headers: { 'Idempotency-Key': verify } });
	assert.equal(v.status, 200, v.body);
	assert.ok(v.json().recovery_codes.length > 0);
	assert.equal(storedBodies(verify), '0');
});

test('the route table marks every route whose answer carries a secret', () => {
	const r = spawnSync(`${process.env.BGW_BUILD_DIR}/cgi/bgw-fcgi`, ['--routes'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	const secret = new Set(r.stdout.trim().split('\n').map((l) => JSON.parse(l))
		.filter((x) => x.secret_answer).map((x) => `${x.method} ${x.pattern}`));
	for (const want of ['POST /api/v1/projects', 'POST /api/v1/projects/{}/access-code',
		'POST /api/v1/me/mfa', 'POST /api/v1/me/mfa/verify', 'POST /api/v1/confirmations/{}/send',
		'POST /projects', 'POST /projects/{}/access-code', 'POST /me/mfa', 'POST /me/mfa/verify',
		'POST /confirmations/{}/send']) assert.ok(secret.has(want), want);
});

test('sending a confirmation with a key keeps no answer; a repeat is 409, not a second mail', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody('idem-send@example.test'));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	await act(e.aa, conf.id, 'address-check', { method: 'phone', note: '代表番号に架電' }, 201);
	const key = crypto.randomUUID();
	const body = { code_channel: 'phone' };
	const sent = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/send`, { body, headers: { 'Idempotency-Key': key } });
	assert.equal(sent.status, 200, sent.body);
	assert.match(sent.json().respondent_code ?? '', /./, 'the answer carries the respondent code');
	assert.equal(storedBodies(key), '0');
	const again = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/send`, { body, headers: { 'Idempotency-Key': key } });
	assert.equal(again.status, 409);
	assert.equal(again.json().error.code, 'idempotency_key_used');
});

test('an answer older than 24 hours is not replayed, and the batch job deletes it', async () => {
	const a = await newFirm();
	const p = await newProject(a);
	const key = crypto.randomUUID();
	const first = await postConfirmation(a, p.id, key);
	assert.equal(first.status, 201);
	sql(`UPDATE bgw.idempotency_keys SET created_at = now() - interval '24 hours 1 minute' WHERE key = '${key}'`);
	const again = await postConfirmation(a, p.id, key);
	assert.equal(again.status, 201, again.body);
	assert.equal(again.headers['idempotent-replayed'], undefined, 'an expired answer is not replayed');
	assert.notEqual(again.json().confirmation.id, first.json().confirmation.id, 'the request ran as new');
	assert.equal(await confirmationCount(a, p.id), 2);
	// The new answer is kept (and replayed) from now on.
	const third = await postConfirmation(a, p.id, key);
	assert.equal(third.json().confirmation.id, again.json().confirmation.id);

	const old = crypto.randomUUID();
	assert.equal((await postConfirmation(a, p.id, old)).status, 201);
	sql(`UPDATE bgw.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = '${old}'`);
	const r = runOnceSync(new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
	assert.equal(r.status, 0, r.stderr);
	assert.equal(stored(old), '0', 'the batch job deleted the expired answer');
	assert.equal(stored(key), '1', 'a fresh answer stays');
});

test('purging a project deletes its kept answers', async () => {
	const a = await newFirm();
	const p = await newProject(a);
	const keys = [crypto.randomUUID(), crypto.randomUUID()];
	assert.equal((await postConfirmation(a, p.id, keys[0])).status, 201);
	const patch = await a.request('PATCH', `/api/v1/projects/${p.id}`, {
		body: { retention_days: 365 }, headers: { 'Idempotency-Key': keys[1] } });
	assert.equal(patch.status, 200, patch.body);
	for (const k of keys) assert.equal(storedBodies(k), '1');
	const done = await a.request('POST', `/api/v1/projects/${p.id}/complete`);
	assert.equal(done.status, 200, done.body);
	sql(`UPDATE bgw.projects SET completed_at = now() - interval '400 days' WHERE id = '${p.id}'`);
	admin('purge');
	assert.equal(sql(`SELECT status FROM bgw.projects WHERE id = '${p.id}'`), 'purged');
	for (const k of keys) assert.equal(stored(k), '0', 'the purge deleted the answer');
});

test('a key is per user, bound to its request, and well formed', async () => {
	const a = await newFirm();
	const b = await newFirm();
	const key = crypto.randomUUID();
	const pa = await a.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': key } });
	const pb = await b.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': key } });
	assert.notEqual(pa.json().project.id, pb.json().project.id, 'another user\'s key is not shared');
	const other = await a.request('POST', `/api/v1/projects/${pa.json().project.id}/access-code`,
		{ headers: { 'Idempotency-Key': key } });
	assert.equal(other.status, 422);
	const bad = await a.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': 'x y' } });
	assert.equal(bad.status, 400);
});
