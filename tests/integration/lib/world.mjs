// world.mjs: people and projects for the black-box tests, made the way users make them:
// the admin command line invites a firm's first admin, invitations arrive by mail in the
// SMTP sink, accounts are opened through the API.  Nothing is written to the database
// behind the application's back, except where a test says it moves the clock.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Client, env, request, waitForMessage, freshSource } from './stack.mjs';

/** Remember a secret the tests used (password, token, code, session): the canary check
 * (tests/faults/zz-canary.test.mjs, run last) looks for every one of them in every log. */
export function canary(secret) {
	if (secret && process.env.BGW_STACK_DIR)
		fs.appendFileSync(path.join(process.env.BGW_STACK_DIR, 'canaries.txt'), `${secret}\n`);
	return secret;
}

/** A unique, policy-conforming password, also a canary: it must never reach a log. */
export function newPassword(tag = 'pw') {
	return canary(`canary-${tag}-${crypto.randomBytes(9).toString('base64url')}`);
}

export function uniqueEmail(who) {
	return `${who}.${crypto.randomBytes(5).toString('hex')}@example.test`;
}

/** Run bgw-admin against the test stack; returns stdout, throws with stderr on failure. */
export function admin(...args) {
	const r = spawnSync(process.env.BGW_ADMIN, ['--config', process.env.BGW_CONFIG, ...args],
		{ encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`bgw-admin ${args.join(' ')}: ${r.stderr}`);
	return r.stdout;
}

/** Run SQL as the database superuser (test-only: moving clocks, inspecting rows). */
export function sql(text) {
	const r = spawnSync(process.env.BGW_PSQL, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1',
		'-h', process.env.BGW_PG_HOST, '-U', 'postgres', '-d', process.env.BGW_PG_DB || 'bgw',
		'-c', text], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
	return r.stdout.trim();
}

/** One MIME entity's body decoded by its Content-Transfer-Encoding (ours: base64 UTF-8). */
function decodePart(headers, body) {
	const enc = String(headers['content-transfer-encoding'] ?? '').toLowerCase();
	return enc === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
}

/** The parts of a message: { type, text } for each part of a multipart/alternative (the
 * mails of issue 22 item 6), or the one text/plain body of a single-part message. */
export function mailParts(m) {
	const type = String(m.headers['content-type'] ?? 'text/plain');
	const b = type.match(/^multipart\/alternative;.*boundary="?([^";]+)"?/i);
	if (!b) return [{ type: type.split(';')[0].trim().toLowerCase(), text: decodePart(m.headers, m.body) }];
	const parts = [];
	for (const chunk of m.body.split(`--${b[1]}`).slice(1)) {
		if (chunk.startsWith('--')) break;
		const sep = chunk.search(/\r?\n\r?\n/);
		const headers = {};
		for (const line of chunk.slice(0, sep).split(/\r?\n/)) {
			const i = line.indexOf(':');
			if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
		}
		parts.push({ type: String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase(),
			text: decodePart(headers, chunk.slice(sep).replace(/^\r?\n\r?\n/, '')) });
	}
	return parts;
}

/** The decoded text body of a message from the sink: its text/plain part. */
export function mailText(m) {
	const parts = mailParts(m);
	return (parts.find((p) => p.type === 'text/plain') ?? parts[0]).text;
}

/** The decoded HTML part of a message, or null if it has none. */
export function mailHtml(m) {
	return mailParts(m).find((p) => p.type === 'text/html')?.text ?? null;
}

/** Decode an RFC 2047 header (the subjects are B-encoded UTF-8). */
export function decodeHeader(v) {
	return String(v).replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi,
		(_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

/** Wait for the newest mail to `to` whose text matches re; returns [mail, match]. */
export async function mailTo(to, re, { timeout = 20000 } = {}) {
	let match;
	const m = await waitForMessage((msg) => String(msg.to).includes(to)
		&& (match = mailText(msg).match(re)) !== null, { timeout });
	return [m, match];
}

/** The token of the link in the newest mail to `to` that holds `path?token=`. */
export async function tokenFromMail(to, path) {
	const [, match] = await mailTo(to, new RegExp(`${path}\\?token=([A-Za-z0-9_-]{43})`));
	return canary(match[1]);
}

/** Open an account from an invitation token; resolves with {email, password, user}. */
export async function accept(token, { name = 'テスト 太郎', password = newPassword('accept') } = {}) {
	const res = await request('POST', '/api/v1/invitations/accept', {
		source: freshSource(), body: { token, name, password } });
	assert.equal(res.status, 200, res.body);
	return { password, user: res.json().user };
}

/** Sign in; resolves with a Client holding the session and CSRF token. */
export async function signIn(email, password, extra = {}) {
	const c = new Client();
	const res = await c.request('POST', '/api/v1/session', { body: { email, password, ...extra } });
	assert.equal(res.status, 200, `sign-in of ${email}: ${res.status} ${res.body}`);
	canary(c.jar['__Host-bgw_session']);
	canary(c.csrf);
	c.user = res.json().user;
	c.email = email;
	c.password = password;
	return c;
}

/** A new audit firm and its first admin, signed in. */
export async function newFirm(name = `監査法人テスト ${crypto.randomBytes(3).toString('hex')}`) {
	const email = uniqueEmail('firm-admin');
	const link = admin('firm-create', '--name', name, '--email', email).trim();
	const token = canary(new URL(link).searchParams.get('token'));
	const { password } = await accept(token, { name: '監査 一郎' });
	const c = await signIn(email, password);
	c.firm = name;
	return c;
}

/** A project of the firm admin `auditor`; resolves with the project (and its code). */
export async function newProject(auditor, name = 'FY2026 statutory audit') {
	const res = await auditor.request('POST', '/api/v1/projects', {
		body: { name, client_name: '株式会社サンプル商事', period_end: '2026-03-31' } });
	assert.equal(res.status, 201, res.body);
	canary(res.json().project.first_access_code);
	return res.json().project;
}

/** Invite email into the project as (side, admin) and open the account from the mail;
 * resolves with a signed-in Client that has NOT yet entered the project's code. */
export async function addMember(inviter, projectId, side, isAdmin, extra = {}) {
	const email = extra.email ?? uniqueEmail(`${side}-${isAdmin ? 'admin' : 'member'}`);
	const res = await inviter.request('POST', `/api/v1/projects/${projectId}/members`, {
		body: { email, side, admin: isAdmin, ...(extra.organization ? { organization: extra.organization } : {}) } });
	assert.equal(res.status, 201, res.body);
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token);
	return signIn(email, password);
}

/** Enter the first-access code of a project. */
export async function enterCode(client, projectId, code) {
	const res = await client.request('POST', `/api/v1/projects/${projectId}/access`, { body: { code } });
	assert.equal(res.status, 204, res.body);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) of a base32 secret at step `step`. */
export function totp(secretB32, step = Math.floor(Date.now() / 1000 / 30)) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of secretB32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const h = crypto.createHmac('sha1', key).update(msg).digest();
	const o = h[h.length - 1] & 15;
	const n = (h.readUInt32BE(o) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, '0');
}
