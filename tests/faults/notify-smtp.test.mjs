// notify-smtp.test.mjs: the SMTP sink stops; reminders stay queued; it starts again; each is
// delivered exactly once.  Run serially by ./dev (it stops a service of the stack).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { env, settle } from '../integration/lib/stack.mjs';
import { sql } from '../integration/lib/world.mjs';
import { engagement, sendToRespondent } from '../integration/lib/engagement.mjs';
import { runOnce, mailsTo, drained, backdate, cloneSent } from '../integration/lib/notify.mjs';

const pidFile = () => path.join(env.stackDir, 'pids', 'smtp-sink.pid');
const port = () => Number(process.env.BGW_SMTP_PORT);

function listening() {
	return new Promise((resolve) => {
		const s = net.connect({ host: '127.0.0.1', port: port() }, () => { s.end(); resolve(true); });
		s.on('error', () => resolve(false));
	});
}

async function stopSink() {
	const pid = Number(fs.readFileSync(pidFile(), 'utf8'));
	process.kill(pid, 'SIGTERM');
	for (let i = 0; i < 100 && await listening(); i++) await settle(100);
	assert.equal(await listening(), false, 'the sink stopped');
}

// As ./dev starts it: the service user, its own session, the pid in the pid file.
async function startSink() {
	const uid = spawnSync('id', ['-u', 'bgw'], { encoding: 'utf8' }).stdout.trim();
	const gid = spawnSync('id', ['-g', 'bgw'], { encoding: 'utf8' }).stdout.trim();
	const log = fs.openSync(path.join(env.logDir, 'smtp-sink.log'), 'a');
	const p = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port()}`,
		'-c', 'aiosmtpd.handlers.Mailbox', env.maildir],
	{ uid: Number(uid), gid: Number(gid), detached: true, stdio: ['ignore', log, log] });
	p.unref();
	fs.writeFileSync(pidFile(), `${p.pid}\n`);
	for (let i = 0; i < 100 && !await listening(); i++) await settle(100);
	assert.equal(await listening(), true, 'the sink is back');
}

test('SMTP down: reminders stay queued; back up: each delivered once', async () => {
	const e = await engagement();
	const { conf } = await sendToRespondent(e);
	backdate(e.project.id, { created: '2023-01-01T00:00:00Z' });
	const tag = `smtp-${crypto.randomBytes(4).toString('hex')}`;
	cloneSent(conf.id, 10, tag, { sent: '2023-02-01T00:00:00Z', due: '2023-02-28', asOf: '2023-01-31' });
	await stopSink();
	try {
		const r = await runOnce('2023-02-22T00:00:00Z');
		assert.equal(r.code, 0, r.out);
		await settle(1500);
		assert.equal(mailsTo(`${tag}-`).length, 0);
		assert.equal(Number(sql(`SELECT count(*) FROM bgw.outbox WHERE to_address::text LIKE '${tag}-%'
			AND status IN ('queued', 'sending')`)), 10, 'all kept in the outbox');
	} finally {
		await startSink();
	}
	// The retry waits with backoff; move that wait along rather than sleep through it (once
	// no sender holds a claim on them).
	for (let i = 0; i < 100 && Number(sql(`SELECT count(*) FROM bgw.outbox
		WHERE to_address::text LIKE '${tag}-%' AND status = 'sending'`)) > 0; i++) await settle(200);
	sql(`UPDATE bgw.outbox SET next_attempt_at = now(), locked_until = NULL
		WHERE to_address::text LIKE '${tag}-%' AND status = 'queued'`);
	const r = await runOnce('2023-02-22T00:00:00Z');
	assert.equal(r.code, 0, r.out);
	await drained(`${tag}-%`);
	for (let i = 1; i <= 10; i++) assert.equal(mailsTo(`${tag}-${i}@`).length, 1, `${tag}-${i}`);
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.outbox WHERE to_address::text LIKE '${tag}-%'
		AND status = 'sent'`)), 10);
});
