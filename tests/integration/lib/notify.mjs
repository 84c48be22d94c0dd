// notify.mjs: helpers of the batch-job tests (bgw-notify --once with a moved clock).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { messages, settle } from './stack.mjs';
import { sql } from './world.mjs';

/** One batch run at `now` (ISO, Z); resolves with its exit status and output. */
export function runOnce(now) {
	return new Promise((resolve) => {
		const p = spawn(process.env.BGW_NOTIFY, ['--config', process.env.BGW_CONFIG, '--once',
			'--now', now], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { out += d; });
		p.on('close', (code, signal) => resolve({ code, signal, out }));
	});
}

/** Start a batch run and hand back the child (to kill it). */
export function startOnce(now) {
	return spawn(process.env.BGW_NOTIFY, ['--config', process.env.BGW_CONFIG, '--once', '--now',
		now], { stdio: 'ignore' });
}

export function runOnceSync(now) {
	return spawnSync(process.env.BGW_NOTIFY, ['--config', process.env.BGW_CONFIG, '--once',
		'--now', now], { encoding: 'utf8' });
}

/** Every message in the sink to an address containing `needle`. */
export function mailsTo(needle) {
	return messages().filter((m) => String(m.to).includes(needle));
}

/** Wait until the outbox holds no queued or sending row for addresses like `pattern` (SQL
 * LIKE) and the sink has settled. */
export async function drained(pattern, timeout = 30000) {
	const end = Date.now() + timeout;
	while (Date.now() < end) {
		const n = Number(sql(`SELECT count(*) FROM bgw.outbox WHERE to_address::text LIKE '${pattern}'
			AND status IN ('queued', 'sending')`));
		if (n === 0) { await settle(500); return; }
		await settle(200);
	}
	throw new Error(`outbox rows for ${pattern} still pending`);
}

/** Move a project and its confirmations into the past (test-only clock move). */
export function backdate(projectId, { created = '2024-01-01T00:00:00Z' } = {}) {
	sql(`UPDATE bgw.projects SET created_at = '${created}' WHERE id = '${projectId}'`);
}

/** Clone confirmation `cid` n times as sent ones to `tag-<i>@example.test` (test-only: a
 * volume of due reminders without n trips through the API). */
export function cloneSent(cid, n, tag, { sent, due, asOf }) {
	sql(`INSERT INTO bgw.confirmations (project_id, type, form, status, respondent_org_id,
		respondent_email, respondent_name, as_of, due_date, sent_at, created_at)
		SELECT c.project_id, c.type, c.form, 'sent', c.respondent_org_id,
		    '${tag}-' || i || '@example.test', 'ご担当者 ' || i, '${asOf}', '${due}', '${sent}', '${sent}'
		FROM bgw.confirmations c, generate_series(1, ${n}) i WHERE c.id = '${cid}'`);
}

/** The token of the digest's unsubscribe link for userId, signed as lib/mail/unsub.c does
 * with the stack's master key (test-only: the routes' access matrix needs a valid link). */
export function unsubscribeToken(userId) {
	const conf = fs.readFileSync(process.env.BGW_CONFIG, 'utf8');
	const file = conf.match(/^master_key_file\s*=\s*(\S+)/m)[1];
	const raw = fs.readFileSync(file);
	const text = raw.toString('latin1').trim();
	const master = raw.length === 32 ? raw : Buffer.from(text, 'hex');
	const key = crypto.createHmac('sha256', master).update('bgw digest unsubscribe v1').digest();
	const sig = crypto.createHmac('sha256', key).update(`digest-off:${userId}`).digest('hex').slice(0, 32);
	return `${userId}.${sig}`;
}
