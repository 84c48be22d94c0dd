// clamd and the SMTP server down (issue 9 item 3).  clamd: /healthz answers 503 naming the
// scanner while the database stays ok, and recovers when clamd is back without a restart of
// the workers.  SMTP: mail is queued in the outbox while the server is down (the API still
// answers), and delivered exactly once when it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messages, waitForMessage } from '../integration/lib/stack.mjs';
import { newFirm, newProject, uniqueEmail, sql } from '../integration/lib/world.mjs';
import {
	masterPid, workerPids, waitUntil, sleep, logSize, sanitizerReports, clamdStop, clamdStart,
	clamdPid, ensureClamd, ensureFcgi, ensurePg, smtpStop, ensureSmtp,
} from './lib/procs.mjs';
import { once } from './lib/load.mjs';

const RECOVERY_MS = 10000;

test.before(async () => {
	ensurePg();
	await ensureFcgi();
	await ensureClamd();
	await ensureSmtp();
});
test.after(async () => {
	await ensureClamd();
	await ensureSmtp();
});

async function healthz() {
	const r = await once({ path: '/healthz' });
	return { status: r.status, body: JSON.parse(r.body) };
}

test('clamd stopped: /healthz 503 with the scanner unavailable and the db ok; back without restarting workers', async () => {
	const logAt = logSize();
	const master = masterPid();
	const workers = workerPids(master);
	assert.deepEqual(await healthz(), { status: 200, body: { db: 'ok', scanner: 'ok', signatures: 'offline', signature_age_s: null } });
	try {
		await clamdStop();
		assert.equal(clamdPid(), null, 'clamd stopped');
		// Every worker answers the same: ask more times than there are workers.
		for (let i = 0; i < workers.length * 3; i++)
			assert.deepEqual(await healthz(), { status: 503, body: { db: 'ok', scanner: 'unavailable', signatures: 'unavailable', signature_age_s: null } });
	} finally {
		if (clamdPid() === null) await clamdStart();
	}
	const back = await waitUntil(async () => (await healthz()).status === 200,
		{ timeout: RECOVERY_MS, interval: 200 });
	assert.ok(back, `/healthz did not recover within ${RECOVERY_MS} ms of clamd's restart`);
	for (let i = 0; i < workers.length * 3; i++)
		assert.deepEqual(await healthz(), { status: 200, body: { db: 'ok', scanner: 'ok', signatures: 'offline', signature_age_s: null } });
	assert.deepEqual(workerPids(master), workers, 'the same workers serve');
	assert.deepEqual(sanitizerReports(logAt), []);
});

test('SMTP down: an invitation is queued (the API answers), then delivered exactly once', async () => {
	const auditor = await newFirm();
	const project = await newProject(auditor);
	const email = uniqueEmail('smtp-down');
	let res;
	try {
		await smtpStop();
		res = await auditor.request('POST', `/api/v1/projects/${project.id}/members`,
			{ body: { email, side: 'audit', admin: false } });
		assert.equal(res.status, 201, res.body);
		// The sender tried, failed and scheduled a retry: the mail waits in the outbox.
		const tried = await waitUntil(() => sql(
			`SELECT status || ' ' || attempts FROM bgw.outbox WHERE to_address = '${email}'`).match(/^queued [1-9]/),
		{ timeout: 15000, interval: 200 });
		assert.ok(tried, `the outbox row was not retried: ${sql(`SELECT status, attempts, last_error FROM bgw.outbox WHERE to_address = '${email}'`)}`);
		assert.equal(messages().filter((m) => String(m.to).includes(email)).length, 0);
	} finally {
		await ensureSmtp();
	}
	// Test-only clock move: the retry is due now rather than after the backoff (minutes).
	sql(`UPDATE bgw.outbox SET next_attempt_at = now() WHERE to_address = '${email}'`);
	await waitForMessage((m) => String(m.to).includes(email), { timeout: 20000 });
	await waitUntil(() => sql(`SELECT status FROM bgw.outbox WHERE to_address = '${email}'`) === 'sent',
		{ timeout: 10000 });
	await sleep(1500); // a second delivery, if there were one, would land now
	assert.equal(messages().filter((m) => String(m.to).includes(email)).length, 1, 'delivered exactly once');
	assert.equal(sql(`SELECT count(*) FROM bgw.outbox WHERE to_address = '${email}'`), '1');
});
