// stack.mjs: the black-box harness of the integration tests.  Every request goes to the
// real stack started by `./dev test` (nginx, ModSecurity, the worker pool, PostgreSQL,
// clamd, the SMTP sink) over HTTPS with the stack's test CA trusted; nothing is mocked.
//
// The stack is described by the environment that ./dev exports (BGW_BASE_URL,
// BGW_CA_CERT, BGW_STACK_DIR, BGW_SMTP_MAILDIR, BGW_LOG_DIR, ...).  No npm dependency.
//
// Rate limits are per client address, so each test process speaks from its own random
// loopback address (127.x.y.z): one file's logins never exhaust another file's budget.
// Pass {source: '127.0.0.1'} (or any 127/8 address) to choose one.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import crypto from 'node:crypto';

function need(name) {
	const v = process.env[name];
	if (!v) throw new Error(`${name} is not set: run the integration tests through ./dev test`);
	return v;
}

export const env = {
	get baseUrl() { return need('BGW_BASE_URL'); },
	get httpUrl() { return need('BGW_HTTP_URL'); },
	get stackDir() { return need('BGW_STACK_DIR'); },
	get logDir() { return process.env.BGW_LOG_DIR || path.join(need('BGW_STACK_DIR'), 'log'); },
	get maildir() { return need('BGW_SMTP_MAILDIR'); },
	get caCert() { return need('BGW_CA_CERT'); },
	get upstream() { return process.env.BGW_UPSTREAM || 'bgw'; },
	int(name) { return Number.parseInt(need(name), 10); },
};

let caPem;
function ca() {
	caPem ??= fs.readFileSync(env.caCert);
	return caPem;
}

/** A random loopback address, never 127.0.0.1, for a fresh rate-limit identity.  Always in
 * 127.0.0.0/9, inside the test stacks' operator networks (./dev OPERATOR_NETWORKS);
 * outsideSource() gives one from the other half, which is outside them. */
export function freshSource() {
	const b = crypto.randomBytes(3);
	return `127.${b[0] & 0x7f}.${b[1]}.${(b[2] % 253) + 2}`;
}

/** A random loopback address outside the operator networks (127.128.0.0/9). */
export function outsideSource() {
	const b = crypto.randomBytes(3);
	return `127.${(b[0] & 0x7f) | 0x80}.${b[1]}.${(b[2] % 253) + 2}`;
}

const processSource = freshSource();

function parseSetCookies(list) {
	const jar = {};
	for (const line of list ?? []) {
		const [pair, ...attrs] = line.split(';');
		const i = pair.indexOf('=');
		if (i < 0) continue;
		jar[pair.slice(0, i).trim()] = {
			value: pair.slice(i + 1).trim(),
			attributes: attrs.map((a) => a.trim()),
		};
	}
	return jar;
}

function encodeBody(body, headers) {
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
	if (body instanceof URLSearchParams) {
		headers['content-type'] ??= 'application/x-www-form-urlencoded';
		return body.toString();
	}
	headers['content-type'] ??= 'application/json';
	return JSON.stringify(body);
}

/**
 * request(method, path, options) → Promise<response>
 *
 * options: headers (object), body (string | Buffer | URLSearchParams | JSON value),
 * cookies (object name → value), source (local address), http (true: the plain-HTTP port),
 * timeout (ms, default 30000).
 * response: {status, headers (lower-case names; repeated ones joined by node),
 * rawHeaders (name/value list as sent), body (string), bytes (Buffer), json() (parsed body or
 * throws), cookies (Set-Cookie parsed: name → {value, attributes}), count(name) (how many
 * times a header was sent)}.
 */
export function request(method, urlPath, options = {}) {
	const base = new URL(options.http ? env.httpUrl : env.baseUrl);
	const headers = { ...(options.headers ?? {}) };
	const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
	const body = encodeBody(options.body, lower);
	if (options.cookies && Object.keys(options.cookies).length) {
		lower.cookie = Object.entries(options.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
	}
	lower.host ??= base.host;
	if (body !== undefined) lower['content-length'] = Buffer.byteLength(body);
	const mod = options.http ? http : https;
	const req = {
		method,
		host: '127.0.0.1',
		port: base.port,
		path: urlPath,
		headers: lower,
		localAddress: options.source ?? processSource,
		agent: false,
		timeout: options.timeout ?? 30000,
	};
	if (!options.http) Object.assign(req, { ca: ca(), servername: base.hostname });
	return new Promise((resolve, reject) => {
		const r = mod.request(req, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('error', reject);
			res.on('end', () => {
				const bytes = Buffer.concat(chunks);
				const text = bytes.toString('utf8');
				resolve({
					status: res.statusCode,
					headers: res.headers,
					rawHeaders: res.rawHeaders,
					bytes,
					body: text,
					json() { return JSON.parse(text); },
					cookies: parseSetCookies(res.headers['set-cookie']),
					count(name) {
						let n = 0;
						for (let i = 0; i < res.rawHeaders.length; i += 2)
							if (res.rawHeaders[i].toLowerCase() === name.toLowerCase()) n++;
						return n;
					},
				});
			});
		});
		r.on('timeout', () => r.destroy(new Error(`${method} ${urlPath}: timed out`)));
		r.on('error', reject);
		if (body !== undefined) r.write(body);
		r.end();
	});
}

/**
 * A client that keeps its cookies (and the CSRF token a session answer carries) between
 * requests, like a browser tab.  client.request(method, path, options) as above.
 */
export class Client {
	constructor({ source } = {}) {
		this.source = source ?? freshSource();
		this.jar = {};
		this.csrf = undefined;
	}

	async request(method, urlPath, options = {}) {
		const headers = { ...(options.headers ?? {}) };
		if (this.csrf && !['GET', 'HEAD'].includes(method)) headers['X-CSRF-Token'] ??= this.csrf;
		const cookies = { ...Object.fromEntries(Object.entries(this.jar)), ...(options.cookies ?? {}) };
		const res = await request(method, urlPath, { source: this.source, ...options, headers, cookies });
		for (const [k, v] of Object.entries(res.cookies)) {
			const expired = v.attributes.some((a) => /^max-age=0$/i.test(a)) || v.value === '';
			if (expired) delete this.jar[k]; else this.jar[k] = v.value;
		}
		try {
			const j = res.json();
			if (j && typeof j.csrf_token === 'string') this.csrf = j.csrf_token;
		} catch { /* not JSON */ }
		return res;
	}
}

/**
 * A raw exchange over TLS: send `text` (a whole HTTP/1.1 request, or only its head) and
 * resolve with everything the server answered before it closed (or timeout ms passed).
 */
export function rawTls(text, { timeout = 10000, source } = {}) {
	const base = new URL(env.baseUrl);
	return new Promise((resolve, reject) => {
		const chunks = [];
		const s = tls.connect({
			host: '127.0.0.1', port: Number(base.port), servername: base.hostname, ca: ca(),
			localAddress: source ?? processSource, ALPNProtocols: ['http/1.1'],
		}, () => s.write(text));
		const timer = setTimeout(() => s.destroy(), timeout);
		s.on('data', (c) => chunks.push(c));
		s.on('error', (e) => { if (!chunks.length) reject(e); });
		s.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('utf8')); });
	});
}

/**
 * tlsHandshake(options) → Promise<{ok, protocol, cipher, code}>: one TLS handshake with the
 * HTTPS port; options go to tls.connect (minVersion, maxVersion, ciphers, ...).  A refused
 * handshake resolves {ok: false, code} with OpenSSL's reason (e.g.
 * ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION when the server refused the version).
 */
export function tlsHandshake(options = {}) {
	const base = new URL(env.baseUrl);
	return new Promise((resolve) => {
		const s = tls.connect({
			host: '127.0.0.1', port: Number(base.port), servername: base.hostname, ca: ca(),
			localAddress: processSource, ...options,
		}, () => {
			const r = { ok: true, protocol: s.getProtocol(), cipher: s.getCipher(), authorized: s.authorized };
			s.end();
			resolve(r);
		});
		s.on('error', (e) => resolve({ ok: false, code: e.code, message: e.message }));
		s.setTimeout(10000, () => { s.destroy(); resolve({ ok: false, code: 'TIMEOUT' }); });
	});
}

/** Every regular file under the stack's log directory, recursively. */
export function logFiles(dir = env.logDir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...logFiles(p));
		else if (e.isFile()) out.push(p);
	}
	return out;
}

/** The log files (relative names) whose content contains needle. */
export function logsContaining(needle) {
	return logFiles().filter((f) => fs.readFileSync(f).includes(needle))
		.map((f) => path.relative(env.logDir, f));
}

/** Let nginx, ModSecurity and the workers write what a just-finished request logs. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

// --- Maildir (the SMTP sink) -------------------------------------------------------------

function parseMessage(file) {
	const raw = fs.readFileSync(file, 'utf8');
	const sep = raw.search(/\r?\n\r?\n/);
	const head = sep < 0 ? raw : raw.slice(0, sep);
	const body = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
	const headers = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i <= 0) continue;
		const k = line.slice(0, i).trim().toLowerCase();
		const v = line.slice(i + 1).trim();
		headers[k] = headers[k] === undefined ? v : [].concat(headers[k], v);
	}
	return { file, raw, headers, body, to: headers.to, subject: headers.subject };
}

/** Every message the SMTP sink has stored (new/ and cur/), oldest first. */
export function messages() {
	const out = [];
	for (const sub of ['new', 'cur']) {
		const d = path.join(env.maildir, sub);
		if (!fs.existsSync(d)) continue;
		for (const f of fs.readdirSync(d)) out.push(path.join(d, f));
	}
	return out.map((f) => ({ f, t: fs.statSync(f).mtimeMs })).sort((a, b) => a.t - b.t)
		.map(({ f }) => parseMessage(f));
}

/** Resolve with the first message for which predicate(message) holds; reject after timeout. */
export async function waitForMessage(predicate, { timeout = 15000, interval = 200 } = {}) {
	const end = Date.now() + timeout;
	for (;;) {
		const m = messages().find(predicate);
		if (m) return m;
		if (Date.now() > end) throw new Error('no matching mail arrived in the SMTP sink');
		await new Promise((r) => setTimeout(r, interval));
	}
}

// --- Assertions shared by the suites -----------------------------------------------------

export const CSP = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";
export const WAF_MESSAGE = 'the request was refused by the web application firewall';

/** The response is a denial by ModSecurity (not an application 403). */
export function isWafDenial(res) {
	if (res.status !== 403) return false;
	if (res.body.includes(WAF_MESSAGE)) return true;               // /api/ paths: JSON
	return /<center>nginx<\/center>/.test(res.body);               // pages: nginx's page
}

/** A rate-limited HTML page answers a page in both languages, not nginx's plain one. */
export function assertHtmlRateLimited(res) {
	assert.equal(res.status, 429);
	assert.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
	assert.match(res.body, /<html lang="ja">/);
	assert.match(res.body, /試行回数が多すぎます/);
	assert.match(res.body, /<div lang="en"><h2>Too many attempts<\/h2>/);
	assert.doesNotMatch(res.body, /nginx/);
	assert.ok(Number(res.headers['retry-after']) > 0);
	assert.deepEqual(securityHeaderProblems(res), []);
}

/** The headers that every HTTPS response must carry exactly once. */
export function securityHeaderProblems(res, { cache = 'no-store' } = {}) {
	const problems = [];
	const want = {
		'strict-transport-security': (v) => /max-age=\d{7,}/.test(v),
		'content-security-policy': (v) => /frame-ancestors 'none'/.test(v) && /default-src/.test(v),
		'x-content-type-options': (v) => v === 'nosniff',
		'referrer-policy': (v) => v.length > 0,
		'cache-control': (v) => (cache === 'no-store' ? /\bno-store\b/.test(v) : v.includes(cache)),
	};
	for (const [name, ok] of Object.entries(want)) {
		const n = res.count(name);
		if (n !== 1) problems.push(`${name} sent ${n} times`);
		else if (!ok(res.headers[name])) problems.push(`${name}: ${res.headers[name]}`);
	}
	return problems;
}
