// desk.test.mjs: desk and branch routing in a certified respondent (issue 17, item 3).
// Requests picked from the directory arrive at the bank's desk (or straight at the named
// branch); the desk routes them to branches one at a time or in bulk; a branch sees only
// its own requests and the desk all of them; answers go through maker-checker: the maker
// never approves its own answer, an admin of the branch or of the desk approves, and the
// approver and time are recorded.  The desk view shows due dates, overdue and what waits
// for whom, filterable by branch.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql, addMember } from './lib/world.mjs';
import { engagement, act } from './lib/engagement.mjs';
import { operator, registerBank, sendPicked, openFromMail } from './lib/certified.mjs';

const ids = (q) => q.items.map((i) => i.id).sort();
const queue = async (who, query = {}) => {
	const r = await who.request('GET', `/api/v1/desk?${new URLSearchParams(query)}`);
	assert.equal(r.status, 200, r.body);
	return r.json();
};
const route = (who, list, branch) => who.request('POST', '/api/v1/desk/route',
	{ body: { ids: list, branch_code: branch } });
const answer = async (who, cid) => {
	const got = await who.request('GET', `/api/v1/confirmations/${cid}`);
	assert.equal(got.status, 200, got.body);
	const c = got.json().confirmation;
	return who.request('POST', `/api/v1/confirmations/${cid}/response`, { body: {
		items: c.items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '支店 担当', title: '主任' } } });
};
const approve = (who, cid) => who.request('POST', `/api/v1/confirmations/${cid}/response/approve`,
	{ body: { approver: { name: '再鑑 者', title: '課長' } } });

let w;
before(async () => {
	const op = await operator();
	const bank = await registerBank(op);
	const e = await engagement();
	// A and B arrive at the desk (B due next year), C straight at branch 123.
	const a = await sendPicked(e, bank);
	const b = await sendPicked(e, bank, null, { due_date: '2027-01-29' });
	const c = await sendPicked(e, bank, '123');
	const desk = await openFromMail(bank.desk_email, '窓口 一郎');
	const b123 = await openFromMail(bank.branches[1].email, '新宿 支店長');
	// The branch admin brings in its own staff: they work in the branch.
	const m123 = await addMember(b123, e.project.id, 'respondent', false);
	// Another certified bank's desk and another firm's auditor, for the outsiders' rows.
	const other = await registerBank(op);
	const o = await engagement();
	await sendPicked(o, other);
	const otherDesk = await openFromMail(other.desk_email);
	w = { bank, e, a, b, c, desk, b123, m123, otherDesk, o };
});

test('requests arrive at the desk or the named branch; a branch sees only its own, the desk all', async () => {
	const { a, b, c, desk, b123, m123, otherDesk, e } = w;
	const d = await queue(desk);
	assert.equal(d.unit, null, 'the desk user works at the desk');
	assert.equal(d.organization.id, w.bank.id);
	assert.deepEqual(ids(d), [a.id, b.id, c.id].sort());
	const at = Object.fromEntries(d.items.map((i) => [i.id, i]));
	assert.equal(at[a.id].unit, null);
	assert.equal(at[a.id].waiting_for, 'desk');
	assert.equal(at[c.id].unit.code, '123');
	assert.equal(at[c.id].waiting_for, 'branch');
	assert.equal(at[a.id].overdue, true, 'due 2026-04-30: overdue');
	assert.equal(at[b.id].overdue, false);
	assert.equal(at[b.id].due_date, '2027-01-29');
	assert.deepEqual(d.units.map((u) => u.code), ['001', '123']);
	// Filters: by branch, overdue only.
	assert.deepEqual(ids(await queue(desk, { branch_code: '123' })), [c.id]);
	assert.deepEqual(ids(await queue(desk, { overdue: 'true' })), [a.id, c.id].sort());

	for (const who of [b123, m123]) {
		const q = await queue(who);
		assert.equal(q.unit.code, '123');
		assert.deepEqual(ids(q), [c.id], 'the branch sees its own requests only');
		for (const hidden of [a, b]) {
			const r = await who.request('GET', `/api/v1/confirmations/${hidden.id}`);
			assert.equal(r.status, 404, 'another unit\'s request does not exist for the branch');
		}
		assert.equal((await who.request('GET', `/api/v1/confirmations/${c.id}`)).status, 200);
	}
	// Outsiders: another bank's desk, the audit team and the client see no queue of it.
	for (const who of [otherDesk, e.aa, e.ca]) {
		const q = await queue(who);
		assert.equal(q.items.some((i) => [a.id, b.id, c.id].includes(i.id)), false);
	}
	assert.equal((await otherDesk.request('GET', `/api/v1/confirmations/${a.id}`)).status, 404);
});

test('the desk routes one request and several at once by branch code; nobody else routes', async () => {
	const { a, b, c, desk, b123, m123, otherDesk, e } = w;
	// Not the desk: a branch admin, a branch member, the audit team.
	for (const who of [b123, m123, e.aa]) {
		const r = await route(who, [a.id], '123');
		assert.equal(r.status, 403, r.body);
	}
	// Another bank's desk routes only its own bank's requests.
	let r = await route(otherDesk, [a.id], '123');
	assert.equal(r.status, 422, r.body);
	assert.equal(r.json().error.fields['ids[0]'], 'not_routable');
	// One at a time: A to the head office branch.
	r = await route(desk, [a.id], '001');
	assert.equal(r.status, 200, r.body);
	const routedA = r.json().items.find((i) => i.id === a.id);
	assert.equal(routedA.unit.code, '001');
	assert.equal(routedA.waiting_for, 'branch');
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE object_id = '${a.id}'
		AND action = 'conf.route' AND actor_id = '${desk.user.id}'`), '1', 'routing is on the chain');
	// All or nothing: one bad id and nothing moves.
	r = await route(desk, [b.id, 'no-such-request'], '123');
	assert.equal(r.status, 422, r.body);
	assert.equal(r.json().error.fields['ids[1]'], 'not_routable');
	r = await route(desk, [b.id], '999');
	assert.equal(r.status, 422, r.body);
	assert.equal(r.json().error.fields.branch_code, 'unknown');
	assert.deepEqual(ids(await queue(b123)), [c.id]);
	// In bulk: B and C to branch 123.
	r = await route(desk, [b.id, c.id], '123');
	assert.equal(r.status, 200, r.body);
	assert.deepEqual(ids(await queue(desk, { branch_code: '123' })), [b.id, c.id].sort());
	assert.deepEqual(ids(await queue(desk, { branch_code: '001' })), [a.id]);
	assert.deepEqual(ids(await queue(b123)), [b.id, c.id].sort(), 'the branch now sees both');
	assert.equal((await b123.request('GET', `/api/v1/confirmations/${a.id}`)).status, 404);
	// Another organisation's request cannot be routed by this desk.
	const foreign = sql(`SELECT id FROM bgw.confirmations WHERE project_id = '${w.o.project.id}' LIMIT 1`);
	r = await route(desk, [foreign], '123');
	assert.equal(r.status, 422, r.body);
});

test('maker-checker across branch and desk: the maker never approves its own answer; approver and time recorded', async () => {
	const { b, c, desk, b123, m123 } = w;
	// The branch member prepares C's answer (maker); it cannot approve it (not an admin).
	let r = await answer(m123, c.id);
	assert.equal(r.status, 201, r.body);
	assert.equal(r.json().confirmation.status, 'awaiting_respondent_approval');
	assert.equal((await approve(m123, c.id)).status, 403);
	const waiting = (await queue(desk)).items.find((i) => i.id === c.id);
	assert.equal(waiting.waiting_for, 'approver', 'the desk sees what waits for the checker');
	// The branch's admin checks it.
	r = await approve(b123, c.id);
	assert.equal(r.status, 200, r.body);
	assert.equal(r.json().confirmation.status, 'answered');
	let row = sql(`SELECT responder_id || '|' || approver_id || '|' || (approved_at IS NOT NULL)
		FROM bgw.responses WHERE confirmation_id = '${c.id}' AND final`).split('|');
	assert.deepEqual(row, [m123.user.id, b123.user.id, 'true']);

	// The branch admin answers B itself: even an admin's answer waits for a checker here,
	r = await answer(b123, b.id);
	assert.equal(r.status, 201, r.body);
	assert.equal(r.json().confirmation.status, 'awaiting_respondent_approval');
	// and the maker cannot approve its own answer;
	r = await approve(b123, b.id);
	assert.equal(r.status, 403, r.body);
	assert.equal(sql(`SELECT status FROM bgw.confirmations WHERE id = '${b.id}'`), 'awaiting_respondent_approval');
	// the desk's approver (an admin of the whole organisation) can.
	r = await approve(desk, b.id);
	assert.equal(r.status, 200, r.body);
	assert.equal(r.json().confirmation.status, 'answered');
	row = sql(`SELECT responder_id || '|' || approver_id || '|' || (approved_at IS NOT NULL)
		FROM bgw.responses WHERE confirmation_id = '${b.id}' AND final`).split('|');
	assert.deepEqual(row, [b123.user.id, desk.user.id, 'true']);
	assert.equal((await queue(desk)).items.find((i) => i.id === b.id).waiting_for, 'audit');
	// An answered request is no longer routed.
	r = await route(desk, [b.id], '001');
	assert.equal(r.status, 422, r.body);
});

test('the desk page: queue, filter and routing form in Japanese and English, no script needed', async () => {
	const { a, desk, b123 } = w;
	for (const [lang, words] of [['ja', [/回答窓口/, /支店・部署への回付/, /待ち/]], ['en', [/Response desk/, /Route to a branch/, /Waiting for/]]]) {
		const r = await desk.request('GET', '/desk', { headers: { 'Accept-Language': lang } });
		assert.equal(r.status, 200);
		for (const re of words) assert.match(r.body, re, lang);
		assert.match(r.body, new RegExp(a.reference));
	}
	// A branch user gets its queue without the routing form.
	const r = await b123.request('GET', '/desk', { headers: { 'Accept-Language': 'en' } });
	assert.equal(r.status, 200);
	assert.doesNotMatch(r.body, /Route to a branch/);
	assert.doesNotMatch(r.body, new RegExp(a.reference));
});
