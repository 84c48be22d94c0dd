// The XLSX export and the evidence pack (issue 18 items 5 and 6).  The workbook is read back
// with Python's openpyxl, a reader no part of the project wrote: cells, number formats per
// currency, frozen panes, autofilter.  The pack's manifest is checked against its files
// with Python's zipfile, then by `bgw-admin evidence-verify`, which names a changed file.
// Access for every role: matrix/evidence.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sql } from './lib/world.mjs';
import { engagement, act, sendToRespondent } from './lib/engagement.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bgw-evidence-'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

function python(script, ...args) {
	const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
	assert.equal(r.status, 0, r.stderr);
	return JSON.parse(r.stdout);
}

function verify(file) {
	return spawnSync(process.env.BGW_ADMIN, ['evidence-verify', file], { encoding: 'utf8' });
}

function upload(client, projectId, filename, data) {
	const boundary = `----bgw${crypto.randomBytes(8).toString('hex')}`;
	const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; `
		+ `filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`), data,
	Buffer.from(`\r\n--${boundary}--\r\n`)]);
	return client.request('POST', `/api/v1/projects/${projectId}/documents`, { body,
		headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

/** An engagement with one answered confirmation: the JPY item agreed, the USD one answered
 * with a difference, reviewed and resolved with a reconciling item; one project document. */
async function answeredEngagement() {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const items = (await ra.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation.items;
	await act(ra, conf.id, 'response', { items: [{ item_id: items[0].id, agrees: true },
		{ item_id: items[1].id, agrees: false, amount: '1000.00', note: '期末日後入金' }],
	responder: { name: '銀行 花子', title: '課長' } }, 201);
	await act(e.am, conf.id, 'review', { result: 'exception', note: '42.50 USD の差異' });
	await act(e.am, conf.id, 'resolve', { reconciling_items: [{ kind: 'timing_difference',
		currency: 'USD', amount: '42.50', note: '期末日後入金' }], note: '期ズレにより調整済' });
	const up = await upload(e.aa, e.project.id, '残高証明書.pdf', PDF);
	assert.equal(up.status, 201, up.body);
	return { e, conf };
}

const READ_XLSX = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = [[c.value for c in r] for r in ws.iter_rows()]
fmts = [[c.number_format for c in r] for r in ws.iter_rows()]
print(json.dumps({"title": ws.title, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
	"rows": rows, "formats": fmts, "bold": ws["A1"].font.b}, default=str))
`;

test('the XLSX export opens in openpyxl with the amounts, the audit work and its formats', async () => {
	const { e, conf } = await answeredEngagement();
	const res = await e.am.request('GET', `/api/v1/projects/${e.project.id}/export.xlsx`);
	assert.equal(res.status, 200, res.body);
	assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
	assert.match(res.headers['content-disposition'], /filename="confirmations-.*\.xlsx"/);
	assert.equal(res.headers['cache-control'], 'no-store');
	const file = path.join(tmp, 'audit.xlsx');
	fs.writeFileSync(file, res.bytes);
	const x = python(READ_XLSX, file);

	assert.equal(x.title, '確認状 Confirmations');
	assert.equal(x.freeze, 'B2');
	assert.equal(x.filter, 'A1:Q3');
	assert.equal(x.bold, true);
	const head = x.rows[0];
	assert.deepEqual(head.slice(0, 3), ['参照番号 Reference', '状態 Status', '種類 Type']);
	const col = (name) => head.findIndex((h) => h.endsWith(name));
	const [jpy, usd] = [x.rows[1], x.rows[2]];
	assert.equal(jpy[col('Reference')], conf.reference);
	assert.equal(jpy[col('Status')], 'resolved');
	assert.equal(jpy[col('Currency')], 'JPY');
	assert.equal(jpy[col('Requested')], 1250000);
	assert.equal(jpy[col('Answered')], 1250000);
	assert.equal(jpy[col('Difference')], 0);
	assert.equal(x.formats[1][col('Requested')], '#,##0;[Red]-#,##0');
	assert.equal(usd[col('Requested')], 1042.5);
	assert.equal(usd[col('Answered')], 1000);
	assert.equal(usd[col('Difference')], -42.5);
	assert.equal(x.formats[2][col('Difference')], '#,##0.00;[Red]-#,##0.00');
	assert.equal(usd[col('Agrees')], 'いいえ no');
	assert.match(usd[col('Seal')], /^[0-9a-f]{64}$/);
	assert.equal(usd[col('Review')], 'resolved');
	assert.equal(usd[col('Review note')], '期ズレにより調整済');
	assert.match(usd[col('Reconciling items')], /^timing_difference USD 42\.50 \(期末日後入金\)$/);
	assert.match(usd[col('Address check')], /^phone, \d{4}-\d{2}-\d{2}$/);

	// The client's workbook: no audit work, and no answer that was not shared with it.
	const cres = await e.ca.request('GET', `/api/v1/projects/${e.project.id}/export.xlsx`);
	assert.equal(cres.status, 200, cres.body);
	fs.writeFileSync(file, cres.bytes);
	const c = python(READ_XLSX, file);
	assert.equal(c.filter, 'A1:L3');
	assert.ok(!c.rows[0].some((h) => h && h.includes('Review')));
	assert.equal(c.rows[2][col('Answered')], null);
	assert.equal(c.rows[2][col('Seal')], null);
	// The download is on the chain, as the CSV and XML ones.
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE project_id = '${e.project.id}'
		AND action = 'project.export' AND detail->>'format' = 'xlsx'`), '2');
});

const READ_PACK = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
m = json.loads(z.read("manifest.json"))
actual = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n != "manifest.json"}
listed = {f["name"]: f["sha256"] for f in m["files"]}
sizes = all(f["size"] == z.getinfo(f["name"]).file_size for f in m["files"])
docs = [n for n in z.namelist() if n.startswith("documents/")]
log = json.loads(z.read("audit-log.json"))
print(json.dumps({"names": z.namelist(), "match": actual == listed, "sizes": sizes,
	"manifest": m, "doc": z.read(docs[0]).hex() if docs else None, "docs": docs,
	"events": len(log["events"]), "last": log["events"][-1],
	"receipts": [n for n in z.namelist() if n.startswith("receipts/")]}))
for n in z.namelist():
	if n.startswith("receipts/"):
		open(sys.argv[2], "wb").write(z.read(n))
`;

const TAMPER = `
import sys, zipfile
src, dst, name = sys.argv[1:4]
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
	for i in a.infolist():
		data = a.read(i.filename)
		b.writestr(i.filename, data + b"tampered" if i.filename == name else data)
print("{}")
`;

test('the evidence pack lists every file with its SHA-256, and evidence-verify names a changed one', async () => {
	const { e, conf } = await answeredEngagement();
	// A second confirmation, not answered: no receipt for it.
	await e.aa.request('POST', `/api/v1/projects/${e.project.id}/confirmations`, { body: {
		type: 'bank', form: 'positive', respondent: { organization: '未回答銀行', email: 'x@example.test',
			name: 'ご担当者' }, as_of: '2026-03-31', due_date: '2026-04-30',
		items: [{ label: '当座預金', currency: 'JPY', amount: '1' }] } });
	const res = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/evidence.zip`, { timeout: 120000 });
	assert.equal(res.status, 200, res.body);
	assert.equal(res.headers['content-type'], 'application/zip');
	assert.match(res.headers['content-disposition'], /filename="evidence-.*\.zip"/);
	assert.equal(res.headers['cache-control'], 'no-store');
	const file = path.join(tmp, 'pack.zip');
	fs.writeFileSync(file, res.bytes);
	const pdf = path.join(tmp, 'receipt.pdf');
	const p = python(READ_PACK, file, pdf);

	for (const n of ['confirmations.csv', 'confirmations.xml', 'confirmations.xlsx',
		'audit-log.json', 'manifest.json'])
		assert.ok(p.names.includes(n), `${n} in ${p.names}`);
	assert.equal(p.match, true, 'the manifest lists exactly the files, with their SHA-256');
	assert.equal(p.sizes, true);
	assert.equal(p.docs.length, 1);
	assert.match(p.docs[0], /^documents\/[^/]+-残高証明書\.pdf$/);
	assert.equal(p.doc, PDF.toString('hex'), 'the document decrypted');
	// The receipt PDF of the answered confirmation, and only of it.
	assert.deepEqual(p.receipts, [`receipts/${conf.reference}.pdf`]);
	const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
	assert.equal(text.status, 0, text.stderr);
	assert.match(text.stdout, new RegExp(conf.reference));
	assert.match(text.stdout, /銀行 花子/);
	assert.equal(p.manifest.format, 'bgw-evidence/1');
	assert.equal(p.manifest.project_id, e.project.id);
	// The chain's head at the time of the pack: after the pack's own event and its
	// receipt's view, the last event of the pack's audit log.
	const head = sql(`SELECT seq || ' ' || encode(hash, 'hex') FROM bgw.audit_events
		WHERE project_id = '${e.project.id}' ORDER BY seq DESC LIMIT 1`);
	assert.equal(`${p.manifest.audit_chain.seq} ${p.manifest.audit_chain.head}`, head);
	assert.equal(p.last.action, 'response.view');
	assert.equal(p.last.hash, p.manifest.audit_chain.head);
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE project_id = '${e.project.id}'
		AND action = 'project.evidence'`), '1');

	const ok = verify(file);
	assert.equal(ok.status, 0, ok.stdout + ok.stderr);
	assert.match(ok.stdout, /evidence-verify: OK/);

	const bad = path.join(tmp, 'tampered.zip');
	python(TAMPER, file, bad, 'confirmations.csv');
	const no = verify(bad);
	assert.equal(no.status, 1, no.stdout + no.stderr);
	assert.match(no.stdout, /^changed: confirmations\.csv$/m);
	assert.doesNotMatch(no.stdout, /changed: confirmations\.xml/);

	// Only the audit admin takes the pack (the matrix checks every role).
	for (const who of [e.am, e.ca]) {
		const r = await who.request('GET', `/api/v1/projects/${e.project.id}/evidence.zip`);
		assert.equal(r.status, 403, r.body);
	}
});

test('the project page links the exports for the audit team and the client, the pack for the audit admin only', async () => {
	const e = await engagement();
	const links = async (who) => {
		const res = await who.request('GET', `/projects/${e.project.id}`);
		assert.equal(res.status, 200, res.body);
		return [...res.body.matchAll(/href="\/api\/v1\/projects\/[^/"]+\/([a-z.]+)"/g)].map((m) => m[1]);
	};
	assert.deepEqual(await links(e.aa), ['export.csv', 'export.xml', 'export.xlsx', 'evidence.zip']);
	for (const who of [e.am, e.ca, e.cm])
		assert.deepEqual(await links(who), ['export.csv', 'export.xml', 'export.xlsx']);
});
