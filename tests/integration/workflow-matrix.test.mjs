// Issue 4 acceptance: every path of the state diagram and every illegal action, for every role.
//
// Generated from the transition table itself (`bgw-fcgi --transitions`, lib/flow/workflow.c): for
// every state, every API action and each of the six roles, a confirmation in that state is
// asked to do it, and the answer must be what the table and the access rules say:
//   - a respondent before the confirmation was sent: 404 (it does not exist for them);
//   - a role the action is not for: 403 (the roles below are docs/api.md's "who" column);
//   - an action the table has no row for in that state: 409 invalid_state;
//   - otherwise 2xx, and the confirmation is then in the table's "to" state.
// Refusals change nothing, so one confirmation per state takes all of them; each allowed cell
// that changes the state gets a fresh confirmation driven there through the API.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { engagement, sendToRespondent, respondentMember, createConfirmation, confirmationBody, act } from './lib/engagement.mjs';

const ROLES = ['aa', 'am', 'ca', 'cm', 'ra', 'rm'];

// docs/api.md's "who" per policy action, roles in the order of ROLES (Y may, F 403).
const WHO = {
	'conf.edit': 'YYYYFF',
	'conf.authorize': 'FFYFFF',
	'conf.address_check': 'YYFFFF',
	'conf.send': 'YFFFFF',
	'conf.respond': 'FFFFYY',
	'conf.approve': 'FFFFYF',
	'conf.review': 'YYFFFF',
	'conf.cancel': 'YFFFFF',
	'conf.comment': 'YYYYYY',
};

const REASON = { reason: '理由を記録します' };

// Every API action on a confirmation: the workflow action it is (for a role), and a valid body.
const OPS = [
	{ name: 'submit', wf: () => 'submit', path: 'submit' },
	{ name: 'authorize', wf: () => 'authorize', path: 'authorize' },
	{ name: 'return', wf: () => 'return', path: 'return', body: () => REASON },
	{ name: 'refuse', wf: () => 'refuse', path: 'refuse', body: () => REASON },
	{ name: 'address-check', wf: () => 'address_check', path: 'address-check', ok: 201,
		body: () => ({ method: 'phone', note: '代表番号に架電' }) },
	{ name: 'send', wf: () => 'send', path: 'send' },
	// One route, two workflow actions: an admin's answer is final, a member's waits.
	{ name: 'response', wf: (role) => (role === 'ra' ? 'respond_admin' : 'respond_member'),
		path: 'response', ok: 201, body: (c) => answer(c) },
	{ name: 'response/approve', wf: () => 'approve', path: 'response/approve',
		body: () => ({ approver: { name: '銀行 花子', title: '課長' } }) },
	{ name: 'response/return', wf: () => 'send_back', path: 'response/return', body: () => REASON },
	{ name: 'decline', wf: () => 'decline', path: 'decline', body: () => REASON },
	{ name: 'review agreed', wf: () => 'review_agreed', path: 'review', body: () => ({ result: 'agreed', note: 'n' }) },
	{ name: 'review exception', wf: () => 'review_exception', path: 'review',
		body: () => ({ result: 'exception', note: 'n' }) },
	{ name: 'resolve', wf: () => 'resolve', path: 'resolve', body: () => ({
		reconciling_items: [{ kind: 'timing_difference', currency: 'JPY', amount: '1', note: 'n' }], note: 'n' }) },
	{ name: 'ask-again', wf: () => 'ask_again', path: 'ask-again', body: () => REASON },
	{ name: 'close', wf: () => 'close', path: 'close', body: () => ({ alternative_procedures: '残高証明書を入手' }) },
	{ name: 'cancel', wf: () => 'cancel', path: 'cancel', body: () => REASON },
	{ name: 'remind', wf: () => 'remind', path: 'remind' },
	{ name: 'edit', wf: () => 'edit', method: 'PATCH', path: '', body: () => ({ due_date: '2026-05-31' }) },
	{ name: 'share', wf: () => 'share', path: 'share', body: () => ({ with_client: true }) },
	{ name: 'comment', wf: () => 'comment', path: 'comments', ok: 201,
		body: (c, role) => ({ body: 'コメント', thread: role.startsWith('r') ? 'audit_respondent' : 'audit_client' }) },
];

// Workflow actions the API has no route of its own for: open is a respondent's first GET.
const IMPLICIT = new Set(['open']);

function answer(c) {
	return { items: c.items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 次郎', title: '主任' } };
}

function table() {
	const r = spawnSync(`${process.env.BGW_BUILD_DIR}/cgi/bgw-fcgi`, ['--transitions'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return JSON.parse(r.stdout);
}

const T = table();
const policyOf = Object.fromEntries(T.actions.map((a) => [a.name, a.policy]));
const to = (from, wf) => T.transitions.find((t) => t.from === from && t.action === wf)?.to;
// A respondent's answer or refusal on a sent confirmation opens it first (workflow.h).
function next(state, wf) {
	if (state === 'sent' && ['respond_member', 'respond_admin', 'decline'].includes(wf) && to('opened', wf))
		return to('opened', wf);
	return to(state, wf);
}
const NOT_SENT = new Set(['draft', 'awaiting_client', 'refused', 'authorized']);

/** What role gets for op on a confirmation in state: [status, state after]. */
function expected(state, op, role) {
	const wf = op.wf(role);
	const i = ROLES.indexOf(role);
	if (role.startsWith('r') && NOT_SENT.has(state)) return [404, state];
	if (WHO[policyOf[wf]][i] !== 'Y') return [403, state];
	const after = next(state, wf);
	return after === undefined ? [409, state] : [op.ok ?? 200, after];
}

let e;
let drive;

before(async () => {
	e = await engagement();
	const s = await sendToRespondent(e);
	e.ra = s.ra;
	e.rm = await respondentMember(e, s.ra);
	e.raEmail = s.email;
	const get = (c, who) => who.request('GET', `/api/v1/confirmations/${c.id}`);
	const step = (who, verb, body, want) => (c) => act(e[who], c.id, verb, typeof body === 'function' ? body(c) : body, want);
	const PATH = {
		draft: [],
		awaiting_client: [step('aa', 'submit')],
		refused: ['awaiting_client', step('ca', 'refuse', REASON)],
		authorized: ['awaiting_client', step('aa', 'address-check', { method: 'phone', note: 'n' }, 201),
			step('ca', 'authorize')],
		sent: ['authorized', step('aa', 'send')],
		opened: ['sent', async (c) => assert.equal((await get(c, e.ra)).status, 200)],
		awaiting_respondent_approval: ['opened', step('rm', 'response', answer, 201)],
		answered: ['opened', step('ra', 'response', answer, 201)],
		declined: ['opened', step('ra', 'decline', REASON)],
		agreed: ['answered', step('am', 'review', { result: 'agreed', note: 'n' })],
		exception: ['answered', step('am', 'review', { result: 'exception', note: 'n' })],
		resolved: ['exception', step('am', 'resolve', OPS.find((o) => o.name === 'resolve').body())],
		alternative_procedures: ['sent', step('am', 'close', { alternative_procedures: 'n' })],
		cancelled: ['sent', step('aa', 'cancel', REASON)],
	};
	const run = async (state, c) => {
		for (const s2 of PATH[state]) {
			if (typeof s2 === 'string') await run(s2, c);
			else await s2(c);
		}
	};
	drive = async (state) => {
		const c = await createConfirmation(e.aa, e.project.id, confirmationBody(e.raEmail));
		await run(state, c);
		assert.equal((await get(c, e.aa)).json().confirmation.status, state, `driving into ${state}`);
		return c;
	};
	assert.deepEqual(Object.keys(PATH).sort(), [...T.states].sort(), 'a way into every state');
});

test('the table lists every state and action, and each action has an API route here', () => {
	assert.equal(T.states.length, 14);
	const covered = new Set(OPS.flatMap((o) => ROLES.map((r) => o.wf(r))));
	const missing = T.actions.map((a) => a.name).filter((n) => !covered.has(n) && !IMPLICIT.has(n));
	assert.deepEqual(missing, []);
	for (const a of T.actions.filter((x) => !IMPLICIT.has(x.name)))
		assert.ok(WHO[a.policy], `no roles written for policy action ${a.policy}`);
});

function call(c, op, role) {
	const body = op.body ? op.body(c, role) : undefined;
	const path = `/api/v1/confirmations/${c.id}${op.path ? `/${op.path}` : ''}`;
	return e[role].request(op.method ?? 'POST', path, body === undefined ? {} : { body });
}

async function status(c) {
	return (await e.aa.request('GET', `/api/v1/confirmations/${c.id}`)).json().confirmation.status;
}

for (const state of T.states) {
	test(`from ${state}: every action × every role`, async () => {
		const failures = [];
		const shared = await drive(state);
		// Refusals first (they change nothing), then the allowed actions that keep the state
		// on the same confirmation, then each state change on a fresh one.
		const cells = OPS.flatMap((op) => ROLES.map((role) => ({ op, role, want: expected(state, op, role) })));
		const order = [...cells.filter((x) => x.want[0] >= 400),
			...cells.filter((x) => x.want[0] < 400 && x.want[1] === state),
			...cells.filter((x) => x.want[0] < 400 && x.want[1] !== state)];
		for (const { op, role, want: [code, after] } of order) {
			const c = code < 400 && after !== state ? await drive(state) : shared;
			const res = await call(c, op, role);
			const label = `${state} ${op.name} as ${role}: want ${code}, got ${res.status} ${res.body.slice(0, 160)}`;
			if (res.status !== code) { failures.push(label); continue; }
			if (code === 409 && res.json().error.code !== 'invalid_state') failures.push(`${label} (code)`);
			if (code < 400 && (await status(c)) !== after) failures.push(`${label}: not in ${after} afterwards`);
		}
		assert.equal(await status(shared), state, 'refusals changed nothing');
		assert.deepEqual(failures, []);
	});
}
