// A retried POST creates nothing twice (issue 9 item 3).  nginx does not retry a POST whose
// worker died (docs/field-notes.md): the client gets a 502/503 and resubmits.  With the header
// `Idempotency-Key`, the same user sending the same key again does not run it a second
// time: one project, whatever the timing of the duplicates.  A project's answer carries its
// first-access code, which is never kept (docs/api.md), so the repeat is 409
// idempotency_key_used rather than the first answer replayed; a careful client takes that as
// "done" (and makes a new code if it lost the first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { newFirm, sql } from '../integration/lib/world.mjs';
import {
	masterPid, workerPids, waitUntil, sleep, logSize, sanitizerReports, ensureFcgi, ensurePg,
	busyWorker,
} from './lib/procs.mjs';
import { once, clientHeaders, ok2xx } from './lib/load.mjs';

let auditor;
test.before(async () => {
	ensurePg();
	await ensureFcgi();
	auditor = await newFirm();
});

function createProject(client, name, key) {
	return once({
		method: 'POST', path: '/api/v1/projects', source: client.source,
		headers: { ...clientHeaders(client, 'POST'), ...(key ? { 'idempotency-key': key } : {}) },
		body: { name, client_name: '株式会社リトライ', period_end: '2026-03-31' },
	});
}

/** The repeat of a key whose answer was withheld: the request ran once already. */
const alreadyDone = (r) => r.status === 409 && JSON.parse(r.body).error.code === 'idempotency_key_used';

const projectsNamed = (name) => Number(sql(
	`SELECT count(*) FROM bgw.projects WHERE name = '${name.replace(/'/g, "''")}'`));

test('the same Idempotency-Key sent twice, one after the other: one project, the repeat 409', async () => {
	const name = `idem seq ${crypto.randomBytes(4).toString('hex')}`;
	const key = crypto.randomUUID();
	const first = await createProject(auditor, name, key);
	assert.equal(first.status, 201, first.body);
	const second = await createProject(auditor, name, key);
	assert.ok(alreadyDone(second), `${second.status} ${second.body}`);
	assert.ok(!second.body.includes(JSON.parse(first.body).project.first_access_code),
		'the repeat does not carry the code');
	assert.equal(projectsNamed(name), 1, 'one project for one key');
	// Control: without the key the same body does create a second project, so the check
	// above is about the key, not about duplicate names.
	const other = await createProject(auditor, name, crypto.randomUUID());
	assert.equal(other.status, 201, other.body);
	assert.notEqual(JSON.parse(other.body).project.id, JSON.parse(first.body).project.id);
	assert.equal(projectsNamed(name), 2);
});

test('the same Idempotency-Key sent twice at once: one project', async () => {
	for (let round = 0; round < 5; round++) {
		const name = `idem conc ${crypto.randomBytes(4).toString('hex')}`;
		const key = crypto.randomUUID();
		const [a, b] = await Promise.all([createProject(auditor, name, key), createProject(auditor, name, key)]);
		assert.equal(projectsNamed(name), 1, `round ${round}: ${a.status} ${b.status}`);
		// One answer carries the project; the other waited for it and was told it is done.
		assert.deepEqual([a, b].map((r) => r.status).sort(), [201, 409], `${a.body} ${b.body}`);
		assert.ok(alreadyDone(a.status === 409 ? a : b));
	}
});

test('a key belongs to its user: another user with the same key gets their own project', async () => {
	const other = await newFirm();
	const name = `idem users ${crypto.randomBytes(4).toString('hex')}`;
	const key = crypto.randomUUID();
	const a = await createProject(auditor, name, key);
	const b = await createProject(other, name, key);
	assert.equal(a.status, 201, a.body);
	assert.equal(b.status, 201, b.body);
	assert.notEqual(JSON.parse(a.body).project.id, JSON.parse(b.body).project.id);
	assert.equal(projectsNamed(name), 2);
});

test('kill -9 of workers while clients create projects and retry failures with their key: nothing created twice', async (t) => {
	const logAt = logSize();
	const master = masterPid();
	const tag = crypto.randomBytes(4).toString('hex');
	let stopped = false;
	const outcomes = [];
	// Each client loop creates projects one by one; a failed attempt (502/503, reset) is
	// resubmitted with the same key until it gets a 2xx, as a careful client would.
	const loops = Array.from({ length: 6 }, async (_, i) => {
		for (let n = 0; !stopped; n++) {
			const name = `idem kill ${tag} ${i}-${n}`;
			const key = crypto.randomUUID();
			const tries = [];
			for (let attempt = 0; attempt < 20; attempt++) {
				const r = await createProject(auditor, name, key);
				tries.push(r.status || r.error);
				if (ok2xx(r) || alreadyDone(r)) break;
				await sleep(50);
			}
			outcomes.push({ name, tries });
		}
	});
	try {
		await sleep(800);
		for (let k = 0; k < 5; k++) {
			const pids = workerPids(master);
			// A worker in the middle of creating a project, so a retry is really needed.
			const busy = await busyWorker(pids);
			assert.ok(busy, 'a worker was serving a request');
			process.kill(busy.pid, 'SIGKILL');
			await waitUntil(() => workerPids(master).length === pids.length, { timeout: 2000 });
			await sleep(1100);
		}
	} finally {
		stopped = true;
		await Promise.all(loops);
	}
	const retried = outcomes.filter((o) => o.tries.length > 1);
	t.diagnostic(`${outcomes.length} projects, ${retried.length} needed a retry: ` +
		retried.map((o) => o.tries.join('→')).join(', '));
	for (const o of outcomes) {
		assert.ok(ok2xx({ status: o.tries.at(-1) }) || o.tries.at(-1) === 409, `${o.name}: ${o.tries.join(' ')}`);
		// 409 only for a retry, after an attempt that committed but whose answer was lost.
		assert.ok(o.tries.at(-1) !== 409 || o.tries.length > 1, `${o.name}: ${o.tries.join(' ')}`);
	}
	assert.ok(retried.length > 0, 'no creation needed a retry: the kills hit nothing in flight');
	const counts = sql(`SELECT count(*) FROM bgw.projects WHERE name LIKE 'idem kill ${tag} %' GROUP BY name HAVING count(*) > 1`);
	assert.equal(counts, '', 'a project was created twice');
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.projects WHERE name LIKE 'idem kill ${tag} %'`)), outcomes.length);
	assert.deepEqual(sanitizerReports(logAt), []);
	await ensureFcgi();
});
