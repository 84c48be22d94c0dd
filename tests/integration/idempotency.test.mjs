// A POST with an Idempotency-Key runs once per user and key: a retry (after a 502, or a
// double click) gets the first answer again and creates nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { newFirm } from './lib/world.mjs';

const body = { name: 'Idempotent audit', client_name: '冪等商事', period_end: '2026-03-31' };

async function projectCount(c) {
	return (await c.request('GET', '/api/v1/projects')).json().total;
}

test('the same key twice: one project, the same answer replayed', async () => {
	const a = await newFirm();
	const key = crypto.randomUUID();
	const headers = { 'Idempotency-Key': key };
	const first = await a.request('POST', '/api/v1/projects', { body, headers });
	const again = await a.request('POST', '/api/v1/projects', { body, headers });
	assert.equal(first.status, 201);
	assert.equal(again.status, 201);
	assert.equal(again.json().project.id, first.json().project.id);
	assert.equal(again.headers['idempotent-replayed'], 'true');
	assert.equal(await projectCount(a), 1);
	// Without a key, or with another key, the request runs again.
	await a.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
	assert.equal(await projectCount(a), 2);
});

test('two concurrent requests with one key create one project', async () => {
	const a = await newFirm();
	const headers = { 'Idempotency-Key': crypto.randomUUID() };
	const [x, y] = await Promise.all([
		a.request('POST', '/api/v1/projects', { body, headers }),
		a.request('POST', '/api/v1/projects', { body, headers }),
	]);
	assert.equal(x.status, 201);
	assert.equal(y.status, 201);
	assert.equal(x.json().project.id, y.json().project.id);
	assert.equal(await projectCount(a), 1);
});

test('a key is per user, bound to its request, and well formed', async () => {
	const a = await newFirm();
	const b = await newFirm();
	const key = crypto.randomUUID();
	const pa = await a.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': key } });
	const pb = await b.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': key } });
	assert.notEqual(pa.json().project.id, pb.json().project.id, 'another user\'s key is not shared');
	const other = await a.request('POST', `/api/v1/projects/${pa.json().project.id}/access-code`,
		{ headers: { 'Idempotency-Key': key } });
	assert.equal(other.status, 422);
	const bad = await a.request('POST', '/api/v1/projects', { body, headers: { 'Idempotency-Key': 'x y' } });
	assert.equal(bad.status, 400);
});
