// First-access codes per side (lane h2): the project's code opens the audit and client
// sides only; each respondent organisation gets its own code when the first confirmation
// to it is sent, travelling the way the audit team chose (phone, letter, a second mail); an
// audit admin can replace a lost one; and a member cannot mark itself verified in the
// database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	addMember, accept, signIn, tokenFromMail, mailTo, mailText, decodeHeader, uniqueEmail, sql,
	canary, enterCode,
} from './lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendConfirmation } from './lib/engagement.mjs';

const CODE = /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/;
// The code as the code mail (lib/mail/mailtpl.c respondent_code, ja or en) writes it.
const MAILED = /(?:初回認証コード：|First-access code: )([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/;
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

const access = (c, pid, code) => c.request('POST', `/api/v1/projects/${pid}/access`, { body: { code } });

/** A new confirmation to a new organisation, authorised and address-checked (not sent). */
async function ready(e, email = uniqueEmail('bank')) {
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	await act(e.aa, conf.id, 'address-check', { method: 'phone', note: '代表番号に架電' }, 201);
	return { conf, email };
}

/** The addressee opens its account from the request mail (not past any code yet). */
async function addressee(email) {
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name: '銀行 花子' });
	return signIn(email, password);
}

function failures(pid, uid) {
	return Number(sql(`SELECT code_failures FROM bgw.memberships WHERE project_id = ${q(pid)} AND user_id = ${q(uid)}`));
}

test("the client's code opens nothing on the respondent side, the respondent's nothing on the client side", async () => {
	const e = await engagement();
	const { conf, email } = await ready(e);
	// Phone: the answer carries the code this once.
	const sent = (await act(e.aa, conf.id, 'send', { code_channel: 'phone' })).json();
	assert.equal(sent.confirmation.status, 'sent');
	assert.equal(sent.code_issued, true);
	assert.equal(sent.code_channel, 'phone');
	assert.match(canary(sent.respondent_code), CODE);
	assert.notEqual(sent.respondent_code, e.code);
	// Nothing the confirmation shows afterwards holds it.
	const later = await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.ok(!later.body.includes(sent.respondent_code));

	const ra = await addressee(email);
	const wrong = await access(ra, e.project.id, e.code);
	assert.equal(wrong.status, 422, wrong.body);
	assert.equal(wrong.json().error.code, 'wrong_code');
	assert.equal(failures(e.project.id, ra.user.id), 1, 'the client code counts as a wrong code');
	const blocked = await ra.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(blocked.status, 403);
	assert.equal(blocked.json().error.code, 'first_access_code_required');
	const right = await access(ra, e.project.id, sent.respondent_code);
	assert.equal(right.status, 204, right.body);
	assert.equal((await ra.request('GET', `/api/v1/confirmations/${conf.id}`)).status, 200);

	// A new client member: the respondent's code is wrong for it, the project's opens.
	const cm2 = await addMember(e.ca, e.project.id, 'client', false);
	const cross = await access(cm2, e.project.id, sent.respondent_code);
	assert.equal(cross.status, 422, cross.body);
	assert.equal(cross.json().error.code, 'wrong_code');
	assert.equal((await cm2.request('GET', `/api/v1/projects/${e.project.id}`)).status, 403);
	assert.equal((await access(cm2, e.project.id, e.code)).status, 204);
	// So does a new audit member.
	const am2 = await addMember(e.aa, e.project.id, 'audit', false);
	assert.equal((await access(am2, e.project.id, sent.respondent_code)).status, 422);
	assert.equal((await access(am2, e.project.id, e.code)).status, 204);

	// A second confirmation to the same organisation: no new code, the answer says so.
	const { conf: again } = await ready(e, email);
	const second = (await act(e.aa, again.id, 'send')).json();
	assert.equal(second.confirmation.status, 'sent');
	assert.equal(second.code_issued, false);
	assert.equal(second.code_channel, 'phone');
	assert.equal(second.respondent_code, undefined);
	// The organisation's first code still opens it for a new member of the bank.
	const rm = await addMember(ra, e.project.id, 'respondent', false);
	assert.equal((await access(rm, e.project.id, e.code)).status, 422);
	assert.equal((await access(rm, e.project.id, sent.respondent_code)).status, 204);
});

test("one organisation's code does not open another organisation's side", async () => {
	const e = await engagement();
	const a = await ready(e);
	const b = await ready(e);
	const sa = await sendConfirmation(e, a.conf, 'letter');
	const sb = await sendConfirmation(e, b.conf, 'phone');
	assert.equal(sa.code_channel, 'letter');
	assert.match(sa.respondent_code, CODE);
	const rb = await addressee(b.email);
	assert.equal((await access(rb, e.project.id, sa.respondent_code)).status, 422);
	assert.equal((await access(rb, e.project.id, sb.respondent_code)).status, 204);
});

test('a new organisation needs a channel: 422 without one, nothing sent', async () => {
	const e = await engagement();
	const { conf } = await ready(e);
	const none = await act(e.aa, conf.id, 'send', undefined, 422);
	assert.equal(none.json().error.code, 'validation');
	assert.ok('code_channel' in none.json().error.fields, none.body);
	const odd = await act(e.aa, conf.id, 'send', { code_channel: 'fax' }, 422);
	assert.ok('code_channel' in odd.json().error.fields, odd.body);
	const still = await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(still.json().confirmation.status, 'authorized');
});

test('mail: a second mail carries the code and the reference and no link; the audit event records the channel, never the code', async () => {
	const e = await engagement();
	const { conf, email } = await ready(e);
	const sent = (await act(e.aa, conf.id, 'send', { code_channel: 'mail' })).json();
	assert.equal(sent.code_issued, true);
	assert.equal(sent.code_channel, 'mail');
	assert.equal(sent.respondent_code, undefined, 'the mail channel shows no code');

	const [mail, m] = await mailTo(email, MAILED);
	const text = mailText(mail);
	const code = canary(m[1]);
	assert.ok(decodeHeader(mail.subject).includes(conf.reference));
	assert.ok(text.includes(conf.reference));
	assert.ok(!/https?:\/\//.test(text), 'no link in the code mail');
	assert.ok(!text.includes('token='));
	// The request mail is another mail, and holds no code.
	const [request] = await mailTo(email, /\/invitation\?token=/);
	assert.notEqual(request.headers['message-id'], mail.headers['message-id']);
	assert.ok(!mailText(request).includes(code));

	const ra = await addressee(email);
	assert.equal((await access(ra, e.project.id, e.code)).status, 422);
	assert.equal((await access(ra, e.project.id, code)).status, 204);

	const log = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log?per_page=200`);
	assert.equal(log.status, 200, log.body);
	assert.ok(!log.body.includes(code), 'the audit log never holds the code');
	const row = sql(`SELECT detail->>'channel' FROM bgw.audit_events WHERE project_id = ${q(e.project.id)} `
		+ `AND action = 'conf.respondent_code' AND object_id = ${q(conf.id)}`);
	assert.equal(row, 'mail');
	const all = sql(`SELECT string_agg(coalesce(detail::text, ''), ' ') FROM bgw.audit_events WHERE project_id = ${q(e.project.id)}`);
	assert.ok(!all.includes(code) && !all.includes(code.replace(/-/g, '')));
	assert.equal(sql(`SELECT channel FROM bgw.respondent_codes WHERE confirmation_id = ${q(conf.id)}`), 'mail');
});

test('an audit admin replaces a lost respondent code: the old one stops working', async () => {
	const e = await engagement();
	const { conf, email } = await ready(e);
	const path = `/api/v1/confirmations/${conf.id}/respondent-code`;
	// Not before the confirmation is sent.
	const early = await e.aa.request('POST', path, { body: { code_channel: 'phone' } });
	assert.equal(early.status, 409, early.body);
	const first = await sendConfirmation(e, conf, 'phone');
	for (const who of [e.am, e.ca, e.cm]) {
		const r = await who.request('POST', path, { body: { code_channel: 'phone' } });
		assert.equal(r.status, 403, r.body);
	}
	const bad = await e.aa.request('POST', path, { body: {} });
	assert.equal(bad.status, 422, bad.body);
	const fresh = await e.aa.request('POST', path, { body: { code_channel: 'letter' } });
	assert.equal(fresh.status, 200, fresh.body);
	assert.equal(fresh.json().code_issued, true);
	assert.equal(fresh.json().code_channel, 'letter');
	const code = canary(fresh.json().respondent_code);
	assert.match(code, CODE);
	assert.notEqual(code, first.respondent_code);
	const ra = await addressee(email);
	assert.equal((await access(ra, e.project.id, first.respondent_code)).status, 422, 'the replaced code is dead');
	assert.equal((await access(ra, e.project.id, code)).status, 204);
	const events = sql(`SELECT string_agg(detail->>'channel', ',' ORDER BY id) FROM bgw.audit_events `
		+ `WHERE project_id = ${q(e.project.id)} AND action = 'conf.respondent_code'`);
	assert.equal(events, 'phone,letter');

	// By mail: the addressee gets the new code in a mail of its own.
	const byMail = await e.aa.request('POST', path, { body: { code_channel: 'mail' } });
	assert.equal(byMail.status, 200, byMail.body);
	assert.equal(byMail.json().respondent_code, undefined);
	const [, m] = await mailTo(email, MAILED);
	canary(m[1]);
	assert.notEqual(m[1], code);
	const rm = await addMember(ra, e.project.id, 'respondent', false);
	assert.equal((await access(rm, e.project.id, code)).status, 422);
	assert.equal((await access(rm, e.project.id, m[1])).status, 204);
});

/** Run a statement as the application role, bound to user uid as the workers bind it;
 * the statement's output (its last line). */
function asApp(uid, statement) {
	return sql(`BEGIN; SET LOCAL ROLE bgw_app; SET LOCAL search_path = bgw, public; `
		+ `SELECT set_config('app.user_id', ${q(uid)}, true); ${statement}; COMMIT;`).split('\n').pop();
}

test('a member cannot set its own code state in the database: only the code check does', async () => {
	const e = await engagement();
	const cm = await addMember(e.ca, e.project.id, 'client', false);
	const uid = cm.user.id;
	const own = `WHERE project_id = ${q(e.project.id)} AND user_id = ${q(uid)}`;
	assert.throws(() => asApp(uid, `UPDATE memberships SET code_verified_at = now() ${own}`), /permission denied/);
	assert.throws(() => asApp(uid, `UPDATE memberships SET code_failures = 0, code_locked = false ${own}`), /permission denied/);
	// Nor insert a membership already verified (here: into a project it is invited to).
	assert.throws(() => asApp(uid, `INSERT INTO memberships (project_id, user_id, side, admin, code_verified_at) `
		+ `VALUES (${q(e.project.id)}, ${q(uid)}, 'client', false, now())`), /permission denied/);
	assert.equal(sql(`SELECT code_verified_at IS NULL FROM bgw.memberships ${own}`), 't');
	const blocked = await cm.request('GET', `/api/v1/projects/${e.project.id}`);
	assert.equal(blocked.status, 403);
	assert.equal(blocked.json().error.code, 'first_access_code_required');
	// The check itself, called directly with a wrong code, counts a failure; with the right
	// one it verifies.
	assert.equal(asApp(uid, `SELECT membership_code_check(${q(e.project.id)}, 'WRONG-CODE-0000')`), 'wrong');
	assert.equal(failures(e.project.id, uid), 1);
	assert.equal(asApp(uid, `SELECT membership_code_check(${q(e.project.id)}, ${q(e.code)})`), 'ok');
	assert.equal((await cm.request('GET', `/api/v1/projects/${e.project.id}`)).status, 200);
	// Another member cannot lift a lock: only an audit admin.
	assert.equal(asApp(uid, `SELECT membership_code_unlock(${q(e.project.id)}, ${q(uid)})`), 'f');
	assert.equal(asApp(e.aa.user.id, `SELECT membership_code_unlock(${q(e.project.id)}, ${q(uid)})`), 't');
	// And through the API the member is told what the code check says.
	await enterCode(cm, e.project.id, e.code);
});
