// bounces.test.mjs: delivery status notifications that come back after the relay said 250
// (issue 22).  Every message leaves from its own signed return path; the SMTP sink
// (tools/bgw_sink.py) answers mail to dsn-fail*@ and dsn-delay*@ with a report to that
// path, into the bounce Maildir that `bgw-notify --bounces --maildir` reads; an MTA pipe
// hands one report on stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { messages, settle } from './lib/stack.mjs';
import { sql } from './lib/world.mjs';
import { engagement, sendToRespondent } from './lib/engagement.mjs';

const VERP = /^bounces\+([A-Za-z0-9_-]{16})\.[0-9a-f]{24}@localhost$/;
const bounceDir = () => process.env.BGW_BOUNCE_MAILDIR;
const tag = () => crypto.randomBytes(4).toString('hex');

function bounces(args, input) {
	const r = spawnSync(process.env.BGW_NOTIFY, ['--config', process.env.BGW_CONFIG, '--bounces',
		...args], { input, encoding: 'utf8' });
	return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The report the sink wrote about `rcpt`, as text (waits for it). */
async function reportFor(rcpt) {
	const end = Date.now() + 20000;
	while (Date.now() < end) {
		for (const sub of ['new', 'cur']) {
			const d = path.join(bounceDir(), sub);
			for (const f of fs.readdirSync(d)) {
				const text = fs.readFileSync(path.join(d, f), 'utf8');
				if (text.includes(`Final-Recipient: rfc822; ${rcpt}`)) return text;
			}
		}
		await settle(200);
	}
	throw new Error(`no report about ${rcpt}`);
}

const requestRow = (cid) => sql(`SELECT id FROM bgw.outbox WHERE kind = 'confirmation_request'
	AND natural_key LIKE 'confirmation_request:${cid}:%'`);
const flagged = (cid) => sql(`SELECT undeliverable FROM bgw.confirmations WHERE id = '${cid}'`) === 't';
const events = (cid) => sql(`SELECT coalesce(string_agg(detail::text, '|'), '') FROM bgw.audit_events
	WHERE object_id = '${cid}' AND action = 'notify.undeliverable'`);

test('mail leaves from its own signed return path', async () => {
	const e = await engagement();
	const { conf, email } = await sendToRespondent(e);
	const m = messages().find((x) => String(x.to).includes(email));
	const from = String(m.headers['x-mailfrom']);
	const match = from.match(VERP);
	assert.ok(match, from);
	assert.equal(match[1], requestRow(conf.id));
});

test('a report of a permanent failure marks the confirmation undeliverable, with the reason', async () => {
	const e = await engagement();
	const rcpt = `dsn-fail-${tag()}@example.test`;
	const { conf } = await sendToRespondent(e, rcpt);
	await reportFor(rcpt);
	assert.equal(flagged(conf.id), false, 'the relay said 250: nothing flagged yet');
	const r = bounces(['--maildir', bounceDir()]);
	assert.equal(r.code, 0, r.out);
	assert.equal(flagged(conf.id), true);
	const got = (await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
	assert.equal(got.undeliverable, true);
	const detail = events(conf.id);
	assert.match(detail, /"status": ?"5\.1\.1"/);
	assert.match(detail, /User unknown/);
	assert.match(sql(`SELECT bounce_reason FROM bgw.outbox WHERE id = '${requestRow(conf.id)}'`),
		/^dsn 5\.1\.1: smtp; 550 5\.1\.1/);
	// Read again (the MTA delivered it twice): one flag, one event.
	assert.equal(bounces([], await reportFor(rcpt)).code, 0);
	assert.equal(events(conf.id).split('|').length, 1);
	assert.equal(fs.readdirSync(path.join(bounceDir(), 'new')).length, 0, 'every report read');
});

test('a forged report (wrong signature) changes nothing', async () => {
	const e = await engagement();
	const victim = await sendToRespondent(e);
	const rcpt = `dsn-fail-${tag()}@example.test`;
	const other = await sendToRespondent(e, rcpt);
	const real = await reportFor(rcpt);
	// The victim's row id under the other row's signature; then an unsigned address.
	const forged = real.replace(/bounces\+[A-Za-z0-9_-]{16}\./g, `bounces+${requestRow(victim.conf.id)}.`);
	assert.notEqual(forged, real);
	let r = bounces([], forged);
	assert.equal(r.code, 0, r.out);
	r = bounces([], real.replace(/bounces\+[^@\s>]+@/g, 'bounces@'));
	assert.equal(r.code, 0, r.out);
	assert.equal(flagged(victim.conf.id), false);
	assert.equal(events(victim.conf.id), '');
	assert.equal(sql(`SELECT bounced_at IS NULL FROM bgw.outbox WHERE id = '${requestRow(victim.conf.id)}'`), 't');
	assert.equal(flagged(other.conf.id), false, 'its own report not read yet');
});

test('a report of a delay is counted, not flagged', async () => {
	const e = await engagement();
	const rcpt = `dsn-delay-${tag()}@example.test`;
	const { conf } = await sendToRespondent(e, rcpt);
	const report = await reportFor(rcpt);
	assert.match(report, /Action: delayed/);
	const r = bounces([], report);
	assert.equal(r.code, 0, r.out);
	assert.equal(flagged(conf.id), false);
	assert.equal(sql(`SELECT transient_bounces FROM bgw.outbox WHERE id = '${requestRow(conf.id)}'`), '1');
	assert.equal(events(conf.id), '');
});

test('mail that is not a report is ignored', () => {
	const r = bounces([], 'From: someone@example.test\r\nTo: bounces@localhost\r\nSubject: hi\r\n\r\nhello\r\n');
	assert.equal(r.code, 0, r.out);
	assert.match(r.out, /1 read, 0 permanent, 0 transient, 1 ignored/);
});
