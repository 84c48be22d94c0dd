// Records around the confirmation workflow (issue 4): the two comment threads and who sees
// them, a confirmation's history and the project's audit log with their hashes, the public
// verify route, and bgw-admin audit-verify catching a tampered event or answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request, freshSource } from './lib/stack.mjs';
import { admin, sql, uniqueEmail } from './lib/world.mjs';
import {
	engagement, createConfirmation, confirmationBody, act, sendToRespondent,
} from './lib/engagement.mjs';

const comments = (c, cid) => c.request('GET', `/api/v1/confirmations/${cid}/comments`);
const comment = (c, cid, body) => c.request('POST', `/api/v1/confirmations/${cid}/comments`, { body });

/** Answer every item as agreed (a respondent admin's answer is final at once). */
async function answer(ra, cid) {
	const conf = (await ra.request('GET', `/api/v1/confirmations/${cid}`)).json().confirmation;
	return act(ra, cid, 'response', {
		items: conf.items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 花子', title: '課長' } }, 201);
}

/** bgw-admin audit-verify without throwing: {status, stdout, stderr}. */
function auditVerify(...args) {
	return spawnSync(process.env.BGW_ADMIN, ['--config', process.env.BGW_CONFIG, 'audit-verify', ...args],
		{ encoding: 'utf8' });
}

test('comments: two threads, each side writes its own, the client reads the respondent thread only when shared', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);

	const none = await comment(e.aa, conf.id, { body: 'スレッド未指定' });
	assert.equal(none.status, 422, none.body);
	assert.ok(none.json().error.fields.thread);
	let r = await comment(e.aa, conf.id, { body: '依頼先の確認をお願いします', thread: 'audit_client' });
	assert.equal(r.status, 201, r.body);
	const c1 = r.json().comment;
	assert.equal(c1.thread, 'audit_client');
	assert.deepEqual(c1.author, { name: '監査 一郎', side: 'audit' });
	assert.match(c1.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	r = await comment(e.am, conf.id, { body: '回答期限が近づいています', thread: 'audit_respondent' });
	assert.equal(r.status, 201, r.body);

	// The client writes only the audit-client thread; the respondent only its own.
	assert.equal((await comment(e.ca, conf.id, { body: 'x', thread: 'audit_respondent' })).status, 403);
	r = await comment(e.cm, conf.id, { body: '承知しました' });
	assert.equal(r.status, 201, r.body);
	assert.equal(r.json().comment.thread, 'audit_client');
	assert.equal(r.json().comment.author.side, 'client');
	assert.equal((await comment(ra, conf.id, { body: 'x', thread: 'audit_client' })).status, 403);
	r = await comment(ra, conf.id, { body: '<b>担当者</b> 不在のため 4/20 に回答します' });
	assert.equal(r.status, 201, r.body);
	assert.equal(r.json().comment.thread, 'audit_respondent');
	assert.equal(r.json().comment.author.side, 'respondent');
	assert.equal((await comment(ra, conf.id, { body: '' })).status, 422);
	assert.equal((await comment(ra, conf.id, { body: 'x', thread: 'everyone' })).status, 422);

	const threads = async (c) => (await comments(c, conf.id)).json().items.map((i) => i.thread);
	assert.deepEqual(await threads(e.aa), ['audit_client', 'audit_respondent', 'audit_client', 'audit_respondent']);
	assert.deepEqual(await threads(e.ca), ['audit_client', 'audit_client']);
	assert.deepEqual(await threads(ra), ['audit_respondent', 'audit_respondent']);
	const raItems = (await comments(ra, conf.id)).json().items;
	assert.equal(raItems[1].body, '<b>担当者</b> 不在のため 4/20 に回答します', 'stored as text');
	assert.equal(raItems[1].author.side, 'respondent');

	// Shared with the client: it now reads the audit-respondent thread, and still cannot write it.
	await act(e.am, conf.id, 'share', { with_client: true });
	assert.deepEqual(await threads(e.cm), ['audit_client', 'audit_respondent', 'audit_client', 'audit_respondent']);
	assert.equal((await comment(e.cm, conf.id, { body: 'x', thread: 'audit_respondent' })).status, 403);
	const shared = (await comments(e.cm, conf.id)).json().items;
	assert.equal(shared[3].author.side, 'respondent', 'the side shows though the client cannot see respondent members');

	// Outsiders see nothing; without a session, 401; without CSRF, 403.
	const other = await engagement();
	assert.equal((await comments(other.aa, conf.id)).status, 404);
	assert.equal((await comment(other.aa, conf.id, { body: 'x', thread: 'audit_client' })).status, 404);
	assert.equal((await request('GET', `/api/v1/confirmations/${conf.id}/comments`)).status, 401);
	const nocsrf = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/comments`, {
		body: { body: 'x', thread: 'audit_client' }, headers: { 'X-CSRF-Token': 'wrong' } });
	assert.equal(nocsrf.status, 403);

	// A respondent of another organisation in the same project sees nothing of it.
	const second = await sendToRespondent(e);
	assert.equal((await comments(second.ra, conf.id)).status, 404);

	// The history records each comment (ids and thread, never the text).
	const hist = (await e.aa.request('GET', `/api/v1/confirmations/${conf.id}/history`)).json().items;
	const added = hist.filter((h) => h.action === 'comment.add');
	assert.equal(added.length, 4);
	assert.ok(added.every((h) => !JSON.stringify(h).includes('承知しました')));
});

test('comments on a completed project: the audit team reads, cannot write (409); the client sees nothing', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	assert.equal((await comment(e.aa, conf.id, { body: 'memo', thread: 'audit_client' })).status, 201);
	const done = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/complete`);
	assert.equal(done.status, 200, done.body);
	assert.equal((await comments(e.aa, conf.id)).status, 200);
	const late = await comment(e.aa, conf.id, { body: 'late', thread: 'audit_client' });
	assert.equal(late.status, 409);
	assert.equal(late.json().error.code, 'project_completed');
	assert.equal((await comments(e.ca, conf.id)).status, 404);
});

test('history: the confirmation\'s events oldest first with hashes, for the audit team only', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	await answer(ra, conf.id);
	const other = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	const res = await e.am.request('GET', `/api/v1/confirmations/${conf.id}/history`);
	assert.equal(res.status, 200, res.body);
	const items = res.json().items;
	assert.equal(res.json().total, items.length);
	const actions = items.map((i) => i.action);
	for (const a of ['conf.create', 'conf.submit', 'conf.authorize', 'conf.address_check', 'conf.send', 'response.final'])
		assert.ok(actions.includes(a), `${a} missing from ${actions}`);
	assert.ok(actions.indexOf('conf.create') < actions.indexOf('conf.send'));
	assert.ok(actions.indexOf('conf.send') < actions.indexOf('response.final'));
	for (let i = 1; i < items.length; i++) assert.ok(items[i].seq > items[i - 1].seq);
	for (const i of items) {
		assert.match(i.hash, /^[0-9a-f]{64}$/);
		assert.match(i.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
		assert.equal(typeof i.detail, 'object');
	}
	assert.equal(items.find((i) => i.action === 'conf.create').actor.name, '監査 一郎');
	// The answer's event carries the seal the confirmation shows.
	const seal = (await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation.response.seal;
	assert.equal(items.find((i) => i.action === 'response.final').hash, seal);
	// Nothing of another confirmation.
	assert.ok(!items.some((i) => i.object_id === other.id));
	for (const c of [e.ca, e.cm, ra]) assert.equal((await c.request('GET', `/api/v1/confirmations/${conf.id}/history`)).status, 403);
	const outsider = await engagement();
	assert.equal((await outsider.aa.request('GET', `/api/v1/confirmations/${conf.id}/history`)).status, 404);
});

test('audit log: the project\'s chain page by page, each event linked to the previous hash; audit admin only', async () => {
	const e = await engagement();
	await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	const all = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log?per_page=500`);
	assert.equal(all.status, 200, all.body);
	const items = all.json().items;
	assert.ok(items.length >= 5, `only ${items.length} events`);
	assert.equal(all.json().total, items.length);
	assert.equal(items[0].seq, 1);
	assert.equal(items[0].prev_hash, '0'.repeat(64));
	for (let i = 1; i < items.length; i++) {
		assert.equal(items[i].seq, items[i - 1].seq + 1);
		assert.equal(items[i].prev_hash, items[i - 1].hash);
	}
	const page2 = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log?per_page=2&page=2`)).json();
	assert.deepEqual(page2.items.map((i) => i.seq), [3, 4]);
	assert.equal(page2.total, items.length);
	const past = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log?page=99`)).json();
	assert.deepEqual(past.items, []);
	assert.equal(past.total, items.length);
	assert.equal((await e.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log?per_page=501`)).status, 422);
	for (const c of [e.am, e.ca, e.cm]) assert.equal((await c.request('GET', `/api/v1/projects/${e.project.id}/audit-log`)).status, 403);
	const other = await engagement();
	assert.equal((await other.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log`)).status, 404);
});

test('verify: a sent request shows firm, client, date and a coarse status only; drafts and unknown references are 404', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const src = freshSource();
	const v = (ref) => request('GET', `/api/v1/verify/${ref}`, { source: src });
	const res = await v(conf.reference);
	assert.equal(res.status, 200, res.body);
	const body = res.json();
	assert.deepEqual(Object.keys(body).sort(), ['audit_firm', 'client_name', 'sent_on', 'status']);
	assert.equal(body.audit_firm, e.aa.firm);
	assert.equal(body.client_name, '株式会社サンプル商事');
	assert.equal(body.sent_on, new Date().toISOString().slice(0, 10));
	assert.equal(body.status, 'awaiting_response');
	for (const leak of ['1250000', '1042', 'みなと銀行', conf.id, e.project.id]) assert.ok(!res.body.includes(leak), leak);
	assert.match(res.headers['cache-control'], /no-store/);

	// As people type it: lower case, dashes.
	const r = conf.reference;
	for (const typed of [r.toLowerCase(), `${r.slice(0, 5)}-${r.slice(5)}`, `${r.slice(0, 3)}-${r.slice(3, 6)}-${r.slice(6).toLowerCase()}`]) {
		const t = await v(typed);
		assert.equal(t.status, 200, `${typed}: ${t.body}`);
		assert.deepEqual(t.json(), body);
	}

	await answer(ra, conf.id);
	assert.equal((await v(conf.reference)).json().status, 'answered');

	const draft = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	const d = await v(draft.reference);
	const unknown = await v('ZZZZZZZZZZ');
	const malformed = await v('not-a-reference');
	for (const x of [d, unknown, malformed]) {
		assert.equal(x.status, 404);
		assert.equal(x.body, unknown.body, 'the same answer for every miss');
	}
	assert.equal(unknown.json().error.code, 'not_found');
	// Cancelled before it was sent: never seen outside the engagement.
	await act(e.aa, draft.id, 'cancel', { reason: '不要' });
	assert.equal((await v(draft.reference)).status, 404);
});

test('audit-verify: every chain ok; a tampered event or answer item is named, and the command fails', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	await answer(ra, conf.id);
	const pid = e.project.id;
	let out = auditVerify('--project', pid);
	assert.equal(out.status, 0, out.stdout + out.stderr);
	assert.match(out.stdout, new RegExp(`chain ${pid}: \\d+ events ok`));
	out = auditVerify();
	assert.equal(out.status, 0, out.stdout + out.stderr);
	assert.match(out.stdout, /chain \(global\): \d+ events ok/);
	assert.match(out.stdout, /audit-verify: ok/);

	// Change one stored event (as a superuser who switched the append-only trigger off),
	// in one transaction so the trigger is off for nobody else.
	const [id, seq, action] = sql(`SELECT id, seq, action FROM bgw.audit_events WHERE project_id = '${pid}' AND action = 'conf.authorize'`).split('|');
	const tamper = (value) => sql(`BEGIN; ALTER TABLE bgw.audit_events DISABLE TRIGGER audit_events_no_change;
		UPDATE bgw.audit_events SET action = '${value}' WHERE id = ${id};
		ALTER TABLE bgw.audit_events ENABLE TRIGGER audit_events_no_change; COMMIT;`);
	tamper('conf.cancel');
	try {
		out = auditVerify('--project', pid);
		assert.equal(out.status, 1, out.stdout);
		assert.match(out.stdout, new RegExp(`BAD at seq ${seq} \\(event id ${id}\\)`));
	} finally {
		tamper(action);
	}
	assert.equal(auditVerify('--project', pid).status, 0);

	// Change one item of the sealed answer.
	const [rid, item, agrees] = sql(`SELECT ri.response_id, ri.item_id, ri.agrees FROM bgw.response_items ri
		JOIN bgw.responses r ON r.id = ri.response_id WHERE r.confirmation_id = '${conf.id}' LIMIT 1`).split('|');
	const flip = (value) => sql(`BEGIN; ALTER TABLE bgw.response_items DISABLE TRIGGER response_items_frozen;
		UPDATE bgw.response_items SET agrees = ${value}, amount = ${value ? 'NULL' : '1'} WHERE response_id = '${rid}' AND item_id = '${item}';
		ALTER TABLE bgw.response_items ENABLE TRIGGER response_items_frozen; COMMIT;`);
	flip(agrees !== 't');
	try {
		out = auditVerify('--project', pid);
		assert.equal(out.status, 1, out.stdout);
		assert.match(out.stdout, new RegExp(`response ${rid}: BAD`));
	} finally {
		flip(agrees === 't');
	}
	out = auditVerify('--project', pid);
	assert.equal(out.status, 0, out.stdout + out.stderr);
	assert.equal(auditVerify('--project', 'no-such-project').status, 1);
	assert.equal(auditVerify('--bogus').status, 2);
});
