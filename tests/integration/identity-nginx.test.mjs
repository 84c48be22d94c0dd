// Identity at the edge: nginx itself refuses operator routes and /metrics to addresses
// outside the operator networks (the app checks again), and the HTML sign-in form spends the
// same rate-limit budget as POST /api/v1/session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { request, freshSource, outsideSource, env, settle, securityHeaderProblems, assertHtmlRateLimited } from './lib/stack.mjs';

/** The operator_networks line of the stack's config: the one list ./dev renders. */
function operatorNetworks() {
	const conf = fs.readFileSync(process.env.BGW_CONFIG, 'utf8');
	return conf.match(/^operator_networks\s*=\s*(.*)$/m)[1].trim().split(/\s+/);
}

/** nginx's access-log line of the request that carried user agent ua. */
async function accessLine(ua) {
	for (let i = 0; i < 20; i++) {
		const lines = fs.readFileSync(path.join(env.logDir, 'nginx_access.log'), 'utf8').split('\n');
		const line = lines.find((l) => l.includes(ua));
		if (line) return JSON.parse(line);
		await settle(100);
	}
	throw new Error(`no access-log line for ${ua}`);
}

/** Did a worker see this request?  Its log line names nginx's request id. */
function reachedApp(requestId) {
	return fs.readFileSync(path.join(env.logDir, 'bgw.log'), 'utf8').includes(requestId);
}

test('the test stack keeps the upper half of loopback outside the operator networks', () => {
	assert.deepEqual(operatorNetworks().filter((n) => n.startsWith('127.')), ['127.0.0.0/9']);
});

const OPERATOR_PATHS = [
	['GET', '/api/v1/operator/users', 'json'],
	['GET', '/api/v1/operator/firms', 'json'],
	['POST', '/api/v1/operator/users/AAAAAAAAAAAAAAAA/lock', 'json'],
	['GET', '/operator', 'page'],
	['POST', '/operator/users/AAAAAAAAAAAAAAAA/lock', 'page'],
	['GET', '/metrics', 'page'],
];

for (const [method, p, kind] of OPERATOR_PATHS) {
	test(`${method} ${p} from outside the operator networks: nginx answers 404 itself`, async () => {
		const ua = `bgw-test-${crypto.randomBytes(8).toString('hex')}`;
		const res = await request(method, p, { source: outsideSource(), headers: { 'user-agent': ua } });
		assert.equal(res.status, 404, res.body);
		if (kind === 'json') {
			assert.match(res.headers['content-type'], /^application\/json/);
			assert.equal(res.json().error.code, 'not_found');
		}
		assert.deepEqual(securityHeaderProblems(res), []);
		await settle();
		const line = await accessLine(ua);
		assert.equal(line.status, 404);
		assert.ok(['', '-'].includes(line.upstream_time), `nginx passed it upstream: ${JSON.stringify(line)}`);
		assert.equal(reachedApp(line.request_id), false, 'a worker saw the request');
	});
}

test('inside the operator networks the same routes reach the application', async () => {
	const ua = `bgw-test-${crypto.randomBytes(8).toString('hex')}`;
	const metrics = await request('GET', '/metrics', { source: freshSource(), headers: { 'user-agent': ua } });
	assert.equal(metrics.status, 200);
	assert.match(metrics.body, /^# TYPE bgw_http_requests_total counter$/m);
	// No session: the app itself answers 401, so nginx let it through.
	const users = await request('GET', '/api/v1/operator/users', { source: freshSource() });
	assert.equal(users.status, 401, users.body);
	await settle();
	assert.ok(reachedApp((await accessLine(ua)).request_id));
});

test('POST /login shares the sign-in rate limit of POST /api/v1/session', async () => {
	const src = freshSource();
	const burst = env.int('BGW_LOGIN_BURST');
	const statuses = [];
	// An empty form: the application's own per-address throttle counts failed sign-ins
	// only, so a 429 here can only be nginx's.
	for (let i = 0; i < burst + 3; i++) {
		const res = await request('POST', '/login', { source: src, body: new URLSearchParams() });
		statuses.push(res.status);
		if (res.status === 429) break;
	}
	assert.equal(statuses.at(-1), 429, `no 429 from POST /login: ${statuses.join(' ')}`);
	assert.ok(statuses.length > burst, `429 too early: ${statuses.join(' ')}`);
	assertHtmlRateLimited(await request('POST', '/login', { source: src, body: new URLSearchParams() }));
	// The same address is now refused by the API route too: one budget per address.
	const api = await request('POST', '/api/v1/session', { source: src, body: { email: 'a@b.example', password: 'x' } });
	assert.equal(api.status, 429);
	// GET /login (the form itself) is not counted, and another address is unaffected.
	assert.notEqual((await request('GET', '/login', { source: src })).status, 429);
	assert.notEqual((await request('POST', '/login', { source: freshSource(), body: new URLSearchParams() })).status, 429);
});
