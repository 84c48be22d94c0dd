// journey.test.mjs: the first-time respondent answers in three screens (issue 17 item 6),
// and the respondent's language (issue 17 item 7, issue 22 item 3): the addressee's
// language is chosen per confirmation (JSON, form, CSV/XLSX/XML import and export) and the
// request mail, reminders (batch and by hand), invitations and the first pages follow it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './lib/stack.mjs';
import { sql, uniqueEmail, decodeHeader, mailText, mailTo, newPassword, addMember } from './lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendConfirmation } from './lib/engagement.mjs';
import { walkJourney, requestLink, hiddenFields } from './lib/journey.mjs';
import { xlsx } from './lib/records-xlsx.mjs';
import { runOnce, mailsTo, drained, backdate } from './lib/notify.mjs';

const count = (q) => Number(sql(q));
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** A confirmation to a new addressee in `locale`, sent (code read out by phone): {conf, email, code}. */
async function sentTo(e, locale, email = uniqueEmail(`journey-${locale}`)) {
	const body = confirmationBody(email);
	body.respondent = { ...body.respondent, locale };
	const conf = await createConfirmation(e.aa, e.project.id, body);
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const sent = await sendConfirmation(e, conf);
	return { conf, email, code: sent.respondent_code };
}

const subjectsTo = (email) => mailsTo(email).map((m) => decodeHeader(m.subject));

test('the addressee\'s language is chosen per confirmation: JSON create, read, edit; anything but ja or en is refused', async () => {
	const e = await engagement();
	const body = confirmationBody(uniqueEmail('lang'));
	const made = await createConfirmation(e.aa, e.project.id, { ...body, respondent: { ...body.respondent, locale: 'en' } });
	assert.equal(made.respondent.locale, 'en');
	const plain = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('lang')));
	assert.equal(plain.respondent.locale, 'ja', 'Japanese unless chosen');
	const edit = await e.aa.request('PATCH', `/api/v1/confirmations/${plain.id}`, { body: { respondent: { locale: 'en' } } });
	assert.equal(edit.status, 200, edit.body);
	assert.equal((await e.aa.request('GET', `/api/v1/confirmations/${plain.id}`)).json().confirmation.respondent.locale, 'en');
	// The HTML form: a select of the two languages; the choice is stored.
	const newPath = `/projects/${e.project.id}/confirmations/new`;
	const page = await e.aa.request('GET', newPath);
	assert.equal(page.status, 200);
	assert.match(page.body, /<select required id="f-conf-respondent-locale" name="respondent\.locale">/);
	const viaForm = uniqueEmail('lang-form');
	const posted = await e.aa.request('POST', newPath, { body: new URLSearchParams({
		...hiddenFields(page.body, newPath), type: 'bank', form: 'positive',
		'respondent.organization': 'フォーム銀行', 'respondent.email': viaForm, 'respondent.name': 'ご担当者',
		'respondent.locale': 'en', as_of: '2026-03-31', due_date: '2026-04-30',
		'items[0].label': '普通預金', 'items[0].currency': 'JPY', 'items[0].amount': '100' }) });
	assert.equal(posted.status, 303, posted.body);
	assert.equal(sql(`SELECT addressee_locale FROM bgw.confirmations WHERE respondent_email = ${q(viaForm)}`), 'en');

	const bad = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/confirmations`,
		{ body: { ...body, respondent: { ...body.respondent, locale: 'fr' } } });
	assert.equal(bad.status, 422, bad.body);
	assert.match(bad.body, /respondent\.locale/);
});

test('an English addressee\'s request mail, reminder by hand and invitation are English; a Japanese one\'s Japanese', async () => {
	const e = await engagement();
	const en = await sentTo(e, 'en');
	const ja = await sentTo(e, 'ja');
	const [enMail] = await mailTo(en.email, /\/invitation\?token=/);
	const [jaMail] = await mailTo(ja.email, /\/invitation\?token=/);
	assert.match(decodeHeader(enMail.subject), /Request for audit confirmation \(reference /);
	assert.match(mailText(enMail), /Dear .*,\r?\n[\s\S]*To check that this request really comes from/);
	assert.doesNotMatch(mailText(enMail), /確認状|様/);
	assert.match(decodeHeader(jaMail.subject), /確認状のご回答のお願い（参照番号：/);
	assert.match(mailText(jaMail), /様\r?\n/);

	await act(e.aa, en.conf.id, 'remind');
	await act(e.aa, ja.conf.id, 'remind');
	await mailTo(en.email, /We have not yet received your reply/);
	await mailTo(ja.email, /現時点でご回答を確認できておりません/);
	assert.ok(subjectsTo(en.email).some((s) => /^\[.*\] Reminder: audit confirmation/.test(s)), subjectsTo(en.email).join(' | '));
	assert.ok(subjectsTo(ja.email).some((s) => /再送/.test(s)), subjectsTo(ja.email).join(' | '));

	// Both addressees answer through the journey; each then invites a colleague, whose
	// invitation is in the organisation's addressee language.
	for (const [who, re] of [[en, /Invitation to Balance Gateway/], [ja, /Balance Gateway へのご招待/]]) {
		const password = newPassword('journey');
		const walked = await walkJourney(who.email, who.code, password);
		const c = walked.client;
		const colleague = uniqueEmail('colleague');
		const page = await c.request('GET', `/projects/${e.project.id}/members`);
		assert.equal(page.status, 200, page.body);
		const form = new URLSearchParams({ ...hiddenFields(page.body, `/projects/${e.project.id}/members`),
			email: colleague, side: 'respondent' });
		const res = await c.request('POST', `/projects/${e.project.id}/members`, { body: form });
		assert.equal(res.status, 303, res.body);
		const [inv] = await mailTo(colleague, /\/invitation\?token=/);
		assert.match(decodeHeader(inv.subject), re);
	}
});

test('the batch job\'s reminders follow the addressee\'s language, not the account\'s', async () => {
	const e = await engagement();
	const en = await sentTo(e, 'en');
	const ja = await sentTo(e, 'ja');
	backdate(e.project.id, { created: '2022-01-01T00:00:00Z' });
	sql(`UPDATE bgw.confirmations SET sent_at = '2022-03-01T00:00:00Z', as_of = '2022-02-28',
		due_date = '2022-03-31' WHERE id IN (${q(en.conf.id)}, ${q(ja.conf.id)})`);
	const r = await runOnce('2022-03-25T00:00:00Z');      // the 7-days-before slot
	assert.equal(r.code, 0, r.out);
	await drained(en.email);
	await drained(ja.email);
	assert.ok(subjectsTo(en.email).some((s) => /Reminder: audit confirmation/.test(s)), subjectsTo(en.email).join(' | '));
	assert.ok(subjectsTo(ja.email).some((s) => /確認状のご回答のお願い（再送/.test(s)), subjectsTo(ja.email).join(' | '));
	// The reminder's fresh invitation is the addressee's too: its first page is English.
	const links = mailsTo(en.email).map((m) => mailText(m).match(/\/invitation\?token=[A-Za-z0-9_-]{43}/)?.[0]).filter(Boolean);
	const page = await request('GET', links[links.length - 1]);
	assert.equal(page.status, 200);
	assert.match(page.body, /<html lang="en"/);
	// Out of the other scenarios' way.
	sql(`UPDATE bgw.confirmations SET status = 'cancelled' WHERE id IN (${q(en.conf.id)}, ${q(ja.conf.id)})`);
});

test('a first-time respondent answers in three screens: the mail link, code and password in one form, the answer form, the sealed receipt', async () => {
	for (const locale of ['ja', 'en']) {
		const e = await engagement();
		const { conf, email, code } = await sentTo(e, locale);
		const password = newPassword('journey');
		const walked = await walkJourney(email, code, password);
		assert.equal(walked.screens, 3);
		assert.equal(walked.typedFields, 2, 'the code and a password: the name comes from the request');
		const [first, answer, receipt] = walked.pages;

		// The first page says who asks and how to check it is genuine, in the addressee's language.
		assert.match(first.body, new RegExp(`<html lang="${locale}"`));
		assert.ok(first.body.includes(e.aa.firm), 'the audit firm');
		assert.ok(first.body.includes('株式会社サンプル商事'), 'the client');
		assert.ok(first.body.includes(conf.reference), 'the reference');
		assert.ok(first.body.includes(`href="/verify?reference=${conf.reference}"`), 'the public verify page');
		assert.doesNotMatch(first.body, /1250000|1,250,000|1042\.50/, 'no amount before sign-in');
		assert.match(answer.body, new RegExp(`<html lang="${locale}"`), 'the answer form follows');

		// The receipt: sealed, and the answer final at once (one person answers and approves).
		assert.match(walked.receiptPath, new RegExp(`^/confirmations/${conf.id}/receipt`));
		assert.match(receipt.body, /[0-9a-f]{64}/, 'the seal');
		const got = (await walked.client.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
		assert.equal(got.status, 'answered');
		const row = sql(`SELECT r.final, r.approver_id = r.responder_id, r.approver_name = r.responder_name,
			r.approved_at IS NOT NULL FROM bgw.responses r WHERE r.confirmation_id = ${q(conf.id)}`);
		assert.equal(row, 't|t|t|t', 'final, approved by the responder, recorded as such');
		assert.equal(count(`SELECT count(*) FROM bgw.audit_events WHERE object_type = 'response'
			AND action = 'response.final' AND detail->>'self_approved' = 'true'
			AND detail->>'confirmation_id' = ${q(conf.id)}`), 1);
		assert.equal(sql(`SELECT locale FROM bgw.users WHERE email = ${q(email)}`), locale, 'the account keeps the addressee\'s language');
		// The code was checked for the membership too (issue 10's record), once.
		assert.equal(count(`SELECT count(*) FROM bgw.audit_events WHERE project_id = ${q(e.project.id)}
			AND action = 'project.code_ok' AND actor_id = (SELECT id FROM bgw.users WHERE email = ${q(email)})`), 1);
	}
});

test('a wrong code: a clear error, nothing created; the fifth locks the link; the token is single-use', async () => {
	const e = await engagement();
	const { email, code } = await sentTo(e, 'en');
	const link = await requestLink(email);
	const first = await request('GET', link);
	const token = hiddenFields(first.body, '/invitations/accept').token;
	const post = (c) => request('POST', '/invitations/accept', {
		body: new URLSearchParams({ token, code: c, password: newPassword('wrong') }) });
	const users = () => count(`SELECT count(*) FROM bgw.users WHERE email = ${q(email)}`);

	const wrong = await post('WRONG-CODE-0000');
	assert.equal(wrong.status, 422);
	assert.match(wrong.body, /The first-access code is not correct\. No account was created\./);
	assert.match(wrong.body, /aria-invalid="true"/);
	assert.equal(users(), 0, 'no account');
	assert.equal(count(`SELECT count(*) FROM bgw.tokens WHERE email = ${q(email)} AND used_at IS NULL`), 1, 'the invitation still open');
	for (let i = 2; i <= 4; i++) assert.equal((await post(`WRONG-${i}`)).status, 422);
	const fifth = await post('WRONG-5');
	assert.equal(fifth.status, 423);
	assert.match(fifth.body, /this link no longer works/);
	assert.doesNotMatch(fifth.body, /id="journey-form"/);
	const right = await post(code);
	assert.equal(right.status, 423, 'locked even for the right code');
	assert.equal(users(), 0, 'still nothing created');
	assert.equal(count(`SELECT count(*) FROM bgw.memberships m JOIN bgw.users u ON u.id = m.user_id
		WHERE u.email = ${q(email)}`), 0);

	// A new invitation (the audit team mails the request again) works once.
	const e2 = await engagement();
	const fresh = await sentTo(e2, 'ja');
	const walked = await walkJourney(fresh.email, fresh.code, newPassword('once'));
	assert.equal(walked.screens, 3);
	const again = await request('POST', '/invitations/accept', {
		body: new URLSearchParams({ token: hiddenFields(walked.pages[0].body, '/invitations/accept').token,
			code: fresh.code, password: newPassword('again') }) });
	assert.equal(again.status, 422, 'the token was used up');
	assert.doesNotMatch(again.body, /id="journey-form"/);
});

test('the addressee\'s language through CSV, XLSX and XML import, and in the exports', async () => {
	const e = await engagement();
	const header = 'group,type,form,respondent_organization,respondent_email,respondent_name,as_of,due_date,label,reference,currency,amount,respondent_locale';
	const a = uniqueEmail('csv-en'), b = uniqueEmail('csv-ja'), c = uniqueEmail('csv-none');
	const csv = [header,
		`1,bank,positive,A銀行,${a},担当,2026-03-31,2026-04-30,預金,,JPY,1,en`,
		`2,bank,positive,B銀行,${b},担当,2026-03-31,2026-04-30,預金,,JPY,1,日本語`,
		`3,bank,positive,C銀行,${c},担当,2026-03-31,2026-04-30,預金,,JPY,1,`].join('\r\n');
	const imp = (body, type) => e.aa.request('POST', `/api/v1/projects/${e.project.id}/confirmations/import`,
		{ body, headers: { 'content-type': type }, timeout: 60000 });
	let res = await imp(csv, 'text/csv');
	assert.equal(res.status, 201, res.body);
	const localeOf = (email) => sql(`SELECT addressee_locale FROM bgw.confirmations WHERE respondent_email = ${q(email)}`);
	assert.deepEqual([localeOf(a), localeOf(b), localeOf(c)], ['en', 'ja', 'ja']);

	const bad = await imp(`${header}\r\n9,bank,positive,Z銀行,${uniqueEmail('z')},担当,2026-03-31,2026-04-30,預金,,JPY,1,fr`, 'text/csv');
	assert.equal(bad.status, 422, bad.body);
	assert.ok(bad.json().error.rows.some((r) => r.column === 'respondent_locale'), bad.body);

	const x = uniqueEmail('xlsx-en');
	res = await imp(xlsx([header.split(','), ['1', 'bank', 'positive', 'X銀行', x, '担当', '2026-03-31', '2026-04-30', '預金', '', 'JPY', '1', 'en']]),
		'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
	assert.equal(res.status, 201, res.body);
	assert.equal(localeOf(x), 'en');

	const m = uniqueEmail('xml-en');
	const xml = `<?xml version="1.0" encoding="UTF-8"?>
<confirmations xmlns="urn:balance-gateway:confirmations:1"><confirmation><type>bank</type><form>positive</form>
<respondent><organization>M銀行</organization><email>${m}</email><name>担当</name><locale>en</locale></respondent>
<as_of>2026-03-31</as_of><due_date>2026-04-30</due_date><items><item><label>預金</label><currency>JPY</currency><amount>1</amount></item></items>
</confirmation></confirmations>`;
	res = await imp(xml, 'application/xml');
	assert.equal(res.status, 201, res.body);
	assert.equal(localeOf(m), 'en');

	const out = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/export.csv`);
	const lines = out.body.replace(/^\uFEFF/, '').split(/\r\n/);
	const at = lines[0].split(',').indexOf('respondent_locale');
	assert.ok(at > 0, lines[0]);
	assert.equal(lines.find((l) => l.includes(a)).split(',')[at], 'en');
	const xmlOut = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/export.xml`);
	assert.match(xmlOut.body, new RegExp(`<email>${m}</email>\\s*<name>担当</name>\\s*<locale>en</locale>`));
});
