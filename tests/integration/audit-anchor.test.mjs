// The audit chain anchored outside the database (lib/flow/auditcp.h), and every view of an answer
// recorded (lib/flow/confview.h).
//
// A chain verifies link by link: each event's hash covers the previous one.  That proves no
// stored event was changed in place, but not that the chain is whole: someone with the
// database superuser's power can delete a chain's last events (what is left is still
// consistent), or rewrite an event and recompute every later hash.  Before the checkpoints,
// `bgw-admin audit-verify` answered "ok" to both.  A checkpoint (each chain's length and last
// hash, HMAC-signed with a key the database never holds, in a file it cannot write) lets
// audit-verify see both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { admin, sql, uniqueEmail, accept, mailTo, mailText } from './lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendToRespondent } from './lib/engagement.mjs';
import { runOnce } from './lib/notify.mjs';

/** bgw-admin with its exit status (admin() throws on a non-zero one). */
function adminRun(...args) {
	const r = spawnSync(process.env.BGW_ADMIN, ['--config', process.env.BGW_CONFIG, ...args],
		{ encoding: 'utf8' });
	return { status: r.status, out: r.stdout, err: r.stderr };
}

function checkpointFile() {
	const conf = fs.readFileSync(process.env.BGW_CONFIG, 'utf8');
	return conf.match(/^audit_checkpoint_file = (.*)$/m)[1];
}

const lines = () => fs.readFileSync(checkpointFile(), 'utf8').split('\n').filter(Boolean);

/** Run SQL as the superuser with every trigger off: what an attacker holding the database
 * can do (the append-only trigger does not stop a superuser). */
const sqlAsAttacker = (text) => sql(`SET session_replication_role = replica; ${text}`);

/** A project whose chain holds a few events. */
async function projectWithHistory() {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'return', { reason: '金額を確認' });
	await act(e.aa, conf.id, 'submit');
	return e;
}

const chainLength = (pid) => Number(sql(`SELECT count(*) FROM bgw.audit_events WHERE project_id = '${pid}'`));

// audit_hash (lib/flow/audit.c): SHA-256(prev || "bgw-audit-v1\n" || each field as
// "<bytes>:<value>\n", NULL as "-\n"), over the texts the database gives back.
function eventHash(prev, fields) {
	const h = crypto.createHash('sha256');
	h.update(prev);
	h.update('bgw-audit-v1\n');
	for (const f of fields) {
		if (f === null) h.update('-\n');
		else h.update(`${Buffer.byteLength(f)}:${f}\n`);
	}
	return h.digest();
}

/** Rewrite event `seq` of the project's chain (another action) and recompute every later
 * hash, so that the chain is consistent link by link again. */
function rewriteChain(pid, seq) {
	sqlAsAttacker(`UPDATE bgw.audit_events SET action = 'conf.edit' WHERE project_id = '${pid}' AND seq = ${seq}`);
	const rows = sql(`SELECT seq, json_build_array(project_id, seq::text,
			to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_id, action,
			object_type, object_id, host(ip), detail::text), encode(prev_hash, 'hex')
		FROM bgw.audit_events WHERE project_id = '${pid}' AND seq >= ${seq} ORDER BY seq`)
		.split('\n').map((l) => l.split('|'));
	let prev = Buffer.from(rows[0][2], 'hex');
	for (const [s, fields] of rows) {
		const hash = eventHash(prev, JSON.parse(fields));
		sqlAsAttacker(`UPDATE bgw.audit_events SET prev_hash = '\\x${prev.toString('hex')}',
			hash = '\\x${hash.toString('hex')}' WHERE project_id = '${pid}' AND seq = ${s}`);
		prev = hash;
	}
}

test('the daily batch takes one checkpoint a day: every chain, signed, in the file outside the database', async () => {
	const e = await projectWithHistory();
	const before = lines().length;
	const r = await runOnce(new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
	assert.equal(r.code, 0, r.out);
	const mine = lines().slice(before);
	const line = mine.find((l) => l.split(' ')[2] === e.project.id);
	assert.ok(line, `no line for ${e.project.id} in ${mine.join('\n')}`);
	const [tag, at, , length, head, mac] = line.split(' ');
	assert.equal(tag, 'bgw-cp1');
	assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(Number(length), chainLength(e.project.id));
	assert.equal(head, sql(`SELECT encode(hash, 'hex') FROM bgw.audit_events
		WHERE project_id = '${e.project.id}' AND seq = ${length}`));
	assert.match(mac, /^[0-9a-f]{64}$/);
	assert.ok(mine.some((l) => l.split(' ')[2] === '-'), 'the global chain is checkpointed');
	// Once a day: a second run the same day adds nothing.
	const again = await runOnce(new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
	assert.equal(again.code, 0, again.out);
	assert.equal(lines().length, before + mine.length);
	// The key is not in the database, and PostgreSQL's own user cannot read it.
	const key = fs.readFileSync(fs.readFileSync(process.env.BGW_CONFIG, 'utf8')
		.match(/^audit_key_file = (.*)$/m)[1], 'utf8').trim();
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE detail::text LIKE '%${key}%'`), '0');
	assert.equal(fs.statSync(checkpointFile()).mode & 0o002, 0, 'the file is not world-writable');
});

test('audit-checkpoint mails the lines to the operators', async () => {
	const e = await projectWithHistory();
	const email = uniqueEmail('operator');
	const link = admin('operator-create', '--email', email).trim();
	await accept(new URL(link).searchParams.get('token'));
	const out = admin('audit-checkpoint');
	assert.match(out, /^checkpoint \S+: \d+ chains written to .*, mailed to \d+ operators$/m);
	const [m] = await mailTo(email, new RegExp(`bgw-cp1 \\S+ ${e.project.id} \\d+ [0-9a-f]{64} [0-9a-f]{64}`));
	assert.ok(mailText(m).includes('bgw-cp1'), 'the mail carries the signed lines');
	// Each line of the mail is one of the file's.
	const fileLines = new Set(lines());
	for (const l of mailText(m).split('\n').filter((x) => x.startsWith('bgw-cp1 ')))
		assert.ok(fileLines.has(l.trim()), `mailed line not in the file: ${l}`);
});

test('a chain cut short after the checkpoint: audit-verify names it (link by link it still verifies)', async () => {
	const e = await projectWithHistory();
	admin('audit-checkpoint');
	assert.match(admin('audit-verify', '--project', e.project.id), /audit-verify: ok/);
	const n = chainLength(e.project.id);
	sqlAsAttacker(`DELETE FROM bgw.audit_events WHERE project_id = '${e.project.id}' AND seq > ${n - 2}`);
	const r = adminRun('audit-verify', '--project', e.project.id);
	// What today's link-by-link check sees: nothing wrong (this line was all there was).
	assert.match(r.out, new RegExp(`^chain ${e.project.id}: ${n - 2} events ok$`, 'm'));
	// What the checkpoint sees.
	assert.equal(r.status, 1, r.out + r.err);
	assert.match(r.out, new RegExp(`^chain ${e.project.id}: CUT SHORT: ${n - 2} events, the checkpoint of \\S+ recorded ${n}$`, 'm'));
	assert.doesNotMatch(r.out, /audit-verify: ok/);
	// The whole run (every chain) fails too, naming it.
	const all = adminRun('audit-verify');
	assert.equal(all.status, 1);
	assert.match(all.out, new RegExp(`chain ${e.project.id}: CUT SHORT`));
	// A new checkpoint does not anchor the cut chain: refused, naming it, nothing written.
	const before = lines().length;
	const cp = adminRun('audit-checkpoint');
	assert.equal(cp.status, 1, cp.out + cp.err);
	assert.match(cp.out, new RegExp(`^chain ${e.project.id}: CUT SHORT: ${n - 2} events`, 'm'));
	assert.match(cp.out, /checkpoint refused/);
	assert.equal(lines().length, before);
	// The operator who has recorded why (a restore) anchors the chains as they are.
	assert.match(admin('audit-checkpoint', '--force'), /chains written/);
	assert.match(admin('audit-verify', '--project', e.project.id), /audit-verify: ok/);
});

test('a chain rewritten and re-hashed after the checkpoint: audit-verify names it', async () => {
	const e = await projectWithHistory();
	admin('audit-checkpoint');
	const n = chainLength(e.project.id);
	rewriteChain(e.project.id, 2);
	const r = adminRun('audit-verify', '--project', e.project.id);
	assert.match(r.out, new RegExp(`^chain ${e.project.id}: ${n} events ok$`, 'm'), 'the rewrite is consistent link by link');
	assert.equal(r.status, 1, r.out + r.err);
	assert.match(r.out, new RegExp(`^chain ${e.project.id}: REWRITTEN: event ${n} is not the one the checkpoint of \\S+ recorded$`, 'm'));
	const cp = adminRun('audit-checkpoint');
	assert.equal(cp.status, 1, cp.out + cp.err);
	assert.match(cp.out, new RegExp(`^chain ${e.project.id}: REWRITTEN`, 'm'));
	admin('audit-checkpoint', '--force');
});

test('a checkpoint line changed in the file is reported as tampered', async () => {
	const e = await projectWithHistory();
	admin('audit-checkpoint');
	const file = checkpointFile();
	const saved = fs.readFileSync(file, 'utf8');
	try {
		const line = lines().findLast((l) => l.split(' ')[2] === e.project.id);
		const f = line.split(' ');
		f[3] = String(Number(f[3]) - 1); // "the chain was shorter": to hide a deletion
		fs.appendFileSync(file, `${f.join(' ')}\n`);
		const r = adminRun('audit-verify', '--project', e.project.id);
		assert.equal(r.status, 1, r.out);
		assert.match(r.out, new RegExp(`^checkpoint file \\S+ line ${saved.split('\n').filter(Boolean).length + 1}: TAMPERED: bad HMAC`, 'm'));
	} finally {
		fs.writeFileSync(file, saved);
	}
	assert.match(admin('audit-verify', '--project', e.project.id), /audit-verify: ok/);
});

const views = (cid) => sql(`SELECT coalesce(string_agg(detail->>'version', ',' ORDER BY seq), '')
	FROM bgw.audit_events WHERE object_id = '${cid}' AND action = 'response.view'`);

async function answered() {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const items = (await ra.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation.items;
	await act(ra, conf.id, 'response', { items: items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 花子', title: '課長' } }, 201);
	return { e, conf, ra };
}

test('after "ask again" the earlier answer is still shown, and each view of it is recorded', async () => {
	const { e, conf } = await answered();
	await act(e.aa, conf.id, 'ask-again', { reason: '口座番号の追加確認' });
	const before = views(conf.id);
	const res = await e.am.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(res.status, 200);
	assert.equal(res.json().confirmation.status, 'opened');
	assert.equal(res.json().confirmation.response.version, 1, 'the earlier answer is shown');
	assert.equal(views(conf.id), before ? `${before},1` : '1', 'the API view of version 1 is recorded');
	const page = await e.am.request('GET', `/confirmations/${conf.id}`);
	assert.equal(page.status, 200);
	const receipt = await e.am.request('GET', `/confirmations/${conf.id}/receipt`);
	assert.equal(receipt.status, 200);
	assert.equal(views(conf.id), before ? `${before},1,1,1` : '1,1,1');
});

test('after the project is completed, the audit team still reads the answer and each view is recorded', async () => {
	const { e, conf } = await answered();
	const done = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/complete`);
	assert.equal(done.status, 200, done.body);
	const before = views(conf.id).split(',').filter(Boolean).length;
	const api = await e.am.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(api.status, 200);
	assert.equal(api.json().confirmation.response.version, 1);
	assert.equal(views(conf.id).split(',').filter(Boolean).length, before + 1, 'API view recorded');
	assert.equal((await e.aa.request('GET', `/confirmations/${conf.id}`)).status, 200);
	assert.equal(views(conf.id).split(',').filter(Boolean).length, before + 2, 'page view recorded');
	assert.equal((await e.aa.request('GET', `/confirmations/${conf.id}/receipt`)).status, 200);
	assert.equal(views(conf.id).split(',').filter(Boolean).length, before + 3, 'receipt view recorded');
	// The events are the audit team member's, in the project's chain, which still verifies.
	assert.equal(sql(`SELECT count(DISTINCT actor_id) FROM bgw.audit_events
		WHERE object_id = '${conf.id}' AND action = 'response.view' AND seq > (
		  SELECT seq FROM bgw.audit_events WHERE project_id = '${e.project.id}' AND action = 'project.complete')`), '2');
	assert.match(admin('audit-verify', '--project', e.project.id), /audit-verify: ok/);
});
