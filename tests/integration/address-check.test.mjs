// address-check.test.mjs: an address check is bound to what it checked (docs/design.md, ISA
// 505.7: the auditor controls the channel).  A check names the e-mail, organisation and
// person it verified; a change of the respondent voids it, visibly; sending needs a valid
// check of the current respondent; once the audit team has checked, the client cannot
// change the respondent; only an audit admin readdresses an undeliverable request, and only
// with a check of the new address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, uniqueEmail, mailText } from './lib/world.mjs';
import { waitForMessage } from './lib/stack.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendToRespondent } from './lib/engagement.mjs';
import { mailsTo, drained } from './lib/notify.mjs';

const CHECK = { method: 'phone', note: '代表番号に架電し担当部署と宛先を確認' };
const count = (q) => Number(sql(q));
const events = (cid, action) => count(`SELECT count(*) FROM bgw.audit_events
	WHERE object_id = '${cid}' AND action = '${action}'`);
const queuedTo = (email) => count(`SELECT count(*) FROM bgw.outbox
	WHERE lower(to_address::text) = lower('${email}')`);
// The request mail in the sink (addresses compared without case, as the columns do).
const requestMailTo = (email) => waitForMessage((m) => String(m.to).toLowerCase()
	.includes(email.toLowerCase()) && /\/invitation\?token=/.test(mailText(m)), { timeout: 20000 });
const get = async (c, cid) => {
	const r = await c.request('GET', `/api/v1/confirmations/${cid}`);
	assert.equal(r.status, 200, r.body);
	return r.json().confirmation;
};
const patch = (c, cid, body) => c.request('PATCH', `/api/v1/confirmations/${cid}`, { body });

test('a client cannot reroute a checked request: changing the respondent is 409 respondent_locked', async () => {
	const e = await engagement();
	const checked = uniqueEmail('bank');
	const own = uniqueEmail('client-own');
	const conf = await createConfirmation(e.cm, e.project.id, confirmationBody(checked));
	const c1 = (await act(e.am, conf.id, 'address-check', CHECK, 201)).json().confirmation;
	assert.equal(c1.respondent_locked, true);
	const seen = await get(e.cm, conf.id);
	assert.equal(seen.respondent_locked, true, 'the client is told the respondent is locked');
	assert.equal(seen.address_check, undefined, 'the check itself is the audit team\'s record');
	const form = await e.cm.request('GET', `/confirmations/${conf.id}/edit`, { headers: { 'Accept-Language': 'ja' } });
	assert.equal(form.status, 200);
	assert.match(form.body, /監査チームが確認先を確認済みです/, 'the edit form says so before the client types');
	assert.equal(c1.address_check.valid, true);
	assert.deepEqual(c1.address_check.checked,
		{ email: checked, organization: 'みなと銀行 本店', name: '残高確認ご担当者' });
	assert.equal(typeof c1.address_check.confirmation_version, 'number');

	// The reroute of the issue: the client points the checked draft at its own address.
	for (const who of [e.cm, e.ca]) {
		const r = await patch(who, conf.id,
			{ respondent: { organization: 'みなと銀行 本店', email: own, name: '経理部' } });
		assert.equal(r.status, 409, r.body);
		assert.equal(r.json().error.code, 'respondent_locked');
	}
	// The person alone is part of the respondent too.
	let r = await patch(e.cm, conf.id,
		{ respondent: { organization: 'みなと銀行 本店', email: checked, name: '別の担当者' } });
	assert.equal(r.status, 409, r.body);
	assert.equal(r.json().error.code, 'respondent_locked');

	// What the check did not cover stays the client's to prepare, and leaves the check valid:
	// dates, items, and the same respondent again (the e-mail compared without case).
	r = await patch(e.cm, conf.id, { due_date: '2026-05-15', respondent: {
		organization: 'みなと銀行 本店', email: checked.toUpperCase(), name: '残高確認ご担当者' } });
	assert.equal(r.status, 200, r.body);
	assert.equal((await get(e.aa, conf.id)).address_check.valid, true);
	assert.equal(events(conf.id, 'conf.address_check_void'), 0);

	// Behind the application, the database refuses the client's change too (0018's trigger);
	// the audit team's own change passes it.
	const asRole = (who, email) => sql(`BEGIN; SET LOCAL ROLE bgw_app;
		SELECT set_config('app.user_id', '${who.user.id}', true);
		UPDATE bgw.confirmations SET respondent_email = '${email}' WHERE id = '${conf.id}'; ROLLBACK`);
	assert.throws(() => asRole(e.cm, own), /cannot change the respondent/);
	asRole(e.am, own);

	await act(e.cm, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const sent = (await act(e.aa, conf.id, 'send', { code_channel: 'phone' })).json().confirmation;
	assert.equal(sent.status, 'sent');
	assert.equal(sent.respondent.email.toLowerCase(), checked.toLowerCase());
	await requestMailTo(checked);
	assert.equal(queuedTo(own), 0, 'nothing to the address the client typed');
});

test('a change of the respondent voids the check, visibly; sending needs a new check of the new one', async () => {
	const e = await engagement();
	const first = uniqueEmail('bank-first');
	const second = uniqueEmail('bank-second');
	const conf = await createConfirmation(e.cm, e.project.id, confirmationBody(first));
	await act(e.am, conf.id, 'address-check', CHECK, 201);

	// The client asks through a comment; the audit team makes the change (only it may now).
	const asked = await e.cm.request('POST', `/api/v1/confirmations/${conf.id}/comments`,
		{ body: { body: '宛先が変わりました。新しい宛先に変更をお願いします。' } });
	assert.equal(asked.status, 201, asked.body);
	let r = await patch(e.am, conf.id,
		{ respondent: { organization: 'さくら銀行 本店', email: second, name: '融資部' } });
	assert.equal(r.status, 200, r.body);
	let c = r.json().confirmation;
	assert.equal(c.address_check.valid, false, 'the check of the old respondent is void');
	assert.equal(c.address_check.void_reason, 'respondent_changed');
	assert.match(c.address_check.voided_at, /^\d{4}-\d\d-\d\dT/);
	assert.equal(c.address_check.checked.email, first, 'it names what it checked');
	assert.equal(events(conf.id, 'conf.address_check_void'), 1);
	const detail = sql(`SELECT detail::text FROM bgw.audit_events WHERE object_id = '${conf.id}'
		AND action = 'conf.address_check_void'`);
	assert.match(detail, /respondent_changed/);

	// The page says so in words, in both languages.
	for (const [lang, words] of [['ja', /確認先の確認（無効/], ['en', /Address check \(void/]]) {
		const page = await e.aa.request('GET', `/confirmations/${conf.id}`,
			{ headers: { 'Accept-Language': lang } });
		assert.equal(page.status, 200);
		assert.match(page.body, words, lang);
	}

	await act(e.cm, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	r = await act(e.aa, conf.id, 'send', undefined, 409);
	assert.equal(r.json().error.code, 'address_not_checked');
	assert.equal((await get(e.aa, conf.id)).status, 'authorized');
	assert.equal(queuedTo(second), 0, 'no mail to the new address before its check');

	// A check of the new respondent, then the request goes there.
	c = (await act(e.am, conf.id, 'address-check', CHECK, 201)).json().confirmation;
	assert.equal(c.address_check.valid, true);
	assert.equal(c.address_check.checked.email, second);
	assert.equal(c.address_check.checked.organization, 'さくら銀行 本店');
	await act(e.aa, conf.id, 'send', { code_channel: 'phone' });
	await requestMailTo(second);
	assert.equal(queuedTo(first), 0);
});

test('a check made on a version the respondent left is not valid even without its void mark', async () => {
	// The second wall behind the void: sending compares what was checked with the row.
	const e = await engagement();
	const email = uniqueEmail('bank');
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	await act(e.am, conf.id, 'address-check', CHECK, 201);
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const other = uniqueEmail('elsewhere');
	sql(`UPDATE bgw.confirmations SET respondent_email = '${other}' WHERE id = '${conf.id}'`);
	assert.equal((await get(e.aa, conf.id)).address_check.valid, false);
	const r = await act(e.aa, conf.id, 'send', undefined, 409);
	assert.equal(r.json().error.code, 'address_not_checked');
	assert.equal(queuedTo(other), 0);
});

test('only an audit admin readdresses an undeliverable request, and only with a check of the new address', async () => {
	const e = await engagement();
	const { conf, email } = await sendToRespondent(e);
	sql(`UPDATE bgw.confirmations SET undeliverable = true WHERE id = '${conf.id}'`);
	const path = `/api/v1/confirmations/${conf.id}/addressee`;
	const next = uniqueEmail('readdressed');

	// An audit member may not move the channel, with or without a check.
	let r = await e.am.request('POST', path, { body: { email: next, name: '経理部', address_check: CHECK } });
	assert.equal(r.status, 403, r.body);
	for (const c of [e.ca, e.cm]) {
		r = await c.request('POST', path, { body: { email: next, name: '経理部', address_check: CHECK } });
		assert.equal(r.status, 403, r.body);
	}
	// The admin without a check of the new address: refused, nothing changes, nothing mailed.
	r = await e.aa.request('POST', path, { body: { email: next, name: '経理部' } });
	assert.equal(r.status, 409, r.body);
	assert.equal(r.json().error.code, 'address_not_checked');
	r = await e.aa.request('POST', path, { body: { email: next, name: '経理部', address_check: { method: 'phone' } } });
	assert.equal(r.status, 422, r.body);
	assert.ok('address_check.note' in r.json().error.fields, r.body);
	let c = await get(e.aa, conf.id);
	assert.equal(c.respondent.email, email);
	assert.equal(c.undeliverable, true);
	assert.equal(events(conf.id, 'conf.addressee'), 0);
	assert.equal(queuedTo(next), 0);

	// With its check: readdressed, the old check void, the new one bound to the new address,
	// and the request mailed there.
	r = await e.aa.request('POST', path, { body: { email: next, name: '経理部', address_check: CHECK } });
	assert.equal(r.status, 200, r.body);
	c = r.json().confirmation;
	assert.equal(c.respondent.email, next);
	assert.equal(c.undeliverable, false);
	assert.equal(c.address_check.valid, true);
	assert.deepEqual(c.address_check.checked, { email: next, organization: 'みなと銀行 本店', name: '経理部' });
	assert.equal(events(conf.id, 'conf.addressee'), 1);
	assert.equal(events(conf.id, 'conf.address_check'), 2);
	assert.match(sql(`SELECT detail::text FROM bgw.audit_events WHERE object_id = '${conf.id}'
		AND action = 'conf.address_check_void'`), /readdressed/);
	assert.equal(count(`SELECT count(*) FROM bgw.address_checks WHERE confirmation_id = '${conf.id}'
		AND voided_at IS NULL`), 1, 'one live check: of the new address');
	await drained(next);
	const mails = mailsTo(next);
	assert.equal(mails.length, 1);
	assert.match(mailText(mails[0]), new RegExp(conf.reference));
});
