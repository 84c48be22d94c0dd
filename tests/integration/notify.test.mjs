// notify.test.mjs: the batch job (bgw-notify --once --now ...) against the real stack and
// SMTP sink.  Each scenario lives in its own stretch of the past (projects and sending
// dates moved back with SQL, the batch's clock moved with --now), so the confirmations of
// tests running beside these (sent today) are never due for these runs.  Scenarios run in
// order, each in a later era than the one before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { settle, request, messages } from './lib/stack.mjs';
import { sql, mailText, mailHtml, mailParts, decodeHeader, uniqueEmail } from './lib/world.mjs';
import { engagement, sendToRespondent, createConfirmation, confirmationBody, act,
	respondentMember } from './lib/engagement.mjs';
import { runOnce, startOnce, mailsTo, drained, backdate, cloneSent } from './lib/notify.mjs';

const count = (q) => Number(sql(q));
const events = (cid, action) => count(`SELECT count(*) FROM bgw.audit_events
	WHERE object_id = '${cid}' AND action = '${action}'`);

async function once(now) {
	const r = await runOnce(now);
	assert.equal(r.code, 0, r.out);
	return r;
}

test('reminders follow the schedule: before, after, then every N days; alerts and digest', async () => {
	const e = await engagement();
	const { conf, email } = await sendToRespondent(e);
	backdate(e.project.id);
	sql(`UPDATE bgw.confirmations SET sent_at = '2024-03-01T00:00:00Z', as_of = '2024-02-29',
		due_date = '2024-03-31' WHERE id = '${conf.id}'`);
	const reminders = () => mailsTo(email).filter((m) => /再送|Reminder/.test(decodeHeader(m.subject)));
	const to = (c, kind) => mailsTo(c.email).filter((m) => kind.test(decodeHeader(m.subject)));

	await once('2024-03-20T00:00:00Z');           // 11 days before: nothing yet
	await drained(email);
	assert.equal(reminders().length, 0);
	assert.equal(to(e.aa, /状況|status/).length, 1, 'the day\'s digest to the audit admin');

	await once('2024-03-25T00:00:00Z');           // the 7-days-before slot (03-24)
	await drained(email);
	assert.equal(reminders().length, 1);
	const text = mailText(reminders()[0]);
	assert.match(decodeHeader(reminders()[0].subject), new RegExp(conf.reference));
	assert.match(text, new RegExp(conf.reference));
	assert.match(text, /\/verify\b/);
	assert.doesNotMatch(text, /1250000|1,250,000|1042\.50/, 'no amount in a respondent mail');
	assert.equal(to(e.aa, /状況|status/).length, 2, 'one digest a day to the audit admin');
	assert.equal(to(e.am, /状況|status/).length, 0, 'no digest to an audit member');

	await once('2024-03-25T06:00:00Z');           // a rerun the same day sends nothing new
	await drained(email);
	assert.equal(reminders().length, 1);
	assert.equal(to(e.aa, /状況|status/).length, 2);

	await once('2024-04-02T00:00:00Z');           // overdue; the after-slot is 04-03
	await drained(email);
	assert.equal(reminders().length, 1);
	for (const c of [e.aa, e.am]) assert.equal(to(c, /期限|due date/).length, 1, `overdue alert to ${c.email}`);
	for (const c of [e.ca, e.cm]) assert.equal(to(c, /期限|due date/).length, 0);

	await once('2024-04-03T00:00:00Z');           // 3 days after the due date
	await once('2024-04-12T00:00:00Z');           // then every 7 days: the 04-10 slot
	await drained(email);
	assert.equal(reminders().length, 3);
	for (const c of [e.aa, e.am]) assert.equal(to(c, /期限|due date/).length, 1, 'told once');

	const got = await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(got.json().confirmation.reminders_sent, 3);
	assert.equal(events(conf.id, 'notify.reminder'), 3, 'each reminder in the history');
	assert.equal(events(conf.id, 'notify.overdue_alert'), 2, 'the alert of each auditor');
});

test('audit admins edit the schedule; others may not', async () => {
	const e = await engagement();
	const path = `/api/v1/projects/${e.project.id}/reminders`;
	let r = await e.aa.request('GET', path);
	assert.equal(r.status, 200, r.body);
	assert.deepEqual(r.json().reminders, { days_before: 7, days_after: 3, every_days: 7 });
	r = await e.aa.request('PATCH', path, { body: { days_before: 2, every_days: null } });
	assert.equal(r.status, 200, r.body);
	assert.deepEqual(r.json().reminders, { days_before: 2, days_after: 3, every_days: null });
	r = await e.aa.request('PATCH', path, { body: { every_days: 0 } });
	assert.equal(r.status, 422, r.body);
	for (const c of [e.am, e.ca]) {
		r = await c.request('PATCH', path, { body: { days_before: 1 } });
		assert.equal(r.status, 403, `${c.email}: ${r.status} ${r.body}`);
	}
	assert.equal(count(`SELECT count(*) FROM bgw.audit_events WHERE project_id = '${e.project.id}'
		AND action = 'project.reminders'`), 1);
});

test('pending authorisation reminds client admins; pending approval, respondent admins', async () => {
	const e = await engagement();
	backdate(e.project.id);
	const waiting = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	await act(e.aa, waiting.id, 'submit');
	sql(`UPDATE bgw.confirmations SET updated_at = '2025-01-01T00:00:00Z' WHERE id = '${waiting.id}'`);

	const { conf, ra } = await sendToRespondent(e);
	const rm = await respondentMember(e, ra);
	const full = (await rm.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
	const res = await rm.request('POST', `/api/v1/confirmations/${conf.id}/response`, { body: {
		items: full.items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 次郎', title: '担当' } } });
	assert.equal(res.status, 201, res.body);
	sql(`UPDATE bgw.confirmations SET sent_at = '2025-01-01T00:00:00Z', as_of = '2024-12-31',
		due_date = '2025-03-31' WHERE id = '${conf.id}';
		UPDATE bgw.responses SET submitted_at = '2025-01-02T00:00:00Z' WHERE confirmation_id = '${conf.id}'`);

	await once('2025-01-09T03:00:00Z');           // 8 and 7 days of waiting
	await drained('%@example.test');
	const subj = (c) => mailsTo(c.email).map((m) => decodeHeader(m.subject));
	assert.equal(subj(e.ca).filter((s) => /発送承認|authorisation/.test(s)).length, 1);
	assert.equal(subj(e.cm).filter((s) => /発送承認|authorisation/.test(s)).length, 0);
	assert.equal(subj(ra).filter((s) => /回答の承認|approval/.test(s)).length, 1);
	assert.equal(subj(rm).filter((s) => /回答の承認|approval/.test(s)).length, 0);
	const approval = mailsTo(ra.email).find((m) => /回答の承認|approval/.test(decodeHeader(m.subject)));
	assert.match(mailText(approval), new RegExp(conf.reference));
	assert.match(mailText(approval), /\/verify\b/);
	assert.equal(events(waiting.id, 'notify.auth_reminder'), 1);
	assert.equal(events(conf.id, 'notify.approval_reminder'), 1);
});

test('two runs at once queue and send each reminder once', async () => {
	const e = await engagement();
	const { conf } = await sendToRespondent(e);
	backdate(e.project.id);
	const tag = `conc-${crypto.randomBytes(4).toString('hex')}`;
	cloneSent(conf.id, 40, tag, { sent: '2026-01-01T00:00:00Z', due: '2026-01-31', asOf: '2025-12-31' });
	const [a, b] = await Promise.all([runOnce('2026-01-26T00:00:00Z'), runOnce('2026-01-26T00:00:00Z')]);
	assert.equal(a.code, 0, a.out);
	assert.equal(b.code, 0, b.out);
	await drained(`${tag}-%`);
	for (let i = 1; i <= 40; i++) assert.equal(mailsTo(`${tag}-${i}@`).length, 1, `${tag}-${i}`);
	assert.equal(count(`SELECT count(*) FROM bgw.outbox WHERE to_address::text LIKE '${tag}-%'`), 40);
	assert.equal(count(`SELECT count(*) FROM bgw.audit_events e JOIN bgw.confirmations c ON c.id = e.object_id
		WHERE c.respondent_email::text LIKE '${tag}-%' AND e.action = 'notify.reminder'`), 40);
	assert.equal(count(`SELECT sum(reminders_sent) FROM bgw.confirmations WHERE respondent_email::text LIKE '${tag}-%'`), 40);
});

test('a run killed half-way, and a rerun, send every reminder once', async () => {
	const e = await engagement();
	const { conf } = await sendToRespondent(e);
	backdate(e.project.id);
	const tag = `kill-${crypto.randomBytes(4).toString('hex')}`;
	const n = 300;
	cloneSent(conf.id, n, tag, { sent: '2026-02-01T00:00:00Z', due: '2026-02-28', asOf: '2026-01-31' });
	const queued = () => count(`SELECT count(*) FROM bgw.outbox WHERE to_address::text LIKE '${tag}-%'`);
	const child = startOnce('2026-02-22T00:00:00Z');
	const end = Date.now() + 20000;
	while (queued() === 0 && Date.now() < end) await settle(10);
	child.kill('SIGKILL');
	await new Promise((r) => child.on('close', r));
	const before = queued();
	assert.ok(before > 0, 'the run had started queueing');
	// A claim the killed run held stays leased; moving the clock past the lease is what time
	// would do.
	sql(`UPDATE bgw.outbox SET locked_until = now() - interval '1 second'
		WHERE status = 'sending' AND to_address::text LIKE '${tag}-%'`);
	await once('2026-02-22T00:00:00Z');
	// 300 mails through the SMTP sink: two minutes leave room for a loaded 2-core machine.
	await drained(`${tag}-%`, 120000);
	assert.equal(queued(), n);
	const counts = new Map();
	for (const m of mailsTo(`${tag}-`)) {
		const k = String(m.to).match(new RegExp(`${tag}-\\d+@`))[0];
		counts.set(k, (counts.get(k) ?? 0) + 1);
	}
	assert.equal(counts.size, n, `killed after ${before} queued: every address got its reminder`);
	assert.deepEqual([...counts.values()].filter((v) => v !== 1), [], 'none twice');
	assert.equal(count(`SELECT count(*) FROM bgw.audit_events e JOIN bgw.confirmations c ON c.id = e.object_id
		WHERE c.respondent_email::text LIKE '${tag}-%' AND e.action = 'notify.reminder'`), n);
});

test('a mail refused for good marks the confirmation undeliverable; the audit admin corrects it', async () => {
	const e = await engagement();
	const { conf } = await sendToRespondent(e);
	backdate(e.project.id);
	// An address no relay takes (not ASCII): test-only, as a bounce would leave it.
	const bad = `未達-${crypto.randomBytes(3).toString('hex')}@example.test`;
	sql(`UPDATE bgw.confirmations SET respondent_email = '${bad}', sent_at = '2026-03-01T00:00:00Z',
		as_of = '2026-02-28', due_date = '2026-03-31' WHERE id = '${conf.id}'`);
	await once('2026-03-25T00:00:00Z');
	const end = Date.now() + 20000;
	let c;
	do {
		await settle(200);
		c = (await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
	} while (!c.undeliverable && Date.now() < end);
	assert.equal(c.undeliverable, true);
	assert.equal(events(conf.id, 'notify.undeliverable'), 1);

	const good = uniqueEmail('corrected');
	// Only the audit admin readdresses, with its check of the new address (0018).
	const check = { method: 'phone', note: '代表番号に架電し正しい宛先を確認' };
	let r = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/addressee`,
		{ body: { email: good, name: '経理部 ご担当者', address_check: check } });
	assert.equal(r.status, 200, r.body);
	assert.equal(r.json().confirmation.undeliverable, false);
	assert.equal(events(conf.id, 'conf.addressee'), 1);
	await drained(good);
	const mails = mailsTo(good);
	assert.equal(mails.length, 1);
	assert.match(mailText(mails[0]), /\/invitation\?token=/);
	assert.match(mailText(mails[0]), new RegExp(conf.reference));
	r = await e.aa.request('POST', `/api/v1/confirmations/${conf.id}/addressee`,
		{ body: { email: good, name: 'again', address_check: check } });
	assert.equal(r.status, 409, 'only an undeliverable one is corrected');
	assert.equal(r.json().error.code, 'invalid_state');
	r = await e.ca.request('POST', `/api/v1/confirmations/${conf.id}/addressee`,
		{ body: { email: good, name: 'client' } });
	assert.equal(r.status, 403, r.body);
});

test('notification preferences change what the batch sends (issue 22)', async () => {
	const e = await engagement();
	const { conf } = await sendToRespondent(e);
	backdate(e.project.id);
	sql(`UPDATE bgw.confirmations SET sent_at = '2026-05-01T00:00:00Z', as_of = '2026-04-30',
		due_date = '2026-05-10' WHERE id = '${conf.id}'`);
	const to = (c, kind) => mailsTo(c.email).filter((m) => kind.test(decodeHeader(m.subject)));
	const path = '/api/v1/me/notifications';

	let r = await e.aa.request('GET', path);
	assert.equal(r.status, 200, r.body);
	assert.deepEqual(r.json().notifications, { digest: 'daily', overdue_alerts: true, answer_mail: false },
		'the safe defaults: what every user had before');
	r = await e.aa.request('PATCH', path, { body: { digest: 'off' } });
	assert.equal(r.status, 200, r.body);
	assert.deepEqual(r.json().notifications, { digest: 'off', overdue_alerts: true, answer_mail: false });
	r = await e.am.request('PATCH', path, { body: { overdue_alerts: false } });
	assert.equal(r.status, 200, r.body);
	r = await e.am.request('PATCH', path, { body: { digest: 'hourly' } });
	assert.equal(r.status, 422, r.body);

	await once('2026-05-12T00:00:00Z');           // overdue since 05-10
	await drained('%@example.test');
	assert.equal(to(e.aa, /状況|status/).length, 0, 'digest off: none');
	assert.equal(to(e.aa, /期限|due date/).length, 1, 'alerts still on for the audit admin');
	assert.equal(to(e.am, /期限|due date/).length, 0, 'alerts off for the audit member');

	r = await e.aa.request('PATCH', path, { body: { digest: 'weekly' } });
	assert.equal(r.status, 200, r.body);
	await once('2026-05-13T00:00:00Z');           // a Wednesday in Tokyo
	await drained('%@example.test');
	assert.equal(to(e.aa, /状況|status/).length, 0, 'weekly: not on a Wednesday');
	await once('2026-05-18T00:00:00Z');           // Monday 09:00 in Tokyo
	await drained('%@example.test');
	assert.equal(to(e.aa, /状況|status/).length, 1, 'weekly: on the Monday');
	assert.equal((await e.aa.request('GET', path)).json().notifications.digest, 'weekly');
});

// --- mail people act on (issue 22 item 6) --------------------------------------------------

/** The text a reader sees in an HTML part: tags out, entities decoded, one line per line. */
function htmlText(html) {
	return html.replace(/<title>.*?<\/title>/s, '').replace(/<br>\n?|<\/p>|<hr>/g, '\n')
		.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Both parts of m carry the same facts: every line of the plain text is in the HTML's
 * text, and every https link of the plain text is a link in the HTML. */
function assertSameFacts(m) {
	const what = `${decodeHeader(m.subject)} to ${m.to}`;
	assert.match(String(m.headers['content-type']), /^multipart\/alternative; boundary=/, what);
	assert.deepEqual(mailParts(m).map((p) => p.type), ['text/plain', 'text/html'], what);
	const plain = mailText(m);
	const html = mailHtml(m);
	const seen = htmlText(html);
	for (const line of plain.split('\n').map((l) => l.trim()).filter((l) => l && l !== '--'))
		assert.ok(seen.includes(line), `${what}: "${line}" is not in the HTML part`);
	for (const url of plain.match(/https:\/\/\S+/g) ?? [])
		assert.ok(html.includes(`href="${url.replace(/&/g, '&amp;')}"`), `${what}: ${url} is no link in the HTML part`);
	assert.doesNotMatch(html, /<script|javascript:/i, what);
}

const oneClick = { body: 'List-Unsubscribe=One-Click',
	headers: { 'content-type': 'application/x-www-form-urlencoded' } };

test('a digest carries List-Unsubscribe; its one-click POST turns the digest off; a forged link changes nothing (issue 22)', async () => {
	const e = await engagement();
	backdate(e.project.id);
	const digests = () => mailsTo(e.aa.email).filter((m) => /状況|status/.test(decodeHeader(m.subject)));
	const pref = (uid) => sql(`SELECT coalesce((SELECT digest FROM bgw.notification_prefs
		WHERE user_id = '${uid}'), 'daily')`);

	await once('2026-06-02T00:00:00Z');
	await drained('%@example.test');
	assert.equal(digests().length, 1);
	const d = digests()[0];
	const lu = String(d.headers['list-unsubscribe']);
	const m = lu.match(/^<(https:\/\/[^>]+(\/unsubscribe\/([A-Za-z0-9_-]{16})\.([0-9a-f]{32})))>$/);
	assert.ok(m, `List-Unsubscribe: ${lu}`);
	const [, link, path, uid, sig] = m;
	assert.equal(d.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
	assert.equal(uid, sql(`SELECT id FROM bgw.users WHERE email = '${e.aa.email}'`), 'the link names the addressee');
	assertSameFacts(d);
	assert.ok(mailText(d).includes(link), 'the plain part shows the link');
	for (const c of [e.aa, e.am, e.ca])
		for (const other of mailsTo(c.email).filter((x) => x.file !== d.file))
			assert.equal(other.headers['list-unsubscribe'], undefined, 'only a digest carries List-Unsubscribe');

	// Forged or altered links: 404, and no preference changes.
	const am = sql(`SELECT id FROM bgw.users WHERE email = '${e.am.email}'`);
	const flipped = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
	for (const bad of [`/unsubscribe/${uid}.${flipped}`, `/unsubscribe/${am}.${sig}`,
		`/unsubscribe/${uid}`, `/unsubscribe/${uid}.${sig.slice(0, 24)}`]) {
		const r = await request('POST', bad, oneClick);
		assert.equal(r.status, 404, `${bad}: ${r.status}`);
		const g = await request('GET', bad);
		assert.equal(g.status, 404, `GET ${bad}: ${g.status}`);
	}
	assert.equal(pref(uid), 'daily', 'a forged link changed the digest');
	assert.equal(pref(am), 'daily', 'a forged link changed another user\'s digest');

	// Opening the link (as a link scanner would) changes nothing; it shows a button.
	const page = await request('GET', path);
	assert.equal(page.status, 200, page.body);
	assert.match(page.body, /配信を停止する/);
	assert.match((await request('GET', `${path}?lang=en`)).body, /Stop the digest/);
	assert.equal(pref(uid), 'daily');

	// The provider's one-click POST: no cookie, no CSRF token.
	const r = await request('POST', path, oneClick);
	assert.equal(r.status, 200, r.body);
	assert.match(r.body, /配信を停止しました/);
	assert.equal(pref(uid), 'off');
	assert.equal((await e.aa.request('GET', '/api/v1/me/notifications')).json().notifications.digest, 'off');
	assert.equal(pref(am), 'daily', 'only the addressee\'s digest');

	await once('2026-06-03T00:00:00Z');
	await drained('%@example.test');
	assert.equal(digests().length, 1, 'no digest after the one-click unsubscribe');
});

test('every mail is multipart/alternative with the same facts in both parts; reminders name client and reference and link to the confirmation (issue 22)', async () => {
	const e = await engagement();
	const { conf, email } = await sendToRespondent(e);
	backdate(e.project.id);
	sql(`UPDATE bgw.confirmations SET sent_at = '2026-07-01T00:00:00Z', as_of = '2026-06-30',
		due_date = '2026-07-10' WHERE id = '${conf.id}'`);
	await once('2026-07-04T00:00:00Z');           // the 7-days-before slot (07-03)
	await drained('%@example.test');
	await once('2026-07-12T00:00:00Z');           // overdue: the audit team's alert
	await drained('%@example.test');

	const reminder = mailsTo(email).find((m) => /再送|Reminder/.test(decodeHeader(m.subject)));
	assert.ok(reminder, 'a reminder');
	const client = sql(`SELECT client_name FROM bgw.projects WHERE id = '${e.project.id}'`);
	const project = sql(`SELECT name FROM bgw.projects WHERE id = '${e.project.id}'`);
	for (const part of [mailText(reminder), htmlText(mailHtml(reminder))]) {
		assert.ok(part.includes(client), 'the reminder names the client');
		assert.ok(part.includes(conf.reference), 'the reminder names the reference');
		assert.match(part, /https:\/\/\S+\/(confirmations\/|invitation)/, 'the reminder links to where to act');
	}
	const alert = mailsTo(e.aa.email).find((m) => /期限|due date/.test(decodeHeader(m.subject)));
	assert.ok(alert, 'an overdue alert');
	for (const part of [mailText(alert), htmlText(mailHtml(alert))]) {
		assert.ok(part.includes(project) && part.includes(client), 'the alert names project and client');
		assert.ok(part.includes(`/projects/${e.project.id}`), 'the alert links to the project');
	}
	// Every mail the sink holds (invitations, requests, codes, resets, reminders, alerts,
	// digests of every test so far) has both parts with the same facts.
	// Ours are the outbox's: auto-generated, from a signed per-message return path (the
	// sink's own reports to bounce addresses are not; nor is the unit suite's test_smtp
	// message, sent to the same sink in a whole ./dev test).
	const all = messages().filter((m) => m.headers['auto-submitted'] === 'auto-generated'
		&& /^bounces\+/.test(String(m.headers['x-mailfrom'] ?? '')));
	assert.ok(all.length > 5);
	for (const m of all) assertSameFacts(m);
});
