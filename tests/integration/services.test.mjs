// The stack's own services, as ./dev starts them: the real clamd with the offline test
// signature (EICAR, also inside a zip) and the SMTP sink's Maildir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { env, waitForMessage } from './lib/stack.mjs';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

// One clamd INSTREAM exchange (docs/field-notes.md): chunks with a 4-byte big-endian length, then 0.
function clamdScan(data) {
	return new Promise((resolve, reject) => {
		const s = net.connect(need('BGW_CLAMD_SOCKET'));
		const out = [];
		s.on('connect', () => {
			const len = Buffer.alloc(4);
			len.writeUInt32BE(data.length);
			s.write(Buffer.concat([Buffer.from('zINSTREAM\0'), len, data, Buffer.alloc(4)]));
		});
		s.on('data', (c) => out.push(c));
		s.on('end', () => resolve(Buffer.concat(out).toString().replace(/\0$/, '')));
		s.on('error', reject);
		s.setTimeout(10000, () => s.destroy(new Error('clamd timed out')));
	});
}

function need(name) {
	assert.ok(process.env[name], `${name} is not set`);
	return process.env[name];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

// A zip with one stored (uncompressed) member.
function zipOne(name, data) {
	const n = Buffer.from(name);
	const crc = crc32(data);
	const local = Buffer.alloc(30);
	local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4);
	local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18);
	local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
	const central = Buffer.alloc(46);
	central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
	central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20);
	central.writeUInt32LE(data.length, 24); central.writeUInt16LE(n.length, 28);
	const end = Buffer.alloc(22);
	const cdOffset = local.length + n.length + data.length;
	end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
	end.writeUInt32LE(central.length + n.length, 12); end.writeUInt32LE(cdOffset, 16);
	return Buffer.concat([local, n, data, central, n, end]);
}

test('clamd finds the EICAR test string', async () => {
	assert.match(await clamdScan(Buffer.from(EICAR)), /^stream: \S+ FOUND$/);
});

test('clamd finds EICAR inside a zip', async () => {
	assert.match(await clamdScan(zipOne('report.txt', Buffer.from(EICAR))), /^stream: \S+ FOUND$/);
});

test('clamd passes a clean file', async () => {
	assert.equal(await clamdScan(Buffer.from('%PDF-1.4\nclean audit letter\n')), 'stream: OK');
});

// A minimal SMTP client: enough to hand one message to the sink.
function smtpSend(port, from, to, message) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		const steps = [`EHLO test.local`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA',
			`${message.replace(/\r?\n/g, '\r\n')}\r\n.`, 'QUIT'];
		let buf = '';
		s.on('data', (c) => {
			buf += c.toString();
			// Answer each complete reply (its last line has a space after the code).
			while (/^\d{3} .*\r\n/m.test(buf)) {
				const m = buf.match(/^(\d{3}) .*\r\n/m);
				buf = buf.slice(buf.indexOf(m[0]) + m[0].length);
				if (!/^[23]/.test(m[1])) return reject(new Error(`SMTP ${m[0].trim()}`));
				const next = steps.shift();
				if (next === undefined) return s.end();
				s.write(`${next}\r\n`);
			}
		});
		s.on('end', resolve);
		s.on('close', resolve);
		s.on('error', reject);
	});
}

test('the SMTP sink stores a message in the Maildir', async () => {
	const subject = `sink check ${crypto.randomBytes(6).toString('hex')}`;
	await smtpSend(Number(need('BGW_SMTP_PORT')), 'no-reply@localhost', 'auditor@example.com',
		`From: no-reply@localhost\nTo: auditor@example.com\nSubject: ${subject}\n\nhello\n`);
	const m = await waitForMessage((msg) => msg.subject === subject);
	assert.equal(m.to, 'auditor@example.com');
	assert.match(m.body, /hello/);
	assert.ok(m.file.startsWith(env.maildir));
});
