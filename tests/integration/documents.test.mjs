// Documents (issue 5): streamed through clamd into encrypted blobs, served only after the
// policy check, each chunk verified before it is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { request, env } from './lib/stack.mjs';
import { sql } from './lib/world.mjs';
import { engagement, sendToRespondent } from './lib/engagement.mjs';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

function multipart(parts) {
	const boundary = `----bgw${crypto.randomBytes(8).toString('hex')}`;
	const chunks = [];
	for (const p of parts) {
		chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`
			+ (p.filename !== undefined ? `; filename="${p.filename}"` : '')
			+ `\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`));
		chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
		chunks.push(Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function upload(client, where, filename, data, type) {
	const m = multipart([{ name: 'file', filename, data, type }]);
	return client.request('POST', `/api/v1/${where}/documents`, { body: m.body, headers: m.headers, timeout: 120000 });
}

function config(key) {
	const line = fs.readFileSync(process.env.BGW_CONFIG, 'utf8').split('\n').find((l) => l.startsWith(`${key} `));
	return line.split('=').slice(1).join('=').trim();
}

function blobFiles() {
	const out = [];
	const walk = (d) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p); else out.push(p);
		}
	};
	walk(config('blob_dir'));
	return out;
}

function zipOf(name, content) {
	// A stored (uncompressed) zip with one entry, enough for clamd's archive scanner.
	const data = Buffer.from(content);
	const crc = crcTable(data);
	const fname = Buffer.from(name);
	const local = Buffer.alloc(30);
	local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(10, 4); local.writeUInt32LE(crc, 14);
	local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(fname.length, 26);
	const central = Buffer.alloc(46);
	central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(10, 6);
	central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24);
	central.writeUInt16LE(fname.length, 28);
	const end = Buffer.alloc(22);
	const cdOffset = 30 + fname.length + data.length;
	end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
	end.writeUInt32LE(46 + fname.length, 12); end.writeUInt32LE(cdOffset, 16);
	return Buffer.concat([local, fname, data, central, fname, end]);
}

function crcTable(buf) {
	let c = ~0;
	for (const b of buf) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

test('upload and download: byte-identical, with safe download headers; the WAF lets the name through', async () => {
	const e = await engagement();
	const res = await upload(e.aa, `projects/${e.project.id}`, "O'Brien & Co (2024).pdf", PDF, 'application/pdf');
	assert.equal(res.status, 201, res.body);
	const doc = res.json();
	assert.equal(doc.name, "O'Brien & Co (2024).pdf");
	assert.equal(doc.content_type, 'application/pdf');
	assert.equal(doc.size, PDF.length);
	assert.equal(doc.sha256, sha(PDF));
	const list = await e.cm.request('GET', `/api/v1/projects/${e.project.id}/documents`);
	assert.deepEqual(list.json().items.map((d) => d.id), [doc.id]);
	const dl = await e.ca.request('GET', `/api/v1/documents/${doc.id}`);
	assert.equal(dl.status, 200);
	assert.ok(dl.bytes.equals(PDF));
	const cd = dl.headers['content-disposition'];
	assert.match(cd, /^attachment; filename="[^"\r\n]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/);
	assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), "O'Brien & Co (2024).pdf");
	assert.equal(dl.headers['x-content-type-options'], 'nosniff');
	assert.match(dl.headers['cache-control'], /no-store/);
	assert.match(dl.headers['content-security-policy'], /sandbox/);
	assert.equal(dl.headers['content-type'], 'application/pdf');
});

test('EICAR, and EICAR inside a zip: 422 infected, and no row and no blob exist afterwards', async () => {
	const e = await engagement();
	const before = blobFiles().length;
	for (const [name, data] of [['eicar.txt', EICAR], ['statements.zip', zipOf('eicar.com', EICAR)]]) {
		const res = await upload(e.aa, `projects/${e.project.id}`, name, data);
		assert.equal(res.status, 422, res.body);
		assert.equal(res.json().error.code, 'infected');
	}
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.documents WHERE project_id = '${e.project.id}'`)), 0);
	assert.equal(blobFiles().length, before);
});

test('types by content, not by name: an executable named .pdf is 415; nothing is stored', async () => {
	const e = await engagement();
	const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), crypto.randomBytes(200)]);
	const res = await upload(e.aa, `projects/${e.project.id}`, 'invoice.pdf', elf, 'application/pdf');
	assert.equal(res.status, 415, res.body);
	assert.equal(res.json().error.code, 'unsupported_type');
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.documents WHERE project_id = '${e.project.id}'`)), 0);
});

test('a path in the file name is shown sanitised and never used as a path', async () => {
	const e = await engagement();
	const res = await upload(e.aa, `projects/${e.project.id}`, '../../etc/passwd', 'root:x:0:0\n', 'text/plain');
	assert.equal(res.status, 201, res.body);
	assert.equal(res.json().name, 'passwd');
	const blob = sql(`SELECT blob_id FROM bgw.documents WHERE id = '${res.json().id}'`);
	assert.match(blob, /^[0-9a-f]{32}$/);
	assert.ok(!fs.existsSync(path.join(config('blob_dir'), '..', '..', 'etc', 'passwd')));
});

test('a canary in an uploaded file is in neither the storage folder nor pg_dump', async () => {
	const e = await engagement();
	const canary = `CANARY-${crypto.randomBytes(12).toString('hex')}`;
	const res = await upload(e.aa, `projects/${e.project.id}`, 'ledger.csv', `account,amount\n${canary},1250000\n`, 'text/csv');
	assert.equal(res.status, 201, res.body);
	for (const f of blobFiles()) assert.ok(!fs.readFileSync(f).includes(canary), `canary in ${f}`);
	const dump = spawnSync(path.join(path.dirname(process.env.BGW_PSQL), 'pg_dump'),
		['-h', process.env.BGW_PG_HOST, '-U', 'postgres', 'bgw'], { maxBuffer: 1 << 30 });
	assert.equal(dump.status, 0, String(dump.stderr));
	assert.ok(!dump.stdout.includes(canary));
	const dl = await e.aa.request('GET', `/api/v1/documents/${res.json().id}`);
	assert.ok(dl.body.includes(canary));
	assert.match(dl.headers['content-type'], /^text\/csv; charset=utf-8/);
});

test('a flipped byte or a cut blob: the download fails before unverified plaintext is sent', async () => {
	const e = await engagement();
	const big = crypto.randomBytes(300 * 1024);
	const small = await upload(e.aa, `projects/${e.project.id}`, 'a.csv', 'x,y\n1,2\n', 'text/csv');
	const large = await upload(e.aa, `projects/${e.project.id}`, 'b.zip', zipOf('data.bin', big));
	assert.equal(small.status, 201, small.body);
	assert.equal(large.status, 201, large.body);
	const file = (id) => {
		const blob = sql(`SELECT blob_id FROM bgw.documents WHERE id = '${id}'`);
		return blobFiles().find((f) => path.basename(f) === blob);
	};
	// One chunk: the flip is found before any header, the answer is an error.
	const f1 = file(small.json().id);
	const b1 = fs.readFileSync(f1);
	b1[b1.length - 20] ^= 1;
	fs.writeFileSync(f1, b1);
	const r1 = await e.aa.request('GET', `/api/v1/documents/${small.json().id}`);
	assert.equal(r1.status, 500);
	assert.ok(!r1.body.includes('x,y'));
	// Several chunks, the third flipped: what arrives is shorter than promised and never
	// holds a byte of the bad chunk.
	const f2 = file(large.json().id);
	const b2 = fs.readFileSync(f2);
	const cut = Buffer.from(b2.subarray(0, 17 + 2 * (65536 + 16) + 100));
	fs.writeFileSync(f2, cut);
	let r2;
	try { r2 = await e.aa.request('GET', `/api/v1/documents/${large.json().id}`); } catch { r2 = null; }
	assert.ok(r2 === null || r2.bytes.length < large.json().size, 'a cut blob must not download whole');
	if (r2 !== null) assert.ok(r2.bytes.length <= 2 * 65536, `sent ${r2.bytes.length} bytes`);
});

test('documents follow the confirmation: other respondents and other projects get 404', async () => {
	const e = await engagement();
	const a = await sendToRespondent(e);
	const b = await sendToRespondent(e);
	const res = await upload(a.ra, `confirmations/${a.conf.id}`, '残高証明書.pdf', PDF, 'application/pdf');
	assert.equal(res.status, 201, res.body);
	const id = res.json().id;
	assert.equal((await e.aa.request('GET', `/api/v1/documents/${id}`)).status, 200);
	assert.equal((await b.ra.request('GET', `/api/v1/documents/${id}`)).status, 404);
	assert.equal((await b.ra.request('GET', `/api/v1/confirmations/${a.conf.id}/documents`)).status, 404);
	assert.equal((await a.ra.request('GET', `/api/v1/projects/${e.project.id}/documents`)).status, 404,
		'project documents are for the audit team and the client');
	const other = await engagement();
	assert.equal((await other.aa.request('GET', `/api/v1/documents/${id}`)).status, 404);
	assert.equal((await request('GET', `/api/v1/documents/${id}`)).status, 401);
});

test('malformed uploads: not multipart 415, no file part 422, two files 400, truncated 400', async () => {
	const e = await engagement();
	const p = `/api/v1/projects/${e.project.id}/documents`;
	// (A type the WAF does not know is refused by it first; text/plain reaches the app.)
	const notMultipart = await e.aa.request('POST', p, { body: 'hello', headers: { 'content-type': 'text/plain' } });
	assert.equal(notMultipart.status, 415);
	const noFile = multipart([{ name: 'note', data: 'hello' }]);
	assert.equal((await e.aa.request('POST', p, { body: noFile.body, headers: noFile.headers })).status, 422);
	const two = multipart([{ name: 'file', filename: 'a.pdf', data: PDF }, { name: 'file', filename: 'b.pdf', data: PDF }]);
	assert.equal((await e.aa.request('POST', p, { body: two.body, headers: two.headers })).status, 400);
	const whole = multipart([{ name: 'file', filename: 'a.pdf', data: PDF }]);
	const truncated = whole.body.subarray(0, whole.body.length - 12);
	assert.equal((await e.aa.request('POST', p, { body: truncated, headers: whole.headers })).status, 400);
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.documents WHERE project_id = '${e.project.id}'`)), 0);
});
