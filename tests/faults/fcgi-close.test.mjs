// How a worker ends a FastCGI connection (cgi/worker.c, close_without_linger_if_read).
//
// libfcgi's own close is "lingering": it shuts down its side, then waits up to 2 s for the
// other side (nginx) to close before it takes the next request.  Behind a busy nginx that
// wait held each worker most of its time (docs/performance.md, fourth round), so a worker
// that has read its request to the end closes at once.  A request whose input was left
// unread (a body refused before it was read) keeps the lingering close: closing on unread
// input could reset the connection under the answer.
//
// Observable without a clock: once the worker's side has ended (we read its FIN), a write
// from our side fails with EPIPE if the worker closed its socket, and is taken in (read and
// discarded by libfcgi's lingering loop) if it only shut down its sending side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { configValue } from './lib/procs.mjs';
import { fcgiParams, requestBytes, parseAnswer } from './lib/fcgi.mjs';

/**
 * Send one request over a half-open-capable connection, wait for the worker's FIN, then
 * write a few more bytes.  Resolves {ended (an END_REQUEST came), status, afterFin: 'epipe'
 * (the worker had closed its socket) | 'taken' (the write went through: the worker only
 * shut down its side, and closed once we ended ours)}.
 */
function requestThenWriteAfterFin({ params, body }) {
	return new Promise((resolve, reject) => {
		const s = net.connect({ path: configValue('socket'), allowHalfOpen: true });
		const chunks = [];
		let afterFin = 'no FIN came';
		const timer = setTimeout(() => { s.destroy(); reject(new Error('no answer in 15 s')); }, 15000);
		s.on('connect', () => s.write(requestBytes(params, body)));
		s.on('data', (c) => chunks.push(c));
		// The write's callback tells: EPIPE at once if the worker's socket is gone; taken in if
		// it is still open (lingering), and then our end lets the worker close.
		s.on('end', () => {
			s.write(Buffer.from('after the end'), (e) => {
				afterFin = e ? 'epipe' : 'taken';
				s.end();
			});
		});
		s.on('error', (e) => { if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e); });
		s.on('close', () => {
			clearTimeout(timer);
			const { ended, status } = parseAnswer(Buffer.concat(chunks));
			resolve({ ended, status, afterFin });
		});
	});
}

test('a request read to its end: the worker closes at once instead of waiting for nginx', async () => {
	for (const uri of ['/api/v1/session', '/healthz']) {
		const r = await requestThenWriteAfterFin({ params: fcgiParams({ uri }), body: Buffer.alloc(0) });
		assert.ok(r.ended, `${uri}: the answer ended with END_REQUEST`);
		assert.equal(r.afterFin, 'epipe', `${uri}: the worker's socket was closed when its FIN came`);
	}
	// A POST with a length of 0: nothing to read but the end of the stream.
	const empty = await requestThenWriteAfterFin({
		params: fcgiParams({ method: 'POST', uri: '/api/v1/projects', contentType: 'application/json',
			contentLength: 0, extra: { HTTP_ORIGIN: configValue('base_url') } }),
		body: Buffer.alloc(0),
	});
	assert.equal(empty.status, 401);
	assert.equal(empty.afterFin, 'epipe', 'a POST of length 0: closed at once');
	// A body the route reads: the JSON sign-in with a wrong password.
	const body = Buffer.from(JSON.stringify({ email: 'nobody@example.test', password: 'not the password' }));
	const r = await requestThenWriteAfterFin({
		params: fcgiParams({ method: 'POST', uri: '/api/v1/session', contentType: 'application/json',
			contentLength: body.length, extra: { HTTP_ORIGIN: configValue('base_url') } }),
		body,
	});
	assert.ok(r.ended);
	assert.equal(r.status, 401);
	assert.equal(r.afterFin, 'epipe', 'a body read to its end: closed at once too');
});

test('a body left unread (refused before it was read) keeps the lingering close', async () => {
	// Signed-in route, no session: 401 before the body is read.
	const body = Buffer.alloc(200000, 0x61);
	const r = await requestThenWriteAfterFin({
		params: fcgiParams({ method: 'POST', uri: '/api/v1/projects', contentType: 'application/json',
			contentLength: body.length, extra: { HTTP_ORIGIN: configValue('base_url') } }),
		body,
	});
	assert.ok(r.ended, 'the 401 still arrived whole');
	assert.equal(r.status, 401);
	assert.equal(r.afterFin, 'taken', 'the worker kept its socket open until we were done');
});
