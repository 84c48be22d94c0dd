// Plain HTTP only redirects; every HTTPS response carries the security headers exactly
// once (application answers, nginx's own errors, WAF denials, static files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, env, isWafDenial, securityHeaderProblems } from './lib/stack.mjs';

test('plain HTTP answers every method and path with a 301 to the same path over HTTPS', async () => {
	for (const [method, p] of [['GET', '/'], ['GET', '/healthz?x=1'], ['POST', '/api/v1/session'], ['DELETE', '/api/v1/x']]) {
		const res = await request(method, p, { http: true, body: method === 'POST' ? { a: 1 } : undefined });
		assert.equal(res.status, 301, `${method} ${p}`);
		assert.equal(res.headers.location, `${env.baseUrl}${p}`);
		assert.ok(!res.body.includes('"ok"') && !res.body.includes('"db"'), 'the app answered over HTTP');
	}
});

test('GET /healthz carries HSTS, CSP, nosniff and no-store, once each', async () => {
	const res = await request('GET', '/healthz');
	assert.ok([200, 503].includes(res.status), `status ${res.status}`);
	assert.deepEqual(securityHeaderProblems(res), []);
});

test('an nginx 404 carries the security headers', async () => {
	const res = await request('GET', '/static/does-not-exist-4f1c.css');
	assert.equal(res.status, 404);
	assert.deepEqual(securityHeaderProblems(res), []);
});

test('a WAF denial carries the security headers, on /api/ as docs/api.md JSON', async () => {
	const res = await request('GET', '/api/v1/projects?q=<script>alert(1)</script>');
	assert.ok(isWafDenial(res), `status ${res.status}`);
	assert.deepEqual(securityHeaderProblems(res), []);
	assert.match(res.headers['content-type'], /^application\/json/);
	assert.equal(res.json().error.code, 'forbidden');
	assert.equal(typeof res.json().error.message, 'string');
});

test('a WAF denial of a page is nginx\'s 403 page with the security headers', async () => {
	const res = await request('GET', '/?q=<script>alert(1)</script>');
	assert.ok(isWafDenial(res), `status ${res.status}`);
	assert.deepEqual(securityHeaderProblems(res), []);
});

test('nginx does not announce its version', async () => {
	const res = await request('GET', '/static/does-not-exist-4f1c.css');
	assert.equal(res.headers.server, 'nginx');
	assert.ok(!/nginx\/\d/.test(res.body));
});
