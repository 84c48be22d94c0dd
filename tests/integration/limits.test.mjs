// nginx limits: rate limits on sign-in, password reset and the public verify route (429 in
// docs/api.md's format), and the request body limit (413).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, rawTls, freshSource, env, securityHeaderProblems, assertHtmlRateLimited } from './lib/stack.mjs';

async function burst(method, p, n, source, body) {
	const statuses = [];
	for (let i = 0; i < n; i++) {
		const res = await request(method, p, { source, body });
		statuses.push(res.status);
		if (res.status === 429) return { statuses, res };
	}
	return { statuses, res: null };
}

for (const [p, burstVar, method] of [
	['/api/v1/session', 'BGW_LOGIN_BURST', 'POST'],
	['/api/v1/password-reset', 'BGW_RESET_BURST', 'POST'],
	['/api/v1/verify/AAAA-BBBB', 'BGW_VERIFY_BURST', 'GET'],
]) {
	test(`${method} ${p} is rate limited per client with a JSON 429`, async () => {
		const src = freshSource();
		const n = env.int(burstVar) + 2;
		const { statuses, res } = await burst(method, p, n, src, method === 'POST' ? {} : undefined);
		assert.ok(res, `no 429 after ${n} requests: ${statuses.join(' ')}`);
		assert.ok(statuses.length > env.int(burstVar), `429 too early: ${statuses.join(' ')}`);
		assert.deepEqual(res.json(), { error: { code: 'rate_limited', message: res.json().error.message } });
		assert.match(res.headers['content-type'], /^application\/json/);
		assert.ok(Number(res.headers['retry-after']) > 0);
		assert.deepEqual(securityHeaderProblems(res), []);
		// Another client is not affected.
		const other = await request(method, p, { source: freshSource(), body: method === 'POST' ? {} : undefined });
		assert.notEqual(other.status, 429);
	});
}

test('GET /api/v1/session is not counted by the sign-in limit', async () => {
	const src = freshSource();
	const { statuses } = await burst('GET', '/api/v1/session', env.int('BGW_LOGIN_BURST') + 3, src);
	assert.ok(!statuses.includes(429), statuses.join(' '));
});

test('a body over the request limit gets a JSON 413 without being read', async () => {
	const max = env.int('BGW_REQUEST_MAX_BYTES');
	const out = await rawTls(`POST /api/v1/projects/p1/documents HTTP/1.1\r\nHost: localhost\r\n`
		+ `Content-Type: application/octet-stream\r\nContent-Length: ${max + 1}\r\n\r\n`, { timeout: 2000 });
	assert.match(out, /^HTTP\/1\.1 413 /);
	assert.match(out, /"code":"too_large"/);
	assert.match(out, /\r\nstrict-transport-security: /i);
});

test('the public verify page shares the verify budget of its client', async () => {
	// A page at /verify asks the same question as /api/v1/verify/: without the limit it would
	// be an unlimited oracle for guessing references.
	const src = freshSource();
	const n = env.int('BGW_VERIFY_BURST') + 2;
	const { statuses, res } = await burst('GET', '/verify?reference=AAAA-BBBB', n, src);
	assert.ok(res, `no 429 after ${n} requests: ${statuses.join(' ')}`);
	assert.ok(statuses.length > env.int('BGW_VERIFY_BURST'), `429 too early: ${statuses.join(' ')}`);
	assertHtmlRateLimited(res);
	const api = await request('GET', '/api/v1/verify/AAAA-BBBB', { source: src });
	assert.equal(api.status, 429, 'the API route is refused for the same client');
	const other = await request('GET', '/verify?reference=AAAA-BBBB', { source: freshSource() });
	assert.notEqual(other.status, 429);
});

test('the password-reset page shares the reset budget of its client, with an HTML 429', async () => {
	// The page sends the same mail as POST /api/v1/password-reset: without the limit it would
	// be a way around it.  An empty form: nothing is mailed, but every POST counts.
	const src = freshSource();
	const n = env.int('BGW_RESET_BURST') + 2;
	const { statuses, res } = await burst('POST', '/password-reset', n, src, new URLSearchParams());
	assert.ok(res, `no 429 after ${n} requests: ${statuses.join(' ')}`);
	assert.ok(statuses.length > env.int('BGW_RESET_BURST'), `429 too early: ${statuses.join(' ')}`);
	assertHtmlRateLimited(res);
	const api = await request('POST', '/api/v1/password-reset', { source: src, body: {} });
	assert.equal(api.status, 429, 'the API route is refused for the same client');
	assert.notEqual((await request('GET', '/password-reset', { source: src })).status, 429,
		'the form itself is not counted');
	const other = await request('POST', '/password-reset', { source: freshSource(), body: new URLSearchParams() });
	assert.notEqual(other.status, 429);
});
