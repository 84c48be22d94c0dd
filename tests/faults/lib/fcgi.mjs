// fcgi.mjs: a minimal FastCGI client that speaks straight to the worker pool's socket,
// bypassing nginx and the WAF, so a test can hand a worker what nginx never would: a body
// shorter than CONTENT_LENGTH, a stream that stops in the middle, hostile multipart that
// ModSecurity would refuse first.  Protocol: FastCGI 1.0 (RESPONDER role).
import net from 'node:net';

const VERSION = 1;
const BEGIN_REQUEST = 1;
const END_REQUEST = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;
const RESPONDER = 1;
const RECORD_MAX = 65535;
const REQUEST_ID = 1;

function record(type, content = Buffer.alloc(0)) {
	const out = [];
	for (let off = 0; off < content.length || out.length === 0; off += RECORD_MAX) {
		const part = content.subarray(off, off + RECORD_MAX);
		const head = Buffer.alloc(8);
		head.writeUInt8(VERSION, 0);
		head.writeUInt8(type, 1);
		head.writeUInt16BE(REQUEST_ID, 2);
		head.writeUInt16BE(part.length, 4);
		out.push(head, part);
		if (content.length === 0) break;
	}
	return Buffer.concat(out);
}

function nvLength(n) {
	if (n < 128) return Buffer.from([n]);
	const b = Buffer.alloc(4);
	b.writeUInt32BE((n | 0x80000000) >>> 0);
	return b;
}

function encodeParams(params) {
	const parts = [];
	for (const [k, v] of Object.entries(params)) {
		const kb = Buffer.from(k);
		const vb = Buffer.from(String(v));
		parts.push(nvLength(kb.length), nvLength(vb.length), kb, vb);
	}
	return Buffer.concat(parts);
}

/** The bytes nginx sends for one request: BEGIN_REQUEST, the parameters, stdin in STDIN
 * records and, with endStdin, the empty STDIN record that ends the stream. */
export function requestBytes(params, stdin = Buffer.alloc(0), endStdin = true) {
	const begin = Buffer.alloc(8);
	begin.writeUInt16BE(RESPONDER, 0);
	const out = [record(BEGIN_REQUEST, begin), record(PARAMS, encodeParams(params)), record(PARAMS)];
	if (stdin.length) out.push(record(STDIN, stdin));
	if (endStdin) out.push(record(STDIN));
	return Buffer.concat(out);
}

/** A worker's answer from the bytes it sent: {status, headers, body, ended (an END_REQUEST
 * came)}. */
export function parseAnswer(buf) {
	const stdout = [];
	let ended = false;
	for (let off = 0; off + 8 <= buf.length;) {
		const type = buf.readUInt8(off + 1);
		const len = buf.readUInt16BE(off + 4);
		const pad = buf.readUInt8(off + 6);
		if (type === STDOUT) stdout.push(buf.subarray(off + 8, off + 8 + len));
		if (type === END_REQUEST) ended = true;
		off += 8 + len + pad;
	}
	const text = Buffer.concat(stdout).toString('utf8');
	const sep = text.indexOf('\r\n\r\n');
	const head = sep < 0 ? text : text.slice(0, sep);
	const headers = {};
	for (const line of head.split('\r\n')) {
		const i = line.indexOf(':');
		if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	const status = headers.status ? Number.parseInt(headers.status, 10) : (text ? 200 : 0);
	return { status, headers, body: sep < 0 ? '' : text.slice(sep + 4), ended };
}

/**
 * fcgiRequest(socketPath, {params, stdin, endStdin, closeAfterMs, timeout}) → Promise<
 * {status, headers, body, ended (an END_REQUEST came), closedBy ('server' | 'client' |
 * 'timeout')}>.
 * stdin (Buffer) is sent in STDIN records; endStdin false leaves the stream open (no empty
 * STDIN record), and closeAfterMs then closes the connection from our side: the worker sees
 * its input end in the middle of a body.
 */
export function fcgiRequest(socketPath, { params, stdin = Buffer.alloc(0), endStdin = true,
	closeAfterMs, timeout = 15000 } = {}) {
	return new Promise((resolve, reject) => {
		const s = net.connect(socketPath);
		const chunks = [];
		let ended = false;
		let closedBy = 'server';
		const timer = setTimeout(() => { closedBy = 'timeout'; s.destroy(); }, timeout);
		s.on('connect', () => {
			s.write(requestBytes(params, stdin, endStdin));
			if (closeAfterMs !== undefined) {
				setTimeout(() => { if (!ended) { closedBy = 'client'; s.destroy(); } }, closeAfterMs);
			}
		});
		s.on('data', (c) => chunks.push(c));
		s.on('error', (e) => { if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e); });
		s.on('close', () => {
			clearTimeout(timer);
			resolve({ ...parseAnswer(Buffer.concat(chunks)), closedBy });
		});
	});
}

/** The FastCGI parameters nginx would pass (nginx/snippets/balance-gateway-fastcgi.conf) for a request of client. */
export function fcgiParams({ method = 'GET', uri, contentType, contentLength, cookie, csrf,
	remote = '127.0.0.1', extra = {} }) {
	const [docUri, query = ''] = uri.split('?');
	const p = {
		GATEWAY_INTERFACE: 'CGI/1.1', SERVER_PROTOCOL: 'HTTP/1.1', REQUEST_METHOD: method,
		REQUEST_URI: uri, DOCUMENT_URI: docUri, SCRIPT_NAME: docUri, QUERY_STRING: query,
		REMOTE_ADDR: remote, SERVER_NAME: 'localhost', HTTPS: 'on', HTTP_HOST: 'localhost',
		REQUEST_ID: `faults${Date.now().toString(16)}`,
		...extra,
	};
	if (contentType !== undefined) p.CONTENT_TYPE = contentType;
	if (contentLength !== undefined) p.CONTENT_LENGTH = String(contentLength);
	if (cookie) p.HTTP_COOKIE = cookie;
	if (csrf) p.HTTP_X_CSRF_TOKEN = csrf;
	return p;
}
