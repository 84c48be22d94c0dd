// certified.test.mjs: certified respondents (認定回答者, issue 17 item 2).  An operator
// registers an organisation after checking it out of band (corporate number with its check
// digit, bank code, branches with their desk addresses); auditors find it in the directory
// by name, corporate number, bank and branch code; picking it for a confirmation IS the
// address check (method certified_directory, recorded with who and when), and the request
// lands at that desk or branch without a respondent code.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { accept, signIn, sql, uniqueEmail, tokenFromMail } from './lib/world.mjs';
import { corporateNumber, operator, registerBank } from './lib/certified.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendToRespondent } from './lib/engagement.mjs';

const count = (q) => Number(sql(q));

let op;
before(async () => { op = await operator(); });

test('an operator registers a certified bank; a wrong check digit, bad codes and duplicates are refused', async () => {
	const bank = await registerBank(op);
	assert.equal(bank.entry.legal_name, bank.legal_name);
	assert.equal(bank.entry.corporate_number, bank.corporate_number);
	assert.equal(bank.entry.bank_code, bank.bank_code);
	assert.equal(bank.entry.desk.email, bank.desk_email);
	assert.deepEqual(bank.entry.branches.map((b) => [b.code, b.name]), [['001', '本店営業部'], ['123', '新宿支店']]);
	assert.equal(count(`SELECT count(*) FROM bgw.audit_events WHERE action = 'certified.register'
		AND object_id = '${bank.id}'`), 1, 'the registration is on the audit chain');

	// The check digit is the first digit: one changed base digit is caught.
	const good = corporateNumber('123456789012');
	assert.equal(good, '7123456789012', "the National Tax Agency's worked example");
	const bad = `${good.slice(0, 12)}${(Number(good[12]) + 1) % 10}`;
	const post = (body) => op.request('POST', '/api/v1/operator/certified-respondents', { body });
	let r = await post({ legal_name: 'チェック桁違い株式会社', corporate_number: bad, desk_email: uniqueEmail('desk') });
	assert.equal(r.status, 422, r.body);
	assert.equal(r.json().error.fields.corporate_number, 'check_digit');
	r = await post({ legal_name: '桁数違い', corporate_number: '12345', bank_code: '12',
		desk_email: uniqueEmail('desk'), branches: [{ code: '1a', name: '支店', email: uniqueEmail('b') }] });
	assert.equal(r.status, 422, r.body);
	const f = r.json().error.fields;
	assert.equal(f.corporate_number, 'invalid');
	assert.equal(f.bank_code, 'invalid');
	assert.equal(f['branches[0].code'], 'invalid');
	// The same corporate number twice is one organisation registered twice.
	r = await post({ legal_name: '重複 株式会社', corporate_number: bank.corporate_number, desk_email: uniqueEmail('desk') });
	assert.equal(r.status, 409, r.body);
	// Nobody but an operator registers.
	const e = await engagement();
	r = await e.aa.request('POST', '/api/v1/operator/certified-respondents', { body: { legal_name: 'x',
		corporate_number: corporateNumber(), desk_email: uniqueEmail('desk') } });
	assert.equal(r.status, 404, r.body);
});

test('auditors search the directory by name, corporate number, bank code and branch code; the client cannot', async () => {
	const bank = await registerBank(op);
	const e = await engagement();
	const find = async (who, query) => {
		const r = await who.request('GET', `/api/v1/directory?${new URLSearchParams(query)}`);
		assert.equal(r.status, 200, r.body);
		return r.json().items.map((i) => i.organization_id);
	};
	for (const who of [e.aa, e.am]) {
		assert.ok((await find(who, { q: bank.legal_name.slice(-6) })).includes(bank.id), 'by part of the name');
		assert.deepEqual(await find(who, { corporate_number: bank.corporate_number }), [bank.id]);
		assert.deepEqual(await find(who, { bank_code: bank.bank_code }), [bank.id]);
		assert.deepEqual(await find(who, { bank_code: bank.bank_code, branch_code: '123' }), [bank.id]);
		assert.deepEqual(await find(who, { bank_code: bank.bank_code, branch_code: '999' }), []);
	}
	for (const who of [e.ca, e.cm]) {
		const r = await who.request('GET', '/api/v1/directory?q=x');
		assert.equal(r.status, 403, r.body);
	}
});

test('a directory pick is the address check: recorded as such, and the request lands at the branch without a code', async () => {
	const bank = await registerBank(op);
	const e = await engagement();
	// The client prepares the draft with an address of its own choosing.
	const conf = await createConfirmation(e.cm, e.project.id, confirmationBody(uniqueEmail('typed')));
	// The client cannot pick (the check is the audit team's).
	let r = await e.cm.request('POST', `/api/v1/confirmations/${conf.id}/directory-pick`,
		{ body: { organization_id: bank.id, branch_code: '123' } });
	assert.equal(r.status, 403, r.body);
	// An unknown branch, an uncertified organisation.
	r = await e.am.request('POST', `/api/v1/confirmations/${conf.id}/directory-pick`,
		{ body: { organization_id: bank.id, branch_code: '998' } });
	assert.equal(r.status, 422, r.body);
	assert.equal(r.json().error.fields.branch_code, 'unknown');
	const plainOrg = sql(`SELECT respondent_org_id FROM bgw.confirmations WHERE id = '${conf.id}'`);
	r = await e.am.request('POST', `/api/v1/confirmations/${conf.id}/directory-pick`,
		{ body: { organization_id: plainOrg } });
	assert.equal(r.status, 422, r.body);
	assert.equal(r.json().error.fields.organization_id, 'not_certified');

	r = await e.am.request('POST', `/api/v1/confirmations/${conf.id}/directory-pick`,
		{ body: { organization_id: bank.id, branch_code: '123' } });
	assert.equal(r.status, 201, r.body);
	const c = r.json().confirmation;
	const branch = bank.branches[1];
	assert.equal(c.respondent.organization, bank.legal_name);
	assert.equal(c.respondent.email, branch.email);
	assert.equal(c.respondent.name, '新宿支店');
	assert.equal(c.respondent_locked, true, 'the client can no longer reroute it');
	assert.equal(c.address_check.valid, true);
	assert.equal(c.address_check.method, 'certified_directory');
	assert.equal(c.address_check.checked.email, branch.email);
	const row = sql(`SELECT a.method || '|' || a.checked_by || '|' || (a.checked_at IS NOT NULL)
		|| '|' || a.note || '|' || coalesce(c.respondent_unit_id, 'desk')
		FROM bgw.address_checks a JOIN bgw.confirmations c ON c.id = a.confirmation_id
		WHERE a.confirmation_id = '${conf.id}' AND a.voided_at IS NULL`).split('|');
	assert.equal(row[0], 'certified_directory');
	assert.equal(row[1], e.am.user.id, 'who picked it');
	assert.equal(row[2], 'true');
	assert.match(row[3], new RegExp(bank.corporate_number), 'the note names the entry');
	assert.notEqual(row[4], 'desk', 'addressed to the branch unit');

	// Sending needs no other check and issues no respondent code.
	await act(e.cm, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const sent = (await act(e.aa, conf.id, 'send', {})).json();
	assert.equal(sent.confirmation.status, 'sent');
	assert.equal(sent.code_issued, false);
	assert.equal(sent.respondent_code, undefined);
	assert.equal(count(`SELECT count(*) FROM bgw.respondent_codes WHERE confirmation_id = '${conf.id}'`), 0);

	// The branch opens its account from the mail and reads the request at once: no code.
	const token = await tokenFromMail(branch.email, '/invitation');
	const { password } = await accept(token, { name: '新宿 太郎' });
	const rb = await signIn(branch.email, password);
	r = await rb.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(r.status, 200, r.body);
	assert.equal(r.json().confirmation.status, 'opened');

	// Contrast: a respondent that is not certified still needs its code first.
	const plain = await sendToRespondent(e);
	assert.match(plain.code, /\S{6,}/, 'an uncertified respondent is given a code');
});

test('a pick of the desk addresses the desk; a pick after sending is refused', async () => {
	const bank = await registerBank(op);
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('typed')));
	await act(e.aa, conf.id, 'address-check', { method: 'phone', note: '代表番号に架電' }, 201);
	const r = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/directory-pick`,
		{ body: { organization_id: bank.id } });
	assert.equal(r.status, 201, r.body);
	const c = r.json().confirmation;
	assert.equal(c.respondent.email, bank.desk_email);
	assert.equal(c.address_check.method, 'certified_directory');
	assert.equal(count(`SELECT count(*) FROM bgw.address_checks WHERE confirmation_id = '${conf.id}'
		AND void_reason = 'respondent_changed'`), 1, 'the phone check of the old address is void');
	assert.equal(sql(`SELECT coalesce(respondent_unit_id, 'desk') FROM bgw.confirmations WHERE id = '${conf.id}'`), 'desk');
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	await act(e.aa, conf.id, 'send', {});
	const again = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/directory-pick`,
		{ body: { organization_id: bank.id, branch_code: '001' } });
	assert.equal(again.status, 409, again.body);
});
