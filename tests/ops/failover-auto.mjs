// failover-auto.mjs - the client half of tests/ops/failover-auto.sh: a firm admin writes
// projects without pause while the drill kills the PostgreSQL primary, and keeps a ledger
// of every request: what it asked, what it was answered, and when.
//
//   node failover-auto.mjs load LEDGER READY STOP   sign in, touch READY, then CONCURRENCY
//                                                  loops each create one project after
//                                                  another until the file STOP exists;
//                                                  the ledger (JSON) is written at the end
//   node failover-auto.mjs report LEDGER KILLED_MS NAMES
//                                                  compare the ledger with NAMES (the
//                                                  project names on the new primary, one a
//                                                  line) and print key=value lines
import fs from 'node:fs';
import { newFirm } from '../integration/lib/world.mjs';

const CONCURRENCY = 4;
const PREFIX = 'ledger-';
const [phase, ledgerFile, ...rest] = process.argv.slice(2);

async function load(readyFile, stopFile) {
	const c = await newFirm();
	const ledger = [];
	let n = 0;
	fs.writeFileSync(readyFile, '');
	const loop = async () => {
		while (!fs.existsSync(stopFile)) {
			const name = `${PREFIX}${n++}`;
			const t0 = Date.now();
			let status = 0;
			let error;
			try {
				const res = await c.request('POST', '/api/v1/projects', {
					body: { name, client_name: '株式会社フェイルオーバー', period_end: '2026-03-31' },
					timeout: 30000 });
				status = res.status;
			} catch (e) {
				error = e.code ?? e.message;
			}
			ledger.push({ name, status, error, t0, t1: Date.now() });
			if (status !== 201) await new Promise((r) => setTimeout(r, 100));
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, loop));
	fs.writeFileSync(ledgerFile, JSON.stringify(ledger));
	console.log(`load ok ${ledger.length} requests`);
}

function report(killedMs, namesFile) {
	const ledger = JSON.parse(fs.readFileSync(ledgerFile, 'utf8')).sort((a, b) => a.t0 - b.t0);
	const onServer = new Set(fs.readFileSync(namesFile, 'utf8').split('\n').filter((l) => l.startsWith(PREFIX)));
	const committed = ledger.filter((r) => r.status === 201);
	const lost = committed.filter((r) => !onServer.has(r.name));
	const failed = ledger.filter((r) => r.status !== 201);
	const statuses = {};
	for (const r of failed) statuses[r.error ?? r.status] = (statuses[r.error ?? r.status] ?? 0) + 1;
	const lastFailure = failed.length ? Math.max(...failed.map((r) => r.t1)) : killedMs;
	// Recovered: the first success that started after the last failure ended... and after
	// the kill; the figure is from the kill to that answer.
	const firstOk = committed.find((r) => r.t0 >= lastFailure && r.t0 >= killedMs);
	const firstFail = failed.length ? Math.min(...failed.map((r) => r.t0)) : killedMs;
	const inDoubt = failed.filter((r) => onServer.has(r.name)).length;
	const out = {
		requests: ledger.length,
		committed: committed.length,
		committed_before_kill: committed.filter((r) => r.t1 < killedMs).length,
		committed_after_switch: committed.filter((r) => firstOk && r.t0 >= firstOk.t0).length,
		failed: failed.length,
		failed_statuses: Object.entries(statuses).map(([k, v]) => `${k}:${v}`).join(',') || 'none',
		failed_not_503: failed.filter((r) => r.status !== 503).length,
		failures_before_kill: failed.filter((r) => r.t1 < killedMs).length,
		lost: lost.length,
		lost_names: lost.map((r) => r.name).join(',') || 'none',
		in_doubt_committed: inDoubt,
		first_failure_after_kill_s: ((firstFail - killedMs) / 1000).toFixed(1),
		unavailable_s: ((lastFailure - firstFail) / 1000).toFixed(1),
		recovered_after_s: firstOk ? ((firstOk.t1 - killedMs) / 1000).toFixed(1) : 'never',
	};
	for (const [k, v] of Object.entries(out)) console.log(`${k}=${v}`);
}

if (phase === 'load') await load(rest[0], rest[1]);
else if (phase === 'report') report(Number(rest[0]), rest[1]);
else throw new Error('usage: node failover-auto.mjs load LEDGER READY STOP | report LEDGER KILLED_MS NAMES');
