// account.test.mjs: the account-side pages in Debian's Chromium (playwright-core), in
// Japanese and English: help and verify (public), invitation acceptance (new and existing
// account), password reset, account settings (password change, MFA enrolment with a TOTP
// computed here, the ten recovery codes, sign-in with the code step, MFA off), a project's
// members (invite, remove, unlock, a new access code) and the operator pages.  Every free
// text the pages render carries an XSS payload that must show as text (no dialog, no CSP
// violation); axe-core finds no serious or critical violation on any page; screenshots at
// desktop and phone width go to docs/screenshots/ (listed in docs/user-guide.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { env, messages } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems, XSS, q, bothLanguages } from './lib/harness.mjs';
import { uniqueEmail, newPassword, tokenFromMail, accept, signIn, admin, sql, totp, canary, mailText }
	from '../integration/lib/world.mjs';
import { engagement, createConfirmation, confirmationBody } from '../integration/lib/engagement.mjs';

useBrowser();

/** The tokens of every mail to `to` holding `path?token=`, oldest first. */
function tokensTo(to, linkPath) {
	const re = new RegExp(`${linkPath}\\?token=([A-Za-z0-9_-]{43})`);
	return messages().filter((m) => String(m.to).includes(to))
		.map((m) => mailText(m).match(re)).filter(Boolean).map((m) => canary(m[1]));
}

/** Wait for a mail to `to` with a token not among `known`. */
async function newToken(to, linkPath, known) {
	for (let i = 0; i < 100; i++) {
		const t = tokensTo(to, linkPath).find((x) => !known.includes(x));
		if (t) return t;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no new ${linkPath} mail to ${to}`);
}

let e;      // the engagement: aa, am, ca, cm (API clients), project, code
let sent;   // a confirmation that counts as sent (its reference)

test('set up: an engagement and a sent confirmation; free text holds XSS payloads', async () => {
	e = await engagement();
	sent = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	// The send flow has its own tests (pages.test.mjs, confirmations.test.mjs); the verify page
	// only needs a confirmation that was sent, so it is marked so here.
	sql(`UPDATE bgw.confirmations SET status = 'sent', sent_at = now() WHERE id = ${q(sent.id)}`);
	// Stored behind the WAF's back (it refuses them at the door): this tests the pages' own
	// escaping.
	sql(`UPDATE bgw.organizations SET name = ${q(XSS('firm'))} WHERE id = (SELECT audit_firm_id FROM bgw.projects WHERE id = ${q(e.project.id)})`);
	sql(`UPDATE bgw.projects SET name = ${q(XSS('project'))}, client_name = ${q(XSS('client'))} WHERE id = ${q(e.project.id)}`);
	sql(`UPDATE bgw.users SET name = ${q(XSS('member'))} WHERE id = ${q(e.cm.user.id)}`);
});

test('help and verify pages: both languages, a known and an unknown reference', async () => {
	const h = await bothLanguages(null, '/help', 'help');
	assert.equal(h.en, 'If you received a confirmation request');
	await bothLanguages(null, '/verify', 'verify');
	const { ctx, page } = await contextFor(null, 'en');
	await page.goto(`${env.baseUrl}/help`);
	await page.click('main a[href="/verify"]');
	// Typed as a person would: lower case, with a dash.
	const typed = `${sent.reference.slice(0, 5)}-${sent.reference.slice(5)}`.toLowerCase();
	await page.fill('#f-verify-reference', typed);
	await page.click('main button[type=submit]');
	assert.match(await page.textContent('#verify-result'), /was sent through Balance Gateway/);
	const facts = await page.textContent('dl.facts');
	assert.ok(facts.includes(XSS('firm')), 'the firm name shows as text');
	assert.ok(facts.includes(XSS('client')), 'the client name shows as text');
	await axe(page, 'verify found');
	await shot(page, 'verify-found-en');
	const res = await page.goto(`${env.baseUrl}/verify?reference=ZZZZ-ZZZZ-ZZ`);
	assert.equal(res.status(), 404);
	assert.match(await page.textContent('#verify-result'), /No sent request/);
	await axe(page, 'verify not found');
	await ctx.close();
	noProblems();
});

test('invitation: a new account through the form, then an existing account linked', async () => {
	const email = uniqueEmail('invitee');
	// The audit admin invites through the members page.
	{
		const { ctx, page } = await contextFor(e.aa, 'ja');
		await page.goto(`${env.baseUrl}/projects/${e.project.id}/members`);
		await page.fill('#f-inv-email', email);
		await page.selectOption('#f-inv-side', 'audit');
		await page.click('#h-inv ~ form button[type=submit]');
		assert.match(await page.textContent('.alert.ok'), /招待メールを送りました/);
		await ctx.close();
	}
	const token = await tokenFromMail(email, '/invitation');
	const password = newPassword('inv-page');
	const { ctx, page } = await contextFor(null, 'ja');
	await page.goto(`${env.baseUrl}/invitation?token=${token}`);
	assert.equal(await page.textContent('h1'), '招待の受諾');
	assert.ok((await page.textContent('dl.facts')).includes(email));
	await axe(page, 'invitation ja');
	await shot(page, 'invitation-ja');
	// A short password: the form again, with the error on the field.
	// (An XSS payload would be refused by the WAF at the door; it is stored afterwards.)
	await page.fill('#f-inv-name', 'テスト 花子');
	await page.fill('#f-inv-password', 'short');
	await page.click('main button[type=submit]');
	assert.equal(await page.getAttribute('#f-inv-password', 'aria-invalid'), 'true');
	await axe(page, 'invitation error');
	await page.fill('#f-inv-password', password);
	await page.click('main button[type=submit]');
	assert.match(page.url(), /\/login\?m=inv\.done$/);
	assert.match(await page.textContent('.alert.ok'), /アカウントの準備ができました/);
	sql(`UPDATE bgw.users SET name = ${q(XSS('invitee'))} WHERE lower(email) = lower(${q(email)})`);
	// The link is used up.
	const again = await page.goto(`${env.baseUrl}/invitation?token=${token}`);
	assert.equal(again.status(), 422);
	assert.match(await page.textContent('.alert.err'), /無効か、期限が切れています/);
	// Sign in with the new account; the name shows as text in the header.
	await page.goto(`${env.baseUrl}/login`);
	await page.fill('#f-email', email);
	await page.fill('#f-password', password);
	await page.click('button[type=submit].primary');
	assert.match(page.url(), /\/projects$/);
	assert.ok((await page.textContent('.who')).includes(XSS('invitee')));
	await ctx.close();

	// The audit member is invited into a second project of the firm: the existing account
	// is linked, without a new name or password.
	const p2res = await e.aa.request('POST', '/api/v1/projects', {
		body: { name: 'FY2027', client_name: '株式会社二号', period_end: '2027-03-31' } });
	assert.equal(p2res.status, 201, p2res.body);
	canary(p2res.json().project.first_access_code);
	const known = tokensTo(e.am.email, '/invitation');
	const inv2 = await e.aa.request('POST', `/api/v1/projects/${p2res.json().project.id}/members`,
		{ body: { email: e.am.email, side: 'audit', admin: false } });
	assert.equal(inv2.status, 201, inv2.body);
	const t2 = await newToken(e.am.email, '/invitation', known);
	const { ctx: x2, page: p2 } = await contextFor(null, 'en');
	await p2.goto(`${env.baseUrl}/invitation?token=${t2}`);
	assert.match(await p2.textContent('main'), /already exists/);
	assert.equal(await p2.$('#f-inv-password'), null, 'no password for an existing account');
	await axe(p2, 'invitation existing en');
	await shot(p2, 'invitation-existing-en');
	await p2.click('main button[type=submit]');
	assert.match(p2.url(), /\/login\?m=inv\.done$/);
	await x2.close();
	noProblems();
});

test('password reset: the same answer for any address, then a new password from the mail', async () => {
	const email = uniqueEmail('reset');
	const link = admin('firm-create', '--name', 'Reset firm', '--email', email).trim();
	await accept(canary(new URL(link).searchParams.get('token')), { name: 'リセット 次郎' });
	const { ctx, page } = await contextFor(null, 'en');
	await page.goto(`${env.baseUrl}/login`);
	await page.click('main a[href="/password-reset"]');
	assert.equal(await page.textContent('h1'), 'Reset your password');
	await axe(page, 'reset request');
	await shot(page, 'reset-request-en');
	await page.fill('#f-reset-email', 'nobody-at-all@example.test');
	await page.click('main button[type=submit]');
	const unknown = await page.textContent('.alert.ok');
	await page.fill('#f-reset-email', email);
	await page.click('main button[type=submit]');
	assert.equal(await page.textContent('.alert.ok'), unknown, 'the same answer for both');
	const token = await tokenFromMail(email, '/password-reset');
	await page.goto(`${env.baseUrl}/password-reset?token=${token}`);
	assert.equal(await page.textContent('h1'), 'Set a new password');
	await axe(page, 'reset complete');
	await shot(page, 'reset-complete-en');
	const password = newPassword('reset-page');
	await page.fill('#f-newpw-password', password);
	await page.click('main button[type=submit]');
	assert.match(page.url(), /\/login\?m=reset\.done$/);
	// The link works once.
	await page.goto(`${env.baseUrl}/password-reset?token=${token}`);
	await page.fill('#f-newpw-password', newPassword('reset-again'));
	await page.click('main button[type=submit]');
	assert.match(await page.textContent('.alert.err'), /invalid or has expired/);
	await ctx.close();
	await signIn(email, password);
	noProblems();
});

test('account settings: password change, MFA on with a QR code, sign-in with the code, MFA off', async () => {
	const email = uniqueEmail('mfa');
	const link = admin('firm-create', '--name', XSS('mfa-firm'), '--email', email).trim();
	let password = (await accept(canary(new URL(link).searchParams.get('token')), { name: 'MFA 三郎' })).password;
	sql(`UPDATE bgw.users SET name = ${q(XSS('mfa-user'))} WHERE lower(email) = lower(${q(email)})`);
	const c = await signIn(email, password);
	await bothLanguages(c, '/account', 'account');
	const { ctx, page } = await contextFor(c, 'ja');
	await page.goto(`${env.baseUrl}/account`);
	const dl = await page.textContent('#h-me ~ dl');
	assert.ok(dl.includes(XSS('mfa-user')) && dl.includes(XSS('mfa-firm')));
	// A wrong current password: the error on that field.
	await page.fill('#f-pw-current-password', 'not-my-password-at-all');
	await page.fill('#f-pw-new-password', newPassword('new'));
	await page.click('#h-pw ~ form button[type=submit]');
	assert.equal(await page.getAttribute('#f-pw-current-password', 'aria-invalid'), 'true');
	await axe(page, 'account password error');
	const fresh = newPassword('changed');
	await page.fill('#f-pw-current-password', password);
	await page.fill('#f-pw-new-password', fresh);
	await page.click('#h-pw ~ form button[type=submit]');
	assert.match(page.url(), /\/account\?m=acct\.changed$/);
	password = fresh;

	// MFA enrolment.
	await page.click('#h-mfa ~ form button[type=submit]');
	assert.equal(await page.getAttribute('svg.qr', 'role'), 'img');
	// Shown in groups of four for reading; apps take it with or without the spaces.
	const secret = (await page.textContent('#mfa-secret')).replace(/\s+/g, '');
	canary(secret);
	assert.match(secret, /^[A-Z2-7]{32}$/);
	await axe(page, 'mfa enrol');
	await shot(page, 'mfa-enrol-ja');
	const step = Math.floor(Date.now() / 30000);
	await page.fill('#f-mfa-otp', totp(secret, step - 5)); // far too old: refused
	await page.click('main form[action="/me/mfa/verify"] button');
	assert.equal(await page.getAttribute('#f-mfa-otp', 'aria-invalid'), 'true');
	await page.fill('#f-mfa-otp', totp(secret, step));
	await page.click('main form[action="/me/mfa/verify"] button');
	const codes = await page.$$eval('ol.codes li', (l) => l.map((x) => x.textContent));
	assert.equal(codes.length, 10);
	assert.equal(new Set(codes).size, 10);
	await axe(page, 'recovery codes');
	await shot(page, 'mfa-codes-ja');
	// MFA on ends every session of the account (issue 3: rotation on privilege change): the
	// cookie this browser came with is dead, and the browser carries a new one.
	assert.equal((await c.request('GET', '/api/v1/session')).status, 401);
	const rotated = (await ctx.cookies(env.baseUrl)).find((k) => k.name === '__Host-bgw_session');
	assert.notEqual(rotated.value, c.jar['__Host-bgw_session']);
	await page.goto(`${env.baseUrl}/account`);
	assert.match(page.url(), /\/account$/);
	await ctx.close();

	// Sign-in through the form now asks for the code.
	{
		const { ctx: c2, page: p2 } = await contextFor(null, 'en');
		await p2.goto(`${env.baseUrl}/login`);
		await p2.fill('#f-email', email);
		await p2.fill('#f-password', password);
		await p2.click('button[type=submit].primary');
		assert.equal(await p2.textContent('h1'), 'Enter your verification code');
		await axe(p2, 'login otp step');
		await shot(p2, 'login-otp-en');
		await p2.fill('#f-otp', '000000');
		await p2.click('button[type=submit].primary');
		assert.match(await p2.textContent('.alert.err'), /verification code is not correct/);
		await p2.fill('#f-otp', canary(codes[0])); // a recovery code works once
		await p2.click('button[type=submit].primary');
		assert.match(p2.url(), /\/projects$/);
		await c2.close();
	}

	// MFA off needs the password and a code.
	const c3 = await signIn(email, password, { otp: codes[1] });
	const { ctx: x3, page: p3 } = await contextFor(c3, 'en');
	await p3.goto(`${env.baseUrl}/account`);
	await p3.fill('#f-mfaoff-password', password);
	await p3.fill('#f-mfaoff-otp', '123456');
	await p3.click('main form[action="/me/mfa/disable"] button');
	assert.equal(await p3.getAttribute('#f-mfaoff-otp', 'aria-invalid'), 'true');
	await p3.fill('#f-mfaoff-password', password);
	await p3.fill('#f-mfaoff-otp', codes[2]);
	await p3.click('main form[action="/me/mfa/disable"] button');
	assert.match(p3.url(), /\/account\?m=acct\.mfa_disabled$/);
	assert.match(await p3.textContent('.alert.ok'), /is off/);
	await x3.close();
	noProblems();
});

test('members page: list with escaped names, remove, unlock a locked member, a new access code', async () => {
	await bothLanguages(e.aa, `/projects/${e.project.id}/members`, 'members');
	const { ctx, page } = await contextFor(e.aa, 'en');
	await page.goto(`${env.baseUrl}/projects/${e.project.id}/members`);
	assert.ok((await page.textContent('table')).includes(XSS('member')));
	// Lock the client member's code (five wrong tries, written directly) and unlock it.
	sql(`UPDATE bgw.memberships SET code_failures = 5, code_locked = true WHERE project_id = ${q(e.project.id)} AND user_id = ${q(e.cm.user.id)}`);
	await page.reload();
	await page.click(`form[action$="/members/${e.cm.user.id}/unlock"] button`);
	assert.match(page.url(), /m=msg\.done$/);
	assert.equal(sql(`SELECT code_locked FROM bgw.memberships WHERE project_id = ${q(e.project.id)} AND user_id = ${q(e.cm.user.id)}`), 'f');
	// A new first-access code, shown once.
	await page.click('#h-code ~ form button');
	assert.match((await page.textContent('#new-code')).trim(), /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	canary((await page.textContent('#new-code')).trim());
	await axe(page, 'new code');
	await ctx.close();
	// A client member sees the list but no buttons.
	{
		const { ctx: c2, page: p2 } = await contextFor(e.cm, 'ja');
		await p2.goto(`${env.baseUrl}/projects/${e.project.id}/members`);
		assert.equal(await p2.$('form[action$="/remove"]'), null);
		assert.equal(await p2.$('#h-inv'), null);
		await c2.close();
	}
	// The client admin removes the client member (its own side).
	{
		const { ctx: c3, page: p3 } = await contextFor(e.ca, 'ja');
		await p3.goto(`${env.baseUrl}/projects/${e.project.id}/members`);
		assert.deepEqual(await p3.$$eval('#f-inv-side option', (o) => o.map((x) => x.value)), ['client']);
		await p3.click(`form[action$="/members/${e.cm.user.id}/remove"] button`);
		assert.match(p3.url(), /m=msg\.done$/);
		assert.equal(await p3.$(`form[action$="/members/${e.cm.user.id}/remove"]`), null);
		await c3.close();
	}
	noProblems();
});

test('operator pages: firms and users, lock and unlock; no confirmation content', async () => {
	const email = `operator.${crypto.randomBytes(4).toString('hex')}@example.test`;
	const link = admin('operator-create', '--email', email).trim();
	const { password } = await accept(canary(new URL(link).searchParams.get('token')));
	const op = await signIn(email, password);
	const { secret } = (await op.request('POST', '/api/v1/me/mfa')).json();
	canary(secret);
	const step = Math.floor(Date.now() / 30000);
	await op.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
	const operator = await signIn(email, password, { otp: totp(secret, step + 1) });
	await bothLanguages(operator, '/operator', 'operator');
	const { ctx, page } = await contextFor(operator, 'en');
	await page.goto(`${env.baseUrl}/operator`);
	const text = await page.textContent('main');
	assert.ok(text.includes(XSS('firm')), 'firm names show as text');
	assert.ok(!text.includes(XSS('project')) && !text.includes(XSS('client')), 'no project content');
	await page.click(`form[action="/operator/users/${e.am.user.id}/lock"] button`);
	assert.match(page.url(), /\/operator\?m=msg\.done$/);
	assert.equal((await e.am.request('GET', '/api/v1/session')).status, 401, 'a locked user is signed out');
	await page.click(`form[action="/operator/users/${e.am.user.id}/unlock"] button`);
	assert.match(page.url(), /\/operator\?m=msg\.done$/);
	await ctx.close();
	// Not an operator: the page does not exist.
	const { ctx: c2, page: p2 } = await contextFor(e.aa, 'en');
	assert.equal((await p2.goto(`${env.baseUrl}/operator`)).status(), 404);
	await c2.close();
	noProblems();
});
