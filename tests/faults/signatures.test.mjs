// clamd's signature age in /healthz and /metrics (issue 21 item 4).  The stack's clamd has
// only the offline test signatures, so its VERSION names no database date: /healthz says
// "offline" and /metrics leaves the age out.  For a dated database the real clamd is
// replaced for a moment by a stand-in on its socket that answers PING and VERSION the way
// clamd does with freshclam's daily database ("ClamAV 1.4.6/27480/Mon Dec  7 08:25:43 2026",
// the host's local time): 4 days old is "stale" (limit 3 days: SCAN_SIGNATURES_STALE_S and
// the BgwClamdSignaturesStale alert), 1 hour old is "current"; /healthz stays 200 either way
// (uploads are still scanned) and /metrics reports the age in seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { paths, clamdStop, clamdStart, clamdPid, ensureClamd, ensureFcgi, ensurePg } from './lib/procs.mjs';
import { once } from './lib/load.mjs';

const DAY_S = 86400;
const SLACK_S = 120; // between the stand-in's date and the worker's clock reading

test.before(async () => {
	ensurePg();
	await ensureFcgi();
	await ensureClamd();
});
test.after(async () => {
	await ensureClamd();
});

async function healthz() {
	const r = await once({ path: '/healthz' });
	return { status: r.status, body: JSON.parse(r.body) };
}

async function metricAge() {
	const r = await once({ path: '/metrics' });
	assert.equal(r.status, 200, 'the scrape from loopback is allowed');
	const m = /^bgw_clamd_signatures_age_seconds (\S+)$/m.exec(r.body);
	return m ? Number(m[1]) : null;
}

/** clamd's ctime-like date, in local time like clamd's own. */
function clamdDate(d) {
	const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()];
	const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov',
		'Dec'][d.getMonth()];
	const two = (n) => String(n).padStart(2, '0');
	return `${day} ${mon} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:` +
		`${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** A stand-in for clamd on its socket: PING and VERSION only, as clamd answers z-commands. */
async function fakeClamd(builtAt) {
	try { fs.unlinkSync(paths.clamdSocket); } catch { /* clamd removed it */ }
	const server = net.createServer((s) => {
		let got = '';
		s.on('data', (c) => {
			got += c.toString();
			if (!got.includes('\0')) return;
			const cmd = got.slice(0, got.indexOf('\0'));
			s.end(cmd === 'zPING' ? 'PONG\0' :
				cmd === 'zVERSION' ? `ClamAV 1.4.6/27480/${clamdDate(builtAt)}\0` : 'UNKNOWN COMMAND\0');
		});
		s.on('error', () => {});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(paths.clamdSocket, resolve);
	});
	fs.chmodSync(paths.clamdSocket, 0o666); // the workers run as the service user
	return server;
}

test('offline test signatures: /healthz says offline with no age, /metrics has no age', async () => {
	assert.deepEqual(await healthz(), {
		status: 200, body: { db: 'ok', scanner: 'ok', signatures: 'offline', signature_age_s: null },
	});
	assert.equal(await metricAge(), null);
});

test('a dated signature database: 4 days old is stale, 1 hour old is current; both in /metrics', async () => {
	await clamdStop();
	assert.equal(clamdPid(), null, 'clamd stopped');
	let server;
	try {
		for (const [ageS, state] of [[4 * DAY_S, 'stale'], [3600, 'current']]) {
			server = await fakeClamd(new Date(Date.now() - ageS * 1000));
			const h = await healthz();
			assert.equal(h.status, 200, `stale signatures do not fail /healthz: ${JSON.stringify(h)}`);
			assert.equal(h.body.scanner, 'ok');
			assert.equal(h.body.signatures, state);
			assert.ok(Math.abs(h.body.signature_age_s - ageS) <= SLACK_S,
				`signature_age_s ${h.body.signature_age_s}, expected about ${ageS}`);
			const m = await metricAge();
			assert.ok(m !== null && Math.abs(m - ageS) <= SLACK_S,
				`bgw_clamd_signatures_age_seconds ${m}, expected about ${ageS}`);
			await new Promise((resolve) => server.close(resolve));
			server = null;
		}
	} finally {
		if (server) await new Promise((resolve) => server.close(resolve));
		await clamdStart();
	}
	assert.deepEqual((await healthz()).body.signatures, 'offline');
});
