// Accounts and sessions as docs/api.md "Sessions and accounts" describes them, over HTTPS
// through nginx: cookie flags, rotation, logout, CSRF, password change and reset, MFA,
// login throttling without user enumeration, and the password policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, request, freshSource } from './lib/stack.mjs';
import {
	admin, accept, signIn, newFirm, newProject, newPassword, uniqueEmail, tokenFromMail, totp, sql, canary,
} from './lib/world.mjs';

const COOKIE = '__Host-bgw_session';

async function login(body, source = freshSource()) {
	return request('POST', '/api/v1/session', { source, body });
}

test('sign-in sets a __Host- cookie that is Secure, HttpOnly, SameSite=Strict, Path=/', async () => {
	const a = await newFirm();
	const res = await login({ email: a.email, password: a.password });
	assert.equal(res.status, 200);
	const c = res.cookies[COOKIE];
	assert.ok(c, 'no session cookie');
	assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);
	const attrs = c.attributes.map((x) => x.toLowerCase());
	for (const want of ['secure', 'httponly', 'samesite=strict', 'path=/'])
		assert.ok(attrs.includes(want), `missing ${want}: ${attrs}`);
	assert.ok(!attrs.some((x) => x.startsWith('domain')), 'a __Host- cookie has no Domain');
	const body = res.json();
	assert.equal(body.user.email, a.email);
	assert.deepEqual(Object.keys(body.user).sort(), ['email', 'id', 'locale', 'mfa', 'name', 'organization']);
	assert.match(body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
	assert.match(res.headers['cache-control'], /no-store/);
});

test('GET /session answers the user and the same CSRF token; without a cookie 401', async () => {
	const a = await newFirm();
	const res = await a.request('GET', '/api/v1/session');
	assert.equal(res.status, 200);
	assert.equal(res.json().user.id, a.user.id);
	assert.equal(res.json().csrf_token, a.csrf);
	const anon = await request('GET', '/api/v1/session');
	assert.equal(anon.status, 401);
	assert.equal(anon.json().error.code, 'unauthenticated');
	const forged = await request('GET', '/api/v1/session', { cookies: { [COOKIE]: 'A'.repeat(43) } });
	assert.equal(forged.status, 401);
});

test('a new sign-in rotates the session: the cookie presented at login dies', async () => {
	const a = await newFirm();
	const old = a.jar[COOKIE];
	const res = await a.request('POST', '/api/v1/session', { body: { email: a.email, password: a.password } });
	assert.equal(res.status, 200);
	assert.notEqual(a.jar[COOKIE], old);
	const stale = await request('GET', '/api/v1/session', { cookies: { [COOKIE]: old } });
	assert.equal(stale.status, 401);
	assert.equal((await a.request('GET', '/api/v1/session')).status, 200);
});

test('logout needs the CSRF token of this session and kills the session on the server', async () => {
	const a = await newFirm();
	const b = await signIn(a.email, a.password);
	const none = await a.request('DELETE', '/api/v1/session', { headers: { 'X-CSRF-Token': '' } });
	assert.equal(none.status, 403);
	assert.equal(none.json().error.code, 'csrf');
	const foreign = await a.request('DELETE', '/api/v1/session', { headers: { 'X-CSRF-Token': b.csrf } });
	assert.equal(foreign.status, 403);
	assert.equal(foreign.json().error.code, 'csrf');
	const cookie = a.jar[COOKIE];
	const ok = await a.request('DELETE', '/api/v1/session');
	assert.equal(ok.status, 204);
	assert.ok(ok.cookies[COOKIE], 'the cookie is cleared');
	const after = await request('GET', '/api/v1/session', { cookies: { [COOKIE]: cookie } });
	assert.equal(after.status, 401);
	assert.equal((await b.request('GET', '/api/v1/session')).status, 200, 'other sessions live on');
});

test('an unsafe request from another origin is refused even with a valid token', async () => {
	const a = await newFirm();
	const res = await a.request('DELETE', '/api/v1/session', { headers: { Origin: 'https://evil.example' } });
	assert.equal(res.status, 403);
	assert.equal(res.json().error.code, 'csrf');
	const site = await a.request('DELETE', '/api/v1/session', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
	assert.equal(site.status, 403);
	assert.equal((await a.request('GET', '/api/v1/session')).status, 200);
});

test('changing the password ends every other session and keeps this one', async () => {
	const a = await newFirm();
	const other = await signIn(a.email, a.password);
	const fresh = newPassword('changed');
	const wrong = await a.request('PUT', '/api/v1/me/password', {
		body: { current_password: 'not the password at all', new_password: fresh } });
	assert.equal(wrong.status, 422);
	assert.equal(wrong.json().error.fields.current_password, 'wrong');
	const res = await a.request('PUT', '/api/v1/me/password', {
		body: { current_password: a.password, new_password: fresh } });
	assert.equal(res.status, 204, res.body);
	assert.equal((await other.request('GET', '/api/v1/session')).status, 401);
	assert.equal((await a.request('GET', '/api/v1/session')).status, 200);
	assert.equal((await login({ email: a.email, password: a.password })).status, 401);
	assert.equal((await login({ email: a.email, password: fresh })).status, 200);
});

test('the session ends after 30 idle minutes', async () => {
	const a = await newFirm();
	assert.equal((await a.request('GET', '/api/v1/session')).status, 200);
	sql(`UPDATE bgw.sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = '${a.user.id}'`);
	assert.equal((await a.request('GET', '/api/v1/session')).status, 401);
});

test('activity keeps the session: each kind of route moves the idle timer, at most once a minute', async () => {
	const a = await newFirm();
	const project = await newProject(a);
	const age = () => Number(sql(`SELECT floor(extract(epoch FROM now() - last_seen_at)) FROM bgw.sessions WHERE user_id = '${a.user.id}'`));
	// A route in a request transaction, and the list, which reads on its own (router.c).
	for (const path of ['/api/v1/session', `/api/v1/projects/${project.id}/confirmations`]) {
		sql(`UPDATE bgw.sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = '${a.user.id}'`);
		assert.equal((await a.request('GET', path)).status, 200, path);
		assert.ok(age() < 60, `${path}: the idle timer did not move (${age()} s)`);
		// 29 more idle minutes from the request: still signed in.
		sql(`UPDATE bgw.sessions SET last_seen_at = last_seen_at - interval '29 minutes' WHERE user_id = '${a.user.id}'`);
		assert.equal((await a.request('GET', path)).status, 200, `${path}: the session ended`);
		// Moved less than a minute ago: the next request leaves it (no write per request).
		sql(`UPDATE bgw.sessions SET last_seen_at = now() - interval '30 seconds' WHERE user_id = '${a.user.id}'`);
		assert.equal((await a.request('GET', path)).status, 200, path);
		assert.ok(age() >= 30, `${path}: written again within the minute (${age()} s)`);
	}
});

test('the session ends at its absolute limit, however active', async () => {
	const a = await newFirm();
	sql(`UPDATE bgw.sessions SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 hour' WHERE user_id = '${a.user.id}'`);
	assert.equal((await a.request('GET', '/api/v1/session')).status, 401);
});

test('a wrong login looks the same for unknown and known addresses', async () => {
	const a = await newFirm();
	const known = await login({ email: a.email, password: 'wrong password here!' });
	const unknown = await login({ email: uniqueEmail('nobody'), password: 'wrong password here!' });
	assert.equal(known.status, 401);
	assert.equal(unknown.status, 401);
	assert.equal(known.body, unknown.body);
	assert.equal(known.json().error.code, 'invalid_credentials');
});

test('repeated failures lock the account with 429, alike for unknown accounts', async () => {
	const a = await newFirm();
	const ghost = uniqueEmail('ghost');
	let lastKnown;
	let lastGhost;
	for (let i = 0; i < 6; i++) {
		lastKnown = await login({ email: a.email, password: `wrong-${i}-password` });
		lastGhost = await login({ email: ghost, password: `wrong-${i}-password` });
	}
	assert.equal(lastKnown.status, 429);
	assert.equal(lastGhost.status, 429);
	assert.equal(lastKnown.body, lastGhost.body);
	assert.equal(lastKnown.json().error.code, 'rate_limited');
	// Even the right password waits out the lock.
	assert.equal((await login({ email: a.email, password: a.password })).status, 429);
	// The lock is per account: another account signs in from the same address.
	const b = await newFirm();
	assert.equal((await login({ email: b.email, password: b.password })).status, 200);
});

test('password policy: too short, too common and too long are 422 with a reason', async () => {
	for (const [password, reason] of [
		['short1!', 'too_short'],
		['password1234', 'too_common'],
		['x'.repeat(129), 'too_long'],
	]) {
		const email = uniqueEmail('policy');
		const link = admin('firm-create', '--name', 'Policy firm', '--email', email).trim();
		const token = new URL(link).searchParams.get('token');
		const res = await request('POST', '/api/v1/invitations/accept', {
			source: freshSource(), body: { token, name: 'P', password } });
		assert.equal(res.status, 422, `${password}: ${res.body}`);
		assert.equal(res.json().error.fields.password, reason);
		// Nothing was created: the invitation still works with a good password.
		const ok = await request('POST', '/api/v1/invitations/accept', {
			source: freshSource(), body: { token, name: 'P', password: '十二文字の日本語パスワードです' } });
		assert.equal(ok.status, 200, ok.body);
	}
});

test('an invitation is single use', async () => {
	const email = uniqueEmail('once');
	const link = admin('firm-create', '--name', 'Once firm', '--email', email).trim();
	const token = new URL(link).searchParams.get('token');
	await accept(token);
	const again = await request('POST', '/api/v1/invitations/accept', {
		source: freshSource(), body: { token, name: 'X', password: newPassword() } });
	assert.equal(again.status, 422);
	assert.equal(again.json().error.fields.token, 'invalid_or_expired');
});

test('password reset: always 202, a single-use link by mail, and all sessions end', async () => {
	const a = await newFirm();
	const unknown = await request('POST', '/api/v1/password-reset', {
		source: freshSource(), body: { email: uniqueEmail('nobody') } });
	assert.equal(unknown.status, 202);
	const res = await request('POST', '/api/v1/password-reset', { source: freshSource(), body: { email: a.email } });
	assert.equal(res.status, 202);
	assert.equal(res.body, unknown.body);
	const token = await tokenFromMail(a.email, '/password-reset');
	const fresh = newPassword('reset');
	const done = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: fresh } });
	assert.equal(done.status, 204, done.body);
	assert.equal((await a.request('GET', '/api/v1/session')).status, 401, 'old sessions end');
	const reuse = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: newPassword('again') } });
	assert.equal(reuse.status, 422);
	assert.equal((await login({ email: a.email, password: fresh })).status, 200);
});

test('an expired reset link is refused', async () => {
	const a = await newFirm();
	await request('POST', '/api/v1/password-reset', { source: freshSource(), body: { email: a.email } });
	const token = await tokenFromMail(a.email, '/password-reset');
	sql(`UPDATE bgw.tokens SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE user_id = '${a.user.id}' AND kind = 'password_reset'`);
	const res = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: newPassword() } });
	assert.equal(res.status, 422);
});

test('MFA: enrol with TOTP, then sign-in needs a code, each code works once, recovery codes work once', async () => {
	const a = await newFirm();
	const begin = await a.request('POST', '/api/v1/me/mfa');
	assert.equal(begin.status, 200, begin.body);
	const { secret, otpauth_uri: uri } = begin.json();
	canary(secret);
	assert.match(secret, /^[A-Z2-7]{32}$/);
	assert.match(uri, /^otpauth:\/\/totp\//);
	const bad = await a.request('POST', '/api/v1/me/mfa/verify', { body: { otp: '000000' === totp(secret) ? '111111' : '000000' } });
	assert.equal(bad.status, 422);
	const step = Math.floor(Date.now() / 30000);
	const ok = await a.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
	assert.equal(ok.status, 200, ok.body);
	const codes = ok.json().recovery_codes;
	codes.forEach(canary);
	assert.equal(codes.length, 10);
	assert.equal(new Set(codes).size, 10);

	const noOtp = await login({ email: a.email, password: a.password });
	assert.equal(noOtp.status, 401);
	assert.equal(noOtp.json().error.code, 'otp_required');
	assert.equal(noOtp.cookies[COOKIE], undefined, 'no session without the second factor');
	// The code used for enrolment cannot be used again; the next step's code works once.
	assert.equal((await login({ email: a.email, password: a.password, otp: totp(secret, step) })).status, 401);
	const next = totp(secret, step + 1);
	assert.equal((await login({ email: a.email, password: a.password, otp: next })).status, 200);
	assert.equal((await login({ email: a.email, password: a.password, otp: next })).status, 401);
	// A recovery code, once.
	assert.equal((await login({ email: a.email, password: a.password, otp: codes[0] })).status, 200);
	assert.equal((await login({ email: a.email, password: a.password, otp: codes[0] })).status, 401);
	const me = await signIn(a.email, a.password, { otp: codes[1] });
	assert.equal(me.user.mfa, true);
	// Turning it off needs the password and a code.
	const off = await me.request('DELETE', '/api/v1/me/mfa', { body: { password: a.password, otp: codes[2] } });
	assert.equal(off.status, 204, off.body);
	assert.equal((await login({ email: a.email, password: a.password })).status, 200);
});

test('malformed bodies get 400, wrong content types 415, missing fields 422', async () => {
	const src = freshSource();
	const bad = await request('POST', '/api/v1/session', { source: src, body: '{"email": ', headers: { 'content-type': 'application/json' } });
	assert.equal(bad.status, 400);
	assert.equal(bad.json().error.code, 'bad_request');
	const utf8 = await request('POST', '/api/v1/session', {
		source: freshSource(), body: Buffer.from([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
		headers: { 'content-type': 'application/json' } });
	assert.equal(utf8.status, 400);
	const type = await request('POST', '/api/v1/session', {
		source: freshSource(), body: 'email=a', headers: { 'content-type': 'text/plain' } });
	assert.equal(type.status, 415);
	assert.equal(type.json().error.code, 'unsupported_type');
	const missing = await request('POST', '/api/v1/session', { source: freshSource(), body: { email: 'a@b.example' } });
	assert.equal(missing.status, 422);
	assert.equal(missing.json().error.code, 'validation');
	assert.ok(missing.json().error.fields.password);
	const types = await request('POST', '/api/v1/session', { source: freshSource(), body: { email: 1, password: true } });
	assert.equal(types.status, 400);
	const dup = await request('POST', '/api/v1/session', {
		source: freshSource(), body: '{"email":"a@b.example","email":"c@d.example","password":"x"}',
		headers: { 'content-type': 'application/json' } });
	assert.equal(dup.status, 400);
	const array = await request('POST', '/api/v1/session', { source: freshSource(), body: [1, 2] });
	assert.equal(array.status, 400);
});

test('unknown routes answer 404 and wrong methods 405 in the API error format', async () => {
	const nf = await request('GET', '/api/v1/no-such-thing');
	assert.equal(nf.status, 404);
	assert.equal(nf.json().error.code, 'not_found');
	const m = await request('PATCH', '/api/v1/session', { body: {} });
	assert.equal(m.status, 405);
	assert.match(m.headers.allow, /GET/);
});

test('first-access code: required first; 5 wrong tries lock (423) until an audit admin unlocks', async () => {
	const { newProject, addMember, enterCode } = await import('./lib/world.mjs');
	const aa = await newFirm();
	const p = await newProject(aa);
	const cm = await addMember(aa, p.id, 'client', false);
	const first = await cm.request('GET', `/api/v1/projects/${p.id}`);
	assert.equal(first.status, 403);
	assert.equal(first.json().error.code, 'first_access_code_required');
	for (let i = 0; i < 4; i++) {
		const r = await cm.request('POST', `/api/v1/projects/${p.id}/access`, { body: { code: 'WRONG-CODE-0000' } });
		assert.equal(r.status, 422);
		assert.equal(r.json().error.code, 'wrong_code');
	}
	const fifth = await cm.request('POST', `/api/v1/projects/${p.id}/access`, { body: { code: 'WRONG-CODE-0000' } });
	assert.equal(fifth.status, 423);
	assert.equal(fifth.json().error.code, 'locked');
	// Locked: even the right code is refused.
	const right = await cm.request('POST', `/api/v1/projects/${p.id}/access`, { body: { code: p.first_access_code } });
	assert.equal(right.status, 423);
	// Only an audit admin unlocks.
	assert.equal((await cm.request('POST', `/api/v1/projects/${p.id}/members/${cm.user.id}/unlock`)).status, 403);
	assert.equal((await aa.request('POST', `/api/v1/projects/${p.id}/members/${cm.user.id}/unlock`)).status, 204);
	await enterCode(cm, p.id, p.first_access_code.toLowerCase().replace(/-/g, ''));
	assert.equal((await cm.request('GET', `/api/v1/projects/${p.id}`)).status, 200);
});

test('removal and completion end access at once; the audit team keeps reading, writes are 409', async () => {
	const { newProject, addMember, enterCode } = await import('./lib/world.mjs');
	const aa = await newFirm();
	const p = await newProject(aa);
	const cm = await addMember(aa, p.id, 'client', true);
	const am = await addMember(aa, p.id, 'audit', false);
	await enterCode(cm, p.id, p.first_access_code);
	await enterCode(am, p.id, p.first_access_code);
	const gone = await addMember(aa, p.id, 'client', false);
	await enterCode(gone, p.id, p.first_access_code);
	assert.equal((await gone.request('GET', `/api/v1/projects/${p.id}`)).status, 200);
	assert.equal((await aa.request('DELETE', `/api/v1/projects/${p.id}/members/${gone.user.id}`)).status, 204);
	assert.equal((await gone.request('GET', `/api/v1/projects/${p.id}`)).status, 404);
	const done = await aa.request('POST', `/api/v1/projects/${p.id}/complete`);
	assert.equal(done.status, 200);
	assert.equal(done.json().project.status, 'completed');
	assert.equal((await cm.request('GET', `/api/v1/projects/${p.id}`)).status, 404);
	assert.equal((await am.request('GET', `/api/v1/projects/${p.id}`)).status, 200);
	const write = await aa.request('POST', `/api/v1/projects/${p.id}/members`, {
		body: { email: uniqueEmail('late'), side: 'client', admin: false } });
	assert.equal(write.status, 409);
	assert.equal(write.json().error.code, 'project_completed');
});

test('an audit admin with MFA can require it of everyone in the project', async () => {
	const { newProject, addMember, enterCode } = await import('./lib/world.mjs');
	const aa = await newFirm();
	const p = await newProject(aa);
	const cm = await addMember(aa, p.id, 'client', false);
	await enterCode(cm, p.id, p.first_access_code);
	const early = await aa.request('PATCH', `/api/v1/projects/${p.id}`, { body: { mfa_required: true } });
	assert.equal(early.status, 422);
	assert.equal(early.json().error.fields.mfa_required, 'enable_your_own_mfa_first');
	const enrol = async (c) => {
		const { secret } = (await c.request('POST', '/api/v1/me/mfa')).json();
		canary(secret);
		const step = Math.floor(Date.now() / 30000);
		assert.equal((await c.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } })).status, 200);
		return signIn(c.email, c.password, { otp: totp(secret, step + 1) });
	};
	const aa2 = await enrol(aa);
	const set = await aa2.request('PATCH', `/api/v1/projects/${p.id}`, { body: { mfa_required: true } });
	assert.equal(set.status, 200, set.body);
	assert.equal(set.json().project.mfa_required, true);
	assert.equal((await cm.request('GET', `/api/v1/projects/${p.id}`)).status, 403);
	const cm2 = await enrol(cm);
	assert.equal((await cm2.request('GET', `/api/v1/projects/${p.id}`)).status, 200);
	assert.equal((await cm2.request('PATCH', `/api/v1/projects/${p.id}`, { body: { mfa_required: false } })).status, 403);
});
