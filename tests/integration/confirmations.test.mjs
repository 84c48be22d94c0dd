// The confirmation lifecycle of docs/design.md end to end over HTTPS, with each role acting
// through the API, and the illegal steps refused (409 for the state, 403/404 for the role).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './lib/stack.mjs';
import { mailTo, mailText, decodeHeader, uniqueEmail, admin } from './lib/world.mjs';
import {
	engagement, createConfirmation, confirmationBody, act, sendToRespondent, respondentMember, ITEMS,
} from './lib/engagement.mjs';

const get = (c, cid) => c.request('GET', `/api/v1/confirmations/${cid}`);

test('the whole path: draft, authorised, sent, answered by maker and checker, exception resolved', async () => {
	const e = await engagement();
	const email = uniqueEmail('bank');
	const conf = await createConfirmation(e.am, e.project.id, confirmationBody(email));
	assert.equal(conf.status, 'draft');
	assert.match(conf.reference, /^[A-HJ-NP-Z2-9]{10}$/);
	assert.deepEqual(conf.items.map((i) => i.amount), ['1250000', '1042.50']);

	// The client may prepare and authorise, never send; only the audit admin sends.
	await act(e.cm, conf.id, 'submit');
	await act(e.cm, conf.id, 'authorize', undefined, 403);
	await act(e.ca, conf.id, 'authorize');
	await act(e.ca, conf.id, 'send', undefined, 403);
	await act(e.am, conf.id, 'send', undefined, 403);
	const early = await act(e.aa, conf.id, 'send', undefined, 409);
	assert.equal(early.json().error.code, 'address_not_checked');
	const checked = await act(e.am, conf.id, 'address-check', { method: 'phone', note: '代表番号で確認' }, 201);
	assert.equal(checked.json().confirmation.address_check.method, 'phone');
	const sent = await act(e.aa, conf.id, 'send', { code_channel: 'phone' });
	assert.equal(sent.json().confirmation.status, 'sent');
	const respondentCode = sent.json().respondent_code;
	await act(e.aa, conf.id, 'send', undefined, 409);

	// The request mail: reference and verify page, no amounts.
	const [mail] = await mailTo(email, /\/invitation\?token=/);
	const text = mailText(mail);
	assert.ok(decodeHeader(mail.subject).includes(conf.reference));
	assert.ok(text.includes(conf.reference));
	assert.ok(text.includes('/verify'));
	for (const item of ITEMS) assert.ok(!text.includes(item.amount) && !text.includes('1,250,000'));

	const { ra } = await (async () => {
		const { tokenFromMail, accept, signIn, enterCode } = await import('./lib/world.mjs');
		const token = await tokenFromMail(email, '/invitation');
		const { password } = await accept(token, { name: '銀行 花子' });
		const c = await signIn(email, password);
		const blocked = await get(c, conf.id);
		assert.equal(blocked.status, 403);
		assert.equal(blocked.json().error.code, 'first_access_code_required');
		await enterCode(c, e.project.id, respondentCode);
		c.respondentCode = respondentCode;
		return { ra: c };
	})();
	const opened = await get(ra, conf.id);
	assert.equal(opened.status, 200);
	assert.equal(opened.json().confirmation.status, 'opened');

	// Maker: a member of the bank prepares; checker: the admin returns, then approves.
	const rm = await respondentMember(e, ra);
	const [i1, i2] = opened.json().confirmation.items;
	const answer = {
		items: [
			{ item_id: i1.id, agrees: true },
			{ item_id: i2.id, agrees: false, amount: '1000.00', note: '3/31 出金 42.50 USD 反映済' },
		],
		extra_items: [{ label: '借入金', currency: 'JPY', amount: '5000000', note: '証書貸付' }],
		responder: { name: '銀行 次郎', title: '主任' },
	};
	const bad = await act(rm, conf.id, 'response', { ...answer, items: [answer.items[0]] }, 422);
	assert.ok(Object.keys(bad.json().error.fields).some((k) => k.startsWith('items[')));
	const wrong = await act(rm, conf.id, 'response', {
		...answer, items: [answer.items[0], { ...answer.items[1], amount: '1000.5' }] }, 422);
	assert.ok(wrong.json().error.fields['items[1].amount']);
	let r = await act(rm, conf.id, 'response', answer, 201);
	assert.equal(r.json().confirmation.status, 'awaiting_respondent_approval');
	await act(rm, conf.id, 'response/approve', { approver: { name: 'x' } }, 403);
	assert.equal((await get(e.aa, conf.id)).json().confirmation.response, undefined,
		'an answer waiting for approval is not the audit team\'s yet');
	await act(ra, conf.id, 'response/return', { reason: '金額の再確認をお願いします' });
	r = await act(rm, conf.id, 'response', answer, 201);
	const approved = await act(ra, conf.id, 'response/approve', { approver: { name: '銀行 花子', title: '課長' } });
	const final = approved.json().confirmation;
	assert.equal(final.status, 'answered');
	assert.equal(final.response.version, 2);
	assert.match(final.response.seal, /^[0-9a-f]{64}$/);
	assert.equal(final.response.approver.name, '銀行 花子');
	await act(rm, conf.id, 'response', answer, 409);

	// The audit team sees the answer; the client only once it is shared.
	const audit = (await get(e.aa, conf.id)).json().confirmation;
	assert.equal(audit.response.seal, final.response.seal);
	assert.equal(audit.response.items[1].amount, '1000.00');
	assert.equal(audit.response.extra_items[0].amount, '5000000');
	assert.equal((await get(e.ca, conf.id)).json().confirmation.response, undefined);
	await act(e.ca, conf.id, 'share', { with_client: true }, 403);
	await act(e.am, conf.id, 'share', { with_client: true });
	assert.equal((await get(e.cm, conf.id)).json().confirmation.response.seal, final.response.seal);

	// Review: a difference is an exception, resolved with reconciling items.
	await act(e.ca, conf.id, 'review', { result: 'exception', note: 'x' }, 403);
	await act(e.am, conf.id, 'review', { result: 'exception', note: '42.50 USD の差異' });
	await act(e.am, conf.id, 'resolve', { reconciling_items: [], note: 'n' }, 422);
	const resolved = await act(e.am, conf.id, 'resolve', {
		reconciling_items: [{ kind: 'timing_difference', currency: 'USD', amount: '42.50', note: '期末日後入金' }],
		note: '期ズレにより調整済' });
	assert.equal(resolved.json().confirmation.status, 'resolved');
	await act(e.aa, conf.id, 'cancel', { reason: 'too late' }, 409);
});

test('the client refuses: recorded with its reason, then closed with alternative procedures', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.ca, e.project.id, confirmationBody(uniqueEmail('cust'), { type: 'receivable' }));
	await act(e.ca, conf.id, 'submit');
	await act(e.ca, conf.id, 'refuse', {}, 422);
	const refused = await act(e.ca, conf.id, 'refuse', { reason: '係争中の取引先のため' });
	assert.equal(refused.json().confirmation.status, 'refused');
	assert.equal(refused.json().confirmation.status_reason, '係争中の取引先のため');
	await act(e.ca, conf.id, 'close', { alternative_procedures: 'x' }, 403);
	const closed = await act(e.am, conf.id, 'close', { alternative_procedures: '期末後入金の通帳と請求書で検証' });
	assert.equal(closed.json().confirmation.status, 'alternative_procedures');
});

test('returned to draft, edited only while a draft, then cancelled by the audit admin', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('sup'), { type: 'payable' }));
	await act(e.aa, conf.id, 'submit');
	const patch1 = await e.aa.request('PATCH', `/api/v1/confirmations/${conf.id}`, { body: { due_date: '2026-05-15' } });
	assert.equal(patch1.status, 409);
	await act(e.ca, conf.id, 'return', { reason: '宛先を修正してください' });
	const patch = await e.cm.request('PATCH', `/api/v1/confirmations/${conf.id}`, {
		body: { due_date: '2026-05-15', items: [{ label: '買掛金', currency: 'JPY', amount: '300000' }] } });
	assert.equal(patch.status, 200, patch.body);
	assert.equal(patch.json().confirmation.due_date, '2026-05-15');
	assert.equal(patch.json().confirmation.items.length, 1);
	await act(e.am, conf.id, 'cancel', { reason: 'x' }, 403);
	const c = await act(e.aa, conf.id, 'cancel', { reason: '取引終了' });
	assert.equal(c.json().confirmation.status, 'cancelled');
	await act(e.aa, conf.id, 'submit', undefined, 409);
});

test('an admin answer is final at once; ask again opens a new version and keeps the old one', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const items = (await get(ra, conf.id)).json().confirmation.items;
	const body = { items: items.map((i) => ({ item_id: i.id, agrees: true })), responder: { name: '銀行 花子', title: '課長' } };
	const r1 = await act(ra, conf.id, 'response', body, 201);
	assert.equal(r1.json().confirmation.status, 'answered');
	const seal1 = r1.json().confirmation.response.seal;
	await act(e.am, conf.id, 'ask-again', { reason: '口座番号の追加確認' });
	assert.equal((await get(ra, conf.id)).json().confirmation.status, 'opened');
	const r2 = await act(ra, conf.id, 'response', body, 201);
	const c2 = r2.json().confirmation;
	assert.equal(c2.response.version, 2);
	assert.notEqual(c2.response.seal, seal1);
	assert.equal(c2.responses_count, 2);
	await act(e.am, conf.id, 'review', { result: 'agreed', note: '' });
});

test('the respondent declines; the audit team closes it with alternative procedures', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	await act(ra, conf.id, 'decline', { reason: '当行では回答できません' });
	await act(e.am, conf.id, 'close', { alternative_procedures: '残高証明書の原本を入手' });
});

test('reminders by hand while the request is out; counted; refused after the answer', async () => {
	const e = await engagement();
	const { conf, ra, email } = await sendToRespondent(e);
	const r = await act(e.am, conf.id, 'remind');
	assert.equal(r.json().confirmation.reminders_sent, 1);
	const [m] = await mailTo(email, /\/confirmations\//);
	assert.ok(mailText(m).includes(conf.reference));
	await act(ra, conf.id, 'remind', undefined, 403);
	const items = (await get(ra, conf.id)).json().confirmation.items;
	await act(ra, conf.id, 'response', { items: items.map((i) => ({ item_id: i.id, agrees: true })), responder: { name: 'n' } }, 201);
	await act(e.am, conf.id, 'remind', undefined, 409);
});

test('other organisations and other projects see nothing (404)', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const other = await engagement();
	for (const c of [other.aa, other.am, other.ca, other.cm])
		assert.equal((await get(c, conf.id)).status, 404);
	// Another bank in the same project sees only its own confirmation.
	const second = await sendToRespondent(e);
	assert.equal((await get(second.ra, conf.id)).status, 404);
	assert.equal((await get(ra, second.conf.id)).status, 404);
	const list = await ra.request('GET', `/api/v1/projects/${e.project.id}/confirmations`);
	assert.deepEqual(list.json().items.map((i) => i.id), [conf.id]);
	const inbox = await ra.request('GET', '/api/v1/inbox');
	assert.deepEqual(inbox.json().items.map((i) => i.id), [conf.id]);
	assert.equal(inbox.json().items[0].project.audit_firm, e.aa.firm);
	// A draft is invisible to every respondent.
	const draft = await createConfirmation(e.aa, e.project.id, confirmationBody(second.email));
	assert.equal((await get(second.ra, draft.id)).status, 404);
	assert.equal((await request('GET', `/api/v1/confirmations/${conf.id}`)).status, 401);
});

test('validation: wrong decimals, unknown currencies and dates are 422 naming each field', async () => {
	const e = await engagement();
	const res = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/confirmations`, {
		body: confirmationBody('bad@example.test', {
			due_date: '2026-03-01',
			items: [
				{ label: 'a', currency: 'JPY', amount: '100.5' },
				{ label: 'b', currency: 'USD', amount: '1.5' },
				{ label: 'c', currency: 'XYZ', amount: '1' },
				{ label: '', currency: 'EUR', amount: '1.00' },
			],
		}) });
	assert.equal(res.status, 422, res.body);
	const f = res.json().error.fields;
	for (const k of ['items[0].amount', 'items[1].amount', 'items[2].currency', 'items[3].label', 'due_date'])
		assert.ok(f[k], `${k} not reported: ${JSON.stringify(f)}`);
	const list = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/confirmations`);
	assert.equal(list.json().total, 0, 'nothing was stored');
	const neg = await createConfirmation(e.aa, e.project.id, confirmationBody('n@example.test', { form: 'negative' }));
	assert.equal(neg.sufficient_alone, false);
	const blank = await createConfirmation(e.aa, e.project.id, confirmationBody('b@example.test', {
		form: 'blank', items: [{ label: '預金', currency: 'JPY' }] }));
	assert.equal(blank.items[0].amount, null);
});

test('two clients racing the same transition, 100 times: one wins, the other gets 409; the chain verifies', async () => {
	const e = await engagement();
	for (let i = 0; i < 100; i++) {
		const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('race')));
		await act(e.aa, conf.id, 'submit');
		const [x, y] = await Promise.all([
			e.ca.request('POST', `/api/v1/confirmations/${conf.id}/authorize`),
			e.ca.request('POST', `/api/v1/confirmations/${conf.id}/refuse`, { body: { reason: 'r' } }),
		]);
		assert.deepEqual([x.status, y.status].sort(), [200, 409], `${x.body} ${y.body}`);
	}
	const out = admin('audit-verify', '--project', e.project.id);
	assert.match(out, /ok/);
});
