// load.mjs: a steady load on the stack for the fault tests.  `concurrency` loops each send
// one HTTPS request at a time on a fresh connection (no keep-alive: every request is a new
// nginx -> worker exchange), until stopped, and every outcome is recorded with its times so
// a test can say which requests failed and when.
import fs from 'node:fs';
import https from 'node:https';

function need(name) {
	const v = process.env[name];
	if (!v) throw new Error(`${name} is not set: run the fault suite through ./dev test faults`);
	return v;
}

let caPem;

/**
 * One request; resolves (never rejects) with {t0, t1, status, body, error}: status 0 and
 * error set when no HTTP answer came (connection reset, timeout).
 * opts: method, path, headers, body (string | Buffer | JSON value), source, timeout (ms).
 */
export function once({ method = 'GET', path = '/healthz', headers = {}, body, source, timeout = 30000 } = {}) {
	const base = new URL(need('BGW_BASE_URL'));
	caPem ??= fs.readFileSync(need('BGW_CA_CERT'));
	const h = { host: base.host, connection: 'close', ...headers };
	let payload;
	if (body !== undefined) {
		payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
			h['content-type'] = 'application/json';
		h['content-length'] = Buffer.byteLength(payload);
	}
	const t0 = Date.now();
	return new Promise((resolve) => {
		let done = false;
		const finish = (r) => { if (!done) { done = true; resolve({ t0, t1: Date.now(), ...r }); } };
		const req = https.request({
			method, host: '127.0.0.1', port: base.port, path, headers: h, agent: false,
			ca: caPem, servername: base.hostname, localAddress: source, timeout,
		}, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => finish({ status: res.statusCode, headers: res.headers,
				body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', (e) => finish({ status: 0, error: e.code || e.message }));
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => finish({ status: 0, error: e.code || e.message }));
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** Headers of a signed-in Client (tests/integration/lib/stack.mjs): its cookies and, for
 * unsafe methods, its CSRF token. */
export function clientHeaders(client, method = 'GET') {
	const h = {};
	const jar = Object.entries(client.jar ?? {});
	if (jar.length) h.cookie = jar.map(([k, v]) => `${k}=${v}`).join('; ');
	if (client.csrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = client.csrf;
	return h;
}

/**
 * startLoad({concurrency, request}) → {stop(): Promise<results[]>, results (live array)}.
 * request: the options of once(), or a function (i, n) → options (i: loop number, n: the
 * loop's request count) for requests that differ (e.g. unique names).
 */
export function startLoad({ concurrency = 8, request = {}, pauseMs = 0 } = {}) {
	const results = [];
	let stopped = false;
	const loops = Array.from({ length: concurrency }, async (_, i) => {
		for (let n = 0; !stopped; n++) {
			const opts = typeof request === 'function' ? request(i, n) : request;
			const r = await once(opts);
			r.loop = i;
			r.opts = opts;
			results.push(r);
			if (pauseMs) await new Promise((res) => setTimeout(res, pauseMs));
		}
	});
	return {
		results,
		async stop() {
			stopped = true;
			await Promise.all(loops);
			return results;
		},
	};
}

/** A short summary of results for assertion messages: "200×812 503×1 ECONNRESET×1". */
export function summary(results) {
	const c = {};
	for (const r of results) {
		const k = r.status ? String(r.status) : r.error;
		c[k] = (c[k] ?? 0) + 1;
	}
	return Object.entries(c).map(([k, v]) => `${k}×${v}`).join(' ');
}

export const ok2xx = (r) => r.status >= 200 && r.status < 300;

/** nginx's own 503 (nginx/snippets/balance-gateway-errors.conf @api_unavailable), which stands for a 502/504: the
 * worker pool did not answer.  The application's 503 says "temporarily unavailable". */
export const NGINX_UNAVAILABLE = 'the service is unavailable, try again later';
export const fromNginx = (r) => r.status === 502 || r.status === 504 ||
	(r.status === 503 && String(r.body).includes(NGINX_UNAVAILABLE));
