// What must not be left lying around or shown to the wrong side: the audit team's reasons
// and alternative procedures to a respondent; a project, its client and its requests to a
// user who has not entered the first-access code; columns of its confirmations a
// respondent's actions never change; live tokens in the outbox once a mail is sent; the
// configuration to nginx's workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import {
	newFirm, newProject, addMember, enterCode, uniqueEmail, tokenFromMail, accept, signIn, sql,
	newPassword, totp,
} from './lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act, ITEMS } from './lib/engagement.mjs';
import { request, freshSource } from './lib/stack.mjs';

const get = (c, cid) => c.request('GET', `/api/v1/confirmations/${cid}`);

/** Take a new confirmation to sent; the addressee opens its account but does NOT enter
 * the code.  Resolves with {conf, ra, email, code} (code: its organisation's, read out on
 * the phone). */
async function sendWithoutCode(e) {
	const email = uniqueEmail('bank');
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	await act(e.aa, conf.id, 'address-check', { method: 'phone', note: '代表番号に架電し担当部署を確認' }, 201);
	const { respondent_code: code } = (await act(e.aa, conf.id, 'send', { code_channel: 'phone' })).json();
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name: '銀行 花子' });
	return { conf, ra: await signIn(email, password), email, code };
}

test('a respondent never reads the audit team\'s or the client\'s reasons, nor the alternative procedures', async () => {
	const tag = crypto.randomBytes(4).toString('hex');
	const e = await engagement();
	const email = uniqueEmail('bank');
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	await act(e.aa, conf.id, 'submit');
	const internal = `社内検討メモ ${tag}: 取引先の信用不安`;
	await act(e.ca, conf.id, 'return', { reason: internal });
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	await act(e.aa, conf.id, 'address-check', { method: 'phone', note: '代表番号に架電' }, 201);
	const { respondent_code: code } = (await act(e.aa, conf.id, 'send', { code_channel: 'phone' })).json();
	const { password } = await accept(await tokenFromMail(email, '/invitation'));
	const ra = await signIn(email, password);
	await enterCode(ra, e.project.id, code);

	const seen = await get(ra, conf.id);
	assert.equal(seen.status, 200);
	assert.equal(seen.json().confirmation.status_reason, null);
	assert.ok(!seen.body.includes(tag), 'the client\'s return reason reaches the respondent');
	const page = await ra.request('GET', `/confirmations/${conf.id}`);
	assert.equal(page.status, 200);
	assert.ok(!page.body.includes(tag), 'the return reason is on the respondent\'s page');
	assert.equal((await get(e.aa, conf.id)).json().confirmation.status_reason, internal,
		'the audit team still reads it');

	// Its own decline it reads back; the audit team's alternative procedures it does not.
	const own = `当行に該当口座なし ${tag}`;
	await act(ra, conf.id, 'decline', { reason: own });
	assert.equal((await get(ra, conf.id)).json().confirmation.status_reason, own);
	const alt = `代替手続 ${tag}: 期末後入金を通帳で確認`;
	await act(e.aa, conf.id, 'close', { alternative_procedures: alt });
	const after = await get(ra, conf.id);
	assert.equal(after.status, 200);
	assert.equal(after.json().confirmation.alternative_procedures, null);
	assert.ok(!after.body.includes(alt));
	assert.ok(!(await ra.request('GET', `/confirmations/${conf.id}`)).body.includes('期末後入金'));
	assert.equal((await get(e.aa, conf.id)).json().confirmation.alternative_procedures, alt);
});

test('before the first-access code the inbox and project list show only the asking firm', async () => {
	const tag = crypto.randomBytes(4).toString('hex');
	const aa = await newFirm();
	const project = await newProject(aa, `極秘監査案件 ${tag}`);
	const ca = await addMember(aa, project.id, 'client', true);
	await enterCode(ca, project.id, project.first_access_code);
	const e = { aa, ca, project, code: project.first_access_code };
	const { conf, ra, code } = await sendWithoutCode(e);
	const secrets = [tag, '株式会社サンプル商事', conf.reference, ITEMS[0].reference];

	const inbox = await ra.request('GET', '/api/v1/inbox');
	assert.equal(inbox.status, 200);
	assert.deepEqual(inbox.json().items, []);
	assert.deepEqual(inbox.json().code_required,
		[{ project_id: project.id, audit_firm: aa.firm, mfa_setup_required: false }]);
	const list = await ra.request('GET', '/api/v1/projects');
	assert.equal(list.json().items.length, 1);
	const item = list.json().items[0];
	assert.equal(item.id, project.id);
	assert.equal(item.code_entered, false);
	assert.equal(item.audit_firm, aa.firm);
	assert.equal(item.name, null);
	assert.equal(item.client_name, null);
	for (const res of [inbox, list, await ra.request('GET', '/inbox'), await ra.request('GET', '/projects')]) {
		assert.equal(res.status, 200);
		for (const s of secrets) assert.ok(!res.body.includes(s), `${s} shown before the code`);
	}
	assert.ok((await ra.request('GET', '/inbox')).body.includes(`/projects/${project.id}/access`),
		'the inbox page leads to the code');

	await enterCode(ra, project.id, code);
	const open = await ra.request('GET', '/api/v1/inbox');
	assert.equal(open.json().items.length, 1);
	assert.equal(open.json().items[0].reference, conf.reference);
	assert.equal(open.json().items[0].project.client_name, '株式会社サンプル商事');
	assert.deepEqual(open.json().code_required, []);
	assert.equal((await ra.request('GET', '/api/v1/projects')).json().items[0].name, `極秘監査案件 ${tag}`);
	assert.ok((await ra.request('GET', '/inbox')).body.includes(conf.reference));
});

/** Turn MFA on for c's account; resolves with a new signed-in client (every session of the
 * account ends when MFA changes). */
async function enrol(c) {
	const { secret } = (await c.request('POST', '/api/v1/me/mfa')).json();
	const step = Math.floor(Date.now() / 30000);
	assert.equal((await c.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } })).status, 200);
	return signIn(c.email, c.password, { otp: totp(secret, step + 1) });
}

test('before the MFA a project requires is set up, the same: only the asking firm', async () => {
	const tag = crypto.randomBytes(4).toString('hex');
	const aa = await newFirm();
	const project = await newProject(aa, `二要素必須案件 ${tag}`);
	const ca = await addMember(aa, project.id, 'client', true);
	await enterCode(ca, project.id, project.first_access_code);
	const { conf, ra, code } = await sendWithoutCode({ aa, ca, project, code: project.first_access_code });
	await enterCode(ra, project.id, code);
	const aa2 = await enrol(aa);
	const set = await aa2.request('PATCH', `/api/v1/projects/${project.id}`, { body: { mfa_required: true } });
	assert.equal(set.status, 200, set.body);

	const item = (await ra.request('GET', '/api/v1/projects')).json().items[0];
	assert.equal(item.name, null, 'the project\'s name before MFA');
	assert.equal(item.client_name, null);
	assert.equal(item.code_entered, true);
	assert.equal(item.mfa_setup_required, true);
	const inbox = await ra.request('GET', '/api/v1/inbox');
	assert.deepEqual(inbox.json().items, []);
	assert.deepEqual(inbox.json().code_required,
		[{ project_id: project.id, audit_firm: aa.firm, mfa_setup_required: true }]);
	for (const path of ['/api/v1/projects', '/api/v1/inbox', '/inbox', '/projects']) {
		const res = await ra.request('GET', path);
		assert.equal(res.status, 200);
		for (const s of [tag, '株式会社サンプル商事', conf.reference]) {
			assert.ok(!res.body.includes(s), `${path} shows ${s} before MFA`);
		}
	}
	const ra2 = await enrol(ra);
	assert.equal((await ra2.request('GET', '/api/v1/inbox')).json().items[0].reference, conf.reference);
	assert.equal((await ra2.request('GET', '/api/v1/projects')).json().items[0].name, `二要素必須案件 ${tag}`);
});

/** Run statements as bgw_app with the user bound, as a worker's transaction does. */
function asApp(uid, statement) {
	return sql(`SET ROLE bgw_app; SELECT set_config('app.user_id', '${uid}', false); ${statement}`);
}

test('row-level security lets a respondent change only what its actions change', async () => {
	const e = await engagement();
	const { conf, ra, code } = await sendWithoutCode(e);
	await enterCode(ra, e.project.id, code);
	assert.equal((await get(ra, conf.id)).json().confirmation.status, 'opened');
	const uid = ra.user.id;
	for (const set of ["shared_with_client = true", "respondent_email = 'thief@example.test'",
		"due_date = due_date + 30", "status = 'agreed'", "alternative_procedures = 'x'",
		"undeliverable = true"]) {
		assert.throws(() => asApp(uid, `UPDATE bgw.confirmations SET ${set} WHERE id = '${conf.id}'`),
			/a respondent cannot/, set);
	}
	assert.equal(sql(`SELECT shared_with_client::text || respondent_email FROM bgw.confirmations WHERE id = '${conf.id}'`),
		`false${conf.respondent.email}`);
	// The audit team's own updates are not narrowed (it shares, under the same policy).
	assert.match(asApp(e.aa.user.id, `UPDATE bgw.confirmations SET updated_at = now() WHERE id = '${conf.id}' RETURNING id`),
		new RegExp(conf.id));
	// The respondent's own steps still work: answer and approve.
	const items = (await get(ra, conf.id)).json().confirmation.items;
	await act(ra, conf.id, 'response', {
		items: items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 花子', title: '課長' } }, 201);
	assert.equal((await get(e.aa, conf.id)).json().confirmation.status, 'answered');
});

/** The outbox row of the newest mail of kind to `to`, once the sender marked it sent. */
async function sentRow(kind, to) {
	for (let i = 0; i < 100; i++) {
		const row = sql(`SELECT natural_key || '|' || body || '|' || status FROM bgw.outbox
			WHERE kind = '${kind}' AND to_address = '${to}' ORDER BY created_at DESC LIMIT 1`);
		if (row.endsWith('|sent')) return row;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`no sent ${kind} mail to ${to}`);
}

test('once a mail is sent its outbox row holds no token, and the token still works', async () => {
	const aa = await newFirm();
	const project = await newProject(aa);
	const email = uniqueEmail('client-admin');
	const inv = await aa.request('POST', `/api/v1/projects/${project.id}/members`, {
		body: { email, side: 'client', admin: true } });
	assert.equal(inv.status, 201, inv.body);
	const token = await tokenFromMail(email, '/invitation');
	const row = await sentRow('invitation', email);
	assert.ok(!row.includes(token), `the invitation token stays in the outbox: ${row.split('|')[0]}`);
	assert.match(row, /^invitation:sha256:[0-9a-f]{64}\|\|sent$/);
	const { password } = await accept(token);
	const c = await signIn(email, password);

	const reset = await request('POST', '/api/v1/password-reset', { source: freshSource(), body: { email } });
	assert.equal(reset.status, 202, reset.body);
	const resetToken = await tokenFromMail(email, '/password-reset');
	const resetRow = await sentRow('password_reset', email);
	assert.ok(!resetRow.includes(resetToken), 'the reset token stays in the outbox');
	assert.match(resetRow, /^password_reset:sha256:[0-9a-f]{64}\|\|sent$/);
	const done = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token: resetToken, password: newPassword('reset') } });
	assert.equal(done.status, 204, done.body);
	assert.ok(c);
	// A key is still unique: the same invitation queued again is not a second row.
	assert.equal(sql(`SELECT count(*) FROM bgw.outbox WHERE kind = 'invitation' AND to_address = '${email}'`), '1');
});

test('bgw.conf is readable by the bgw services, not by nginx\'s workers', () => {
	const conf = process.env.BGW_CONFIG;
	assert.ok(fs.existsSync(conf));
	const nginxConf = fs.readFileSync(`${process.env.BGW_STACK_DIR}/nginx/conf/nginx.conf`, 'utf8');
	const [, user, group] = nginxConf.match(/^user\s+(\S+)\s+(\S+);/m);
	const as = (args) => spawnSync('setpriv', [...args, '--', 'cat', conf], { encoding: 'utf8' });
	const worker = as([`--reuid=${user}`, `--regid=${group}`, '--clear-groups']);
	assert.notEqual(worker.status, 0, `nginx's worker (${user}:${group}) can read bgw.conf`);
	assert.equal((fs.statSync(conf).mode & 0o077), 0, 'bgw.conf is open to its group or others');
	const service = as(['--reuid=bgw', '--regid=bgw', '--init-groups']);
	assert.equal(service.status, 0, service.stderr);
	assert.match(service.stdout, /^db = /m);
});
