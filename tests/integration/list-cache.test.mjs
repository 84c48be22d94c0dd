// The confirmation list is answered from a worker's memory while its project's list version
// has not moved (lib/http/pagecache.c, migration 0015).  These tests warm every worker's cache
// with a page, change what the page shows (or who may see it) in every way there is, and
// require every later answer to show the change: a stale page from any worker fails them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { sql, uniqueEmail } from './lib/world.mjs';
import {
	engagement, createConfirmation, confirmationBody, act, sendToRespondent,
} from './lib/engagement.mjs';

// More requests than the pool has workers, so that each worker is likely to have answered
// (and kept) the page before the change, and to answer again after it.
const ROUNDS = 12;

const listPath = (e, query = '') => `/api/v1/projects/${e.project.id}/confirmations${query}`;

/** The list as `c` sees it, ROUNDS times; every answer must be 200 and the same text.
 * Resolves with the parsed list. */
async function listEverywhere(c, path) {
	let first;
	for (let i = 0; i < ROUNDS; i++) {
		const res = await c.request('GET', path);
		assert.equal(res.status, 200, res.body);
		assert.equal(res.headers['cache-control'], 'no-store');
		if (first === undefined) first = res.body;
		assert.equal(res.body, first, `answer ${i + 1} of ${ROUNDS} differs from the first`);
	}
	return JSON.parse(first);
}

/** ROUNDS answers to `c`, each with the wanted status. */
async function statusEverywhere(c, path, want) {
	for (let i = 0; i < ROUNDS; i++) {
		const res = await c.request('GET', path);
		assert.equal(res.status, want, `answer ${i + 1} of ${ROUNDS}: ${res.status} ${res.body}`);
	}
}

test('a kept page is the same text as the first answer, and a change to a confirmation shows at once', async () => {
	const e = await engagement();
	const a = await createConfirmation(e.am, e.project.id, confirmationBody(uniqueEmail('bank')));
	let list = await listEverywhere(e.am, listPath(e));
	assert.equal(list.total, 1);
	assert.equal(list.items[0].due_date, '2026-04-30');

	// An edit of a draft.
	const patched = await e.am.request('PATCH', `/api/v1/confirmations/${a.id}`, { body: { due_date: '2026-05-29' } });
	assert.equal(patched.status, 200, patched.body);
	list = await listEverywhere(e.am, listPath(e));
	assert.equal(list.items[0].due_date, '2026-05-29');

	// A state change.
	await act(e.am, a.id, 'submit');
	list = await listEverywhere(e.am, listPath(e));
	assert.equal(list.items[0].status, 'awaiting_client');

	// A new confirmation: a new row and a new total, also on a filtered page kept before.
	let drafts = await listEverywhere(e.am, listPath(e, '?status=draft'));
	assert.equal(drafts.total, 0);
	const b = await createConfirmation(e.am, e.project.id, confirmationBody(uniqueEmail('bank')));
	list = await listEverywhere(e.am, listPath(e));
	assert.deepEqual(list.items.map((i) => i.id), [a.id, b.id]);
	assert.equal(list.total, 2);
	drafts = await listEverywhere(e.am, listPath(e, '?status=draft'));
	assert.deepEqual(drafts.items.map((i) => i.id), [b.id]);

	// The client side sees the same rows; its pages are its own but must agree.
	assert.deepEqual(await listEverywhere(e.cm, listPath(e)), list);
});

test('a renamed respondent organisation shows in the list at once', async () => {
	const e = await engagement();
	const a = await createConfirmation(e.am, e.project.id, confirmationBody(uniqueEmail('bank')));
	let list = await listEverywhere(e.am, listPath(e));
	const before = list.items[0].respondent.organization;
	const renamed = `${before} (改称 ${Date.now()})`;
	// An operator's correction straight in the database: the list's only column that is not
	// the confirmation's own.
	sql(`UPDATE bgw.organizations SET name = '${renamed}' WHERE id = (SELECT respondent_org_id FROM bgw.confirmations WHERE id = '${a.id}')`);
	list = await listEverywhere(e.am, listPath(e));
	assert.equal(list.items[0].respondent.organization, renamed);
});

test('a removed member, a signed-out session and a completed project are refused at once despite a kept page', async () => {
	const e = await engagement();
	await createConfirmation(e.am, e.project.id, confirmationBody(uniqueEmail('bank')));
	await listEverywhere(e.cm, listPath(e));
	await listEverywhere(e.am, listPath(e));
	await listEverywhere(e.ca, listPath(e));

	// Removed from the project: 404, as for any project one is not a member of.
	const removed = await e.ca.request('DELETE', `/api/v1/projects/${e.project.id}/members/${e.cm.user.id}`);
	assert.equal(removed.status, 204, removed.body);
	await statusEverywhere(e.cm, listPath(e), 404);

	// Signed out: the cookie no longer names a session.
	const out = await e.am.request('DELETE', '/api/v1/session');
	assert.equal(out.status, 204, out.body);
	await statusEverywhere(e.am, listPath(e), 401);

	// Completed: what the client may still see is decided again, not read from its page.
	const before = await e.ca.request('GET', listPath(e));
	const done = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/complete`);
	assert.equal(done.status, 200, done.body);
	const after = await e.ca.request('GET', listPath(e));
	assert.notEqual(after.body, before.body, 'the client was answered its page from before completion');
	for (let i = 0; i < ROUNDS; i++) {
		const res = await e.ca.request('GET', listPath(e));
		assert.equal(res.status, after.status);
		assert.equal(res.body, after.body);
	}
});

test('a respondent sees only what was sent to its organisation, and a newly sent one at once', async () => {
	const e = await engagement();
	const email = uniqueEmail('bank');
	const { conf: first, ra } = await sendToRespondent(e, email);
	// Another confirmation to the same address (so the same organisation), still a draft:
	// not the respondent's yet.
	const second = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	let list = await listEverywhere(ra, listPath(e));
	assert.deepEqual(list.items.map((i) => i.id), [first.id]);
	assert.equal(list.total, 1);
	// The audit side's kept page of the same project holds both and is not the respondent's.
	const audit = await listEverywhere(e.aa, listPath(e));
	assert.equal(audit.total, 2);

	await act(e.aa, second.id, 'submit');
	await act(e.ca, second.id, 'authorize');
	await act(e.aa, second.id, 'address-check', { method: 'phone', note: '代表番号に架電' }, 201);
	await act(e.aa, second.id, 'send');
	list = await listEverywhere(ra, listPath(e));
	assert.deepEqual(list.items.map((i) => i.id).sort(), [first.id, second.id].sort());
	assert.equal(list.total, 2);
});

test('a client that accepts gzip gets the same list compressed, kept and changed alike; a search and a refusal of gzip get it as it is', async () => {
	const e = await engagement();
	const a = await createConfirmation(e.am, e.project.id, confirmationBody(uniqueEmail('bank')));
	await createConfirmation(e.am, e.project.id, confirmationBody(uniqueEmail('bank')));
	const CHROMIUM = { 'Accept-Encoding': 'gzip, deflate, br, zstd' };
	const compressedEverywhere = async (want) => {
		for (let i = 0; i < ROUNDS; i++) {
			const res = await e.am.request('GET', listPath(e), { headers: CHROMIUM });
			assert.equal(res.status, 200, res.body);
			assert.equal(res.headers['content-encoding'], 'gzip', `answer ${i + 1}`);
			assert.match(res.headers.vary ?? '', /Accept-Encoding/i);
			assert.equal(Number(res.headers['content-length']), res.bytes.length);
			assert.equal(gunzipSync(res.bytes).toString('utf8'), want, `answer ${i + 1} differs`);
		}
	};
	const plain = await e.am.request('GET', listPath(e));
	assert.equal(plain.status, 200, plain.body);
	assert.equal(plain.headers['content-encoding'], undefined);
	assert.match(plain.headers.vary ?? '', /Accept-Encoding/i);
	assert.equal(JSON.parse(plain.body).total, 2);
	await compressedEverywhere(plain.body);

	// A change shows in the compressed pages as in the others.
	const patched = await e.am.request('PATCH', `/api/v1/confirmations/${a.id}`, { body: { due_date: '2026-05-29' } });
	assert.equal(patched.status, 200, patched.body);
	const changed = await e.am.request('GET', listPath(e));
	assert.equal(JSON.parse(changed.body).items[0].due_date, '2026-05-29');
	await compressedEverywhere(changed.body);

	// gzip refused by name, and a free-text search (never compressed: gzip.h): as it is.
	for (const [headers, path] of [
		[{ 'Accept-Encoding': 'gzip;q=0, *' }, listPath(e)],
		[{ 'Accept-Encoding': 'identity' }, listPath(e)],
		[CHROMIUM, listPath(e, '?q=bank')],
	]) {
		const res = await e.am.request('GET', path, { headers });
		assert.equal(res.status, 200, res.body);
		assert.equal(res.headers['content-encoding'], undefined, `${JSON.stringify(headers)} ${path}`);
		JSON.parse(res.body);
	}
	// A page carries the CSRF token: never compressed, by the worker or by nginx (BREACH).
	const page = await e.am.request('GET', `/projects/${e.project.id}`, { headers: CHROMIUM });
	assert.equal(page.status, 200);
	assert.match(page.body, /csrf_token/);
	assert.equal(page.headers['content-encoding'], undefined);
});
