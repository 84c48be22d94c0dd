// Identity (issue 3): sessions rotate when the second factor is turned on or off, and admins
// delete accounts of their own organisation (docs/api.md, "Accounts and sessions").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './lib/stack.mjs';
import { newFirm, signIn, totp, canary, sql, admin } from './lib/world.mjs';
import { engagement } from './lib/engagement.mjs';

const COOKIE = '__Host-bgw_session';

/** GET /session with nothing but this cookie value. */
const whoami = (cookie) => request('GET', '/api/v1/session', { cookies: { [COOKIE]: cookie } });

test('MFA on, then off: each rotates the session; old cookies and other sessions stop working', async () => {
	const a = await newFirm();
	const other = await signIn(a.email, a.password);
	const before = a.jar[COOKIE];
	const beforeCsrf = a.csrf;
	const { secret } = (await a.request('POST', '/api/v1/me/mfa')).json();
	canary(secret);
	const step = Math.floor(Date.now() / 30000);
	const on = await a.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
	assert.equal(on.status, 200, on.body);
	const codes = on.json().recovery_codes;
	codes.forEach(canary);
	const fresh = on.cookies[COOKIE]?.value;
	canary(fresh);
	assert.ok(fresh && fresh !== before, 'a new session cookie');
	assert.ok(on.cookies[COOKIE].attributes.includes('HttpOnly'));
	assert.notEqual(on.json().csrf_token, beforeCsrf);
	assert.equal((await whoami(before)).status, 401, 'the old cookie is dead');
	assert.equal((await other.request('GET', '/api/v1/session')).status, 401, 'other sessions ended');
	const now = await whoami(fresh);
	assert.equal(now.status, 200);
	assert.equal(now.json().user.mfa, true);
	assert.equal(now.json().csrf_token, on.json().csrf_token);
	// The new CSRF token is the one that counts: an unsafe request passes CSRF (409: MFA is on).
	assert.equal((await a.request('POST', '/api/v1/me/mfa')).status, 409);
	assert.equal((await a.request('POST', '/api/v1/me/mfa', { headers: { 'X-CSRF-Token': beforeCsrf } })).status, 403);

	const second = await signIn(a.email, a.password, { otp: codes[0] });
	const beforeOff = a.jar[COOKIE];
	const off = await a.request('DELETE', '/api/v1/me/mfa', { body: { password: a.password, otp: codes[1] } });
	assert.equal(off.status, 204, off.body);
	const afterOff = off.cookies[COOKIE]?.value;
	canary(afterOff);
	assert.ok(afterOff && afterOff !== beforeOff);
	assert.equal((await whoami(beforeOff)).status, 401);
	assert.equal((await second.request('GET', '/api/v1/session')).status, 401);
	const me = await a.request('GET', '/api/v1/session');
	assert.equal(me.status, 200);
	assert.equal(me.json().user.mfa, false);
	assert.notEqual(me.json().csrf_token, on.json().csrf_token);
});

test('a failed MFA change rotates nothing', async () => {
	const a = await newFirm();
	const before = a.jar[COOKIE];
	await a.request('POST', '/api/v1/me/mfa');
	const bad = await a.request('POST', '/api/v1/me/mfa/verify', { body: { otp: 'abc' } });
	assert.equal(bad.status, 422);
	assert.equal(bad.cookies[COOKIE], undefined);
	assert.equal((await whoami(before)).status, 200);
});

test('deleting accounts: own organisation only, admins only, never the last admin; history kept', async () => {
	const e = await engagement();
	const del = (by, who) => by.request('DELETE', `/api/v1/users/${who.user.id}`);

	// Another organisation's account is not this user's business; a colleague without
	// admin rights may not; an unknown id is not found.
	assert.equal((await del(e.ca, e.am)).status, 404);
	assert.equal((await del(e.aa, e.cm)).status, 404, 'an audit admin does not delete client accounts');
	assert.equal((await del(e.cm, e.ca)).status, 403);
	assert.equal((await del(e.am, e.aa)).status, 403);
	assert.equal((await e.aa.request('DELETE', '/api/v1/users/AAAAAAAAAAAAAAAA')).status, 404);
	// The only admin of a side cannot go, by itself or anyone.
	for (const c of [e.aa, e.ca]) {
		const r = await del(c, c);
		assert.equal(r.status, 409, r.body);
		assert.equal(r.json().error.code, 'invalid_state');
	}
	// CSRF applies.
	assert.equal((await e.ca.request('DELETE', `/api/v1/users/${e.cm.user.id}`,
		{ headers: { 'X-CSRF-Token': 'wrong' } })).status, 403);

	// The client admin deletes the client member.
	const cmId = e.cm.user.id;
	const ok = await del(e.ca, e.cm);
	assert.equal(ok.status, 204, ok.body);
	assert.equal((await e.cm.request('GET', '/api/v1/session')).status, 401, 'its sessions ended');
	const login = await request('POST', '/api/v1/session', { body: { email: e.cm.email, password: e.cm.password } });
	assert.equal(login.status, 401);
	const members = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/members`)).json();
	assert.ok(!JSON.stringify(members).includes(cmId), 'its membership ended');
	assert.ok(!JSON.stringify(members).includes(e.cm.email));
	assert.equal((await del(e.ca, e.cm)).status, 404, 'gone');
	// Pseudonymised, not removed: the row and its id stay for the history.
	assert.equal(sql(`SELECT email LIKE 'deleted-%@deleted.invalid' AND name = '(deleted)' AND password_hash IS NULL
		AND deleted_at IS NOT NULL FROM bgw.users WHERE id = '${cmId}'`), 't');
	assert.equal(sql(`SELECT count(*) FROM bgw.sessions WHERE user_id = '${cmId}'`), '0');
	assert.equal(sql(`SELECT count(*) FROM bgw.memberships WHERE user_id = '${cmId}'`), '0');
	assert.equal(sql(`SELECT actor_id || ' ' || (detail->>'memberships') FROM bgw.audit_events
		WHERE action = 'account.delete' AND object_id = '${cmId}'`), `${e.ca.user.id} 1`);

	// A member deletes its own account; its cookie is cleared.
	const amId = e.am.user.id;
	const self = await del(e.am, e.am);
	assert.equal(self.status, 204, self.body);
	assert.ok(self.cookies[COOKIE].attributes.some((x) => /^max-age=0$/i.test(x)));
	assert.equal(sql(`SELECT deleted_at IS NOT NULL FROM bgw.users WHERE id = '${amId}'`), 't');
	// The global audit chain still verifies.
	assert.match(admin('audit-verify'), /ok/);
});
