// Credentials under attack (issue: throttles, token-bearing routes, the HTML code step):
// - the per-account sign-in lock counts every spelling of an address, and the one-time-code
//   step, under one key (the account);
// - a mailed-token route answers a made-up token without computing a password hash (the
//   worker pool's bgw_password_hashes_total, on /metrics, does not move), and every such
//   route has an nginx limit;
// - the HTML sign-in's code step carries a pending sign-in's token, never the password; the
//   token is single use and expires.
// Every request that must not trip nginx's per-address limits (or the application's
// per-address throttle) comes from a loopback address of its own (freshSource).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, freshSource, env, assertHtmlRateLimited } from './lib/stack.mjs';
import { newFirm, newPassword, uniqueEmail, tokenFromMail, totp, sql, canary } from './lib/world.mjs';

const COOKIE = '__Host-bgw_session';

function login(body) {
	return request('POST', '/api/v1/session', { source: freshSource(), body });
}

function loginPage(fields, source = freshSource()) {
	return request('POST', '/login', { source, body: new URLSearchParams(fields) });
}

/** Three spellings of one address: as stored, all upper case, and the domain upper case. */
function spellings(email) {
	const [local, domain] = email.split('@');
	return [email, email.toUpperCase(), `${local}@${domain.toUpperCase()}`];
}

/** A firm admin with MFA on; resolves with {a, secret, codes}. */
async function withMfa() {
	const a = await newFirm();
	const { secret } = (await a.request('POST', '/api/v1/me/mfa')).json();
	canary(secret);
	const step = Math.floor(Date.now() / 30000);
	const ok = await a.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
	assert.equal(ok.status, 200, ok.body);
	const codes = ok.json().recovery_codes;
	codes.forEach(canary);
	return { a, secret, codes };
}

/** The worker pool's count of password hashes computed (GET /metrics, operator network). */
async function hashes() {
	const res = await request('GET', '/metrics', { source: freshSource() });
	assert.equal(res.status, 200);
	const m = res.body.match(/^bgw_password_hashes_total (\d+)$/m);
	assert.ok(m, 'no bgw_password_hashes_total in /metrics');
	return Number(m[1]);
}

/** The hidden and visible inputs of a page's form: [{name, type, value}]. */
function inputs(html) {
	return [...html.matchAll(/<input\b[^>]*>/g)].map(([tag]) => ({
		name: tag.match(/\bname="([^"]*)"/)?.[1],
		type: tag.match(/\btype="([^"]*)"/)?.[1],
		value: tag.match(/\bvalue="([^"]*)"/)?.[1],
	}));
}

function pendingToken(html) {
	const t = inputs(html).find((i) => i.name === 'token' && i.type === 'hidden');
	assert.ok(t, 'the code step has no pending sign-in token');
	assert.match(t.value, /^[A-Za-z0-9_-]{43}$/);
	return canary(t.value);
}

// --- the per-account lock ------------------------------------------------------------

test('five wrong passwords in mixed case lock the account in every case (429)', async () => {
	const a = await newFirm();
	const cases = spellings(a.email);
	for (let i = 0; i < 5; i++) {
		const res = await login({ email: cases[i % 3], password: `wrong-${i}-password` });
		assert.equal(res.status, 401, `attempt ${i}: ${res.body}`);
	}
	for (const email of cases) {
		const res = await login({ email, password: `still-wrong-password` });
		assert.equal(res.status, 429, `${email}: ${res.body}`);
		assert.equal(res.json().error.code, 'rate_limited');
	}
	// Even the right password, in any spelling, waits out the lock.
	assert.equal((await login({ email: cases[1], password: a.password })).status, 429);
	assert.equal((await login({ email: cases[0], password: a.password })).status, 429);
});

test('an unknown address is locked alike, whatever its case', async () => {
	const ghost = uniqueEmail('ghost');
	const cases = spellings(ghost);
	for (let i = 0; i < 5; i++)
		assert.equal((await login({ email: cases[i % 3], password: `wrong-${i}-password` })).status, 401);
	for (const email of cases)
		assert.equal((await login({ email, password: 'wrong-again-password' })).status, 429);
});

test('wrong one-time codes count under the same key as wrong passwords, in any case', async () => {
	const { a, codes } = await withMfa();
	const cases = spellings(a.email);
	// Two wrong passwords, then three wrong codes (right password), spelled three ways.
	for (let i = 0; i < 2; i++)
		assert.equal((await login({ email: cases[i], password: `wrong-${i}-password` })).status, 401);
	for (let i = 0; i < 3; i++) {
		const res = await login({ email: cases[(i + 2) % 3], password: a.password, otp: `nope-${i}-nope` });
		assert.equal(res.status, 401, res.body);
		assert.equal(res.json().error.code, 'invalid_credentials');
	}
	// Locked: the right password and a right code are refused now, in every spelling.
	for (const email of cases) {
		const res = await login({ email, password: a.password, otp: codes[0] });
		assert.equal(res.status, 429, `${email}: ${res.body}`);
	}
});

test('wrong codes at the HTML code step count under the account, with the API', async () => {
	const { a, codes } = await withMfa();
	const cases = spellings(a.email);
	assert.equal((await login({ email: cases[1], password: 'wrong-0-password' })).status, 401);
	let page = await loginPage({ email: cases[2], password: a.password });
	assert.equal(page.status, 200, page.body);
	let token = pendingToken(page.body);
	for (let i = 0; i < 4; i++) {
		page = await loginPage({ token, otp: `nope-${i}-nope` });
		assert.equal(page.status, 401, page.body);
		assert.match(page.body, /確認コードが正しくありません/);
		token = pendingToken(page.body);
	}
	// Five failures on one account: the next try, even a right one, is 429 (API and page).
	assert.equal((await loginPage({ token, otp: codes[0] })).status, 429);
	assert.equal((await login({ email: cases[0], password: a.password, otp: codes[1] })).status, 429);
});

// --- the HTML code step ----------------------------------------------------------------

test('the HTML code step carries a pending sign-in token, never the password', async () => {
	const { a, codes } = await withMfa();
	const page = await loginPage({ email: a.email, password: a.password, next: '/account' });
	assert.equal(page.status, 200, page.body);
	assert.match(page.body, /確認コードの入力/);
	assert.equal(page.cookies[COOKIE], undefined, 'no session before the code');
	const fields = inputs(page.body);
	assert.deepEqual(fields.map((i) => i.name).sort(), ['next', 'otp', 'token']);
	assert.ok(!fields.some((i) => i.name === 'password' || i.type === 'password'), 'a password field');
	assert.ok(!page.body.includes(a.password), 'the password is in the page');
	assert.ok(!fields.some((i) => i.name === 'email'), 'the address rides along');
	const token = pendingToken(page.body);
	// Only the token's SHA-256 is stored, bound to the account, for a few minutes.
	const hash = crypto.createHash('sha256').update(token).digest('hex');
	const row = sql(`SELECT user_id || ' ' || (expires_at - now() BETWEEN interval '1 minute' AND interval '10 minutes')
		FROM bgw.login_pending WHERE token_hash = decode('${hash}', 'hex')`);
	assert.equal(row, `${a.user.id} true`);

	const done = await loginPage({ token, otp: codes[0], next: '/account' });
	assert.equal(done.status, 303, done.body);
	assert.equal(done.headers.location, '/account');
	const session = done.cookies[COOKIE].value;
	canary(session);
	const me = await request('GET', '/api/v1/session', { cookies: { [COOKIE]: session } });
	assert.equal(me.status, 200);
	assert.equal(me.json().user.id, a.user.id);
	// Single use: the same token again, even with another right code, starts over.
	const again = await loginPage({ token, otp: codes[1] });
	assert.equal(again.status, 422, again.body);
	assert.equal(again.cookies[COOKIE], undefined);
	assert.match(again.body, /サインインの有効期限が切れました/);
	assert.ok(inputs(again.body).some((i) => i.name === 'password'), 'back to the first step');
});

test('a wrong code gives a new pending token; the old one and a made-up one are dead', async () => {
	const { a, codes } = await withMfa();
	const first = pendingToken((await loginPage({ email: a.email, password: a.password })).body);
	const wrong = await loginPage({ token: first, otp: 'nope-nope-nope' });
	assert.equal(wrong.status, 401);
	const second = pendingToken(wrong.body);
	assert.notEqual(second, first);
	assert.ok(!wrong.body.includes(a.password));
	assert.equal((await loginPage({ token: first, otp: codes[0] })).status, 422);
	assert.equal((await loginPage({ token: crypto.randomBytes(32).toString('base64url'), otp: codes[0] })).status, 422);
	const ok = await loginPage({ token: second, otp: codes[0] });
	assert.equal(ok.status, 303, ok.body);
	assert.ok(ok.cookies[COOKIE]);
});

test('a pending sign-in expires', async () => {
	const { a, codes } = await withMfa();
	const token = pendingToken((await loginPage({ email: a.email, password: a.password })).body);
	// Move its clock past the end (test-only SQL, as for the reset link's expiry).
	sql(`UPDATE bgw.login_pending SET created_at = now() - interval '10 minutes', expires_at = now() - interval '1 second' WHERE user_id = '${a.user.id}'`);
	const late = await loginPage({ token, otp: codes[0] });
	assert.equal(late.status, 422, late.body);
	assert.equal(late.cookies[COOKIE], undefined);
	assert.match(late.body, /サインインの有効期限が切れました/);
	// The code was not spent: it still signs in through the API.
	assert.equal((await login({ email: a.email, password: a.password, otp: codes[0] })).status, 200);
});

test('the JSON API keeps its one-request contract {email, password, otp}', async () => {
	const { a, codes } = await withMfa();
	const noOtp = await login({ email: a.email.toUpperCase(), password: a.password });
	assert.equal(noOtp.status, 401);
	assert.equal(noOtp.json().error.code, 'otp_required');
	const ok = await login({ email: a.email.toUpperCase(), password: a.password, otp: codes[0] });
	assert.equal(ok.status, 200, ok.body);
	assert.equal(ok.json().user.id, a.user.id);
});

// --- tokens looked up before any hash ------------------------------------------------------

test('made-up reset and invitation tokens are refused without a password hash', async () => {
	const before = await hashes();
	const bogus = () => crypto.randomBytes(32).toString('base64url');
	for (let i = 0; i < 3; i++) {
		const api = await request('POST', '/api/v1/password-reset/complete', {
			source: freshSource(), body: { token: bogus(), password: newPassword('bogus') } });
		assert.equal(api.status, 422, api.body);
		assert.equal(api.json().error.fields.token, 'invalid_or_expired');
		const inv = await request('POST', '/api/v1/invitations/accept', {
			source: freshSource(), body: { token: bogus(), name: 'X', password: newPassword('bogus') } });
		assert.equal(inv.status, 422, inv.body);
		assert.equal(inv.json().error.fields.token, 'invalid_or_expired');
		const page = await request('POST', '/password-reset/complete', {
			source: freshSource(), body: new URLSearchParams({ token: bogus(), password: newPassword('bogus') }) });
		assert.equal(page.status, 422, page.body);
		const invPage = await request('POST', '/invitations/accept', {
			source: freshSource(), body: new URLSearchParams({ token: bogus(), name: 'X', password: newPassword('bogus') }) });
		assert.equal(invPage.status, 422, invPage.body);
	}
	assert.equal(await hashes(), before, 'a made-up token cost a password hash');

	// A live reset link: exactly one hash (the new password's), and the token is used.
	const a = await newFirm();
	await request('POST', '/api/v1/password-reset', { source: freshSource(), body: { email: a.email } });
	const token = await tokenFromMail(a.email, '/password-reset');
	const live = await hashes();
	const fresh = newPassword('reset');
	const done = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: fresh } });
	assert.equal(done.status, 204, done.body);
	assert.equal(await hashes(), live + 1);
	// Used now: refused, again without a hash.
	const reuse = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: newPassword('again') } });
	assert.equal(reuse.status, 422);
	assert.equal(await hashes(), live + 1);
});

test('a reset link keeps working after a password the policy refuses', async () => {
	const a = await newFirm();
	await request('POST', '/api/v1/password-reset', { source: freshSource(), body: { email: a.email } });
	const token = await tokenFromMail(a.email, '/password-reset');
	const weak = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: 'short1!' } });
	assert.equal(weak.status, 422);
	assert.equal(weak.json().error.fields.password, 'too_short');
	const ok = await request('POST', '/api/v1/password-reset/complete', {
		source: freshSource(), body: { token, password: newPassword('reset') } });
	assert.equal(ok.status, 204, ok.body);
});

// --- nginx limits on the token routes -------------------------------------------------------

async function burst(p, n, source, body) {
	const statuses = [];
	for (let i = 0; i < n; i++) {
		const res = await request('POST', p, { source, body: body() });
		statuses.push(res.status);
		if (res.status === 429) return { statuses, res };
	}
	return { statuses, res: null };
}

test('accepting invitations is rate limited per client (API and page, one budget)', async () => {
	const src = freshSource();
	const n = env.int('BGW_TOKEN_BURST') + 2;
	const { statuses, res } = await burst('/invitations/accept', n, src, () => new URLSearchParams());
	assert.ok(res, `no 429 after ${n} requests: ${statuses.join(' ')}`);
	assert.ok(statuses.length > env.int('BGW_TOKEN_BURST'), `429 too early: ${statuses.join(' ')}`);
	assertHtmlRateLimited(res);
	const api = await request('POST', '/api/v1/invitations/accept', { source: src, body: {} });
	assert.equal(api.status, 429, 'the API route is refused for the same client');
	assert.equal(api.json().error.code, 'rate_limited');
	const other = await request('POST', '/api/v1/invitations/accept', { source: freshSource(), body: {} });
	assert.notEqual(other.status, 429);

	const src2 = freshSource();
	const b2 = await burst('/api/v1/invitations/accept', n, src2, () => ({}));
	assert.ok(b2.res, `no 429 from the API after ${n} requests: ${b2.statuses.join(' ')}`);
	assert.equal(b2.res.json().error.code, 'rate_limited');
});

test('the reset-link form spends the reset budget of its client, with an HTML 429', async () => {
	const src = freshSource();
	const n = env.int('BGW_RESET_BURST') + 2;
	const { statuses, res } = await burst('/password-reset/complete', n, src, () => new URLSearchParams());
	assert.ok(res, `no 429 after ${n} requests: ${statuses.join(' ')}`);
	assert.ok(statuses.length > env.int('BGW_RESET_BURST'), `429 too early: ${statuses.join(' ')}`);
	assertHtmlRateLimited(res);
	const api = await request('POST', '/api/v1/password-reset/complete', { source: src, body: {} });
	assert.equal(api.status, 429, 'the API route is refused for the same client');
	const other = await request('POST', '/password-reset/complete', { source: freshSource(), body: new URLSearchParams() });
	assert.notEqual(other.status, 429);
});

test('a burst of made-up tokens to the reset API: 422 each, then nginx answers 429', async () => {
	const src = freshSource();
	const n = env.int('BGW_RESET_BURST') + 2;
	const { statuses, res } = await burst('/api/v1/password-reset/complete', n, src,
		() => ({ token: crypto.randomBytes(32).toString('base64url'), password: newPassword('bogus') }));
	assert.ok(res, `no 429 after ${n} requests: ${statuses.join(' ')}`);
	assert.ok(statuses.slice(0, -1).every((s) => s === 422), statuses.join(' '));
});
