// Export and import of confirmations (issue 4): CSV with BOM and neutralised formulas, XML
// valid against db/confirmations.xsd, the client's own view, an export -> import round trip,
// every bad row reported with nothing created, hostile XML refused quickly, 10,000-row CSV
// and XLSX imports, and the downloadable templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from './lib/stack.mjs';
import { uniqueEmail } from './lib/world.mjs';
import { xlsx } from './lib/records-xlsx.mjs';
import {
	engagement, createConfirmation, confirmationBody, act, sendToRespondent,
} from './lib/engagement.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const XSD = path.join(ROOT, 'db/confirmations.xsd');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = 'group,type,form,respondent_organization,respondent_email,respondent_name,as_of,due_date,label,reference,currency,amount';

/** RFC 4180 rows of a CSV text (BOM dropped). */
function parseCsv(text) {
	const rows = [];
	let row = [], field = '', i = 0, quoted = false;
	text = text.replace(/^\uFEFF/, '');
	while (i < text.length) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
			if (ch === '"') { quoted = false; i++; continue; }
			field += ch; i++; continue;
		}
		if (ch === '"') { quoted = true; i++; continue; }
		if (ch === ',') { row.push(field); field = ''; i++; continue; }
		if (ch === '\r' && text[i + 1] === '\n') i++;
		if (ch === '\n' || ch === '\r') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
		field += ch; i++;
	}
	if (field !== '' || row.length) { row.push(field); rows.push(row); }
	return rows;
}

const exportOf = (c, pid, ext) => c.request('GET', `/api/v1/projects/${pid}/export.${ext}`);
const importTo = (c, pid, body, type) => c.request('POST', `/api/v1/projects/${pid}/confirmations/import`, {
	body, headers: { 'content-type': type }, timeout: 60000 });
const list = async (c, pid) => (await c.request('GET', `/api/v1/projects/${pid}/confirmations?per_page=500`)).json();

/** Each confirmation of a project as comparable text (what an import must reproduce). */
async function snapshot(c, pid) {
	const out = [];
	for (const item of (await list(c, pid)).items) {
		const conf = (await c.request('GET', `/api/v1/confirmations/${item.id}`)).json().confirmation;
		out.push(JSON.stringify([conf.type, conf.form, conf.respondent, conf.as_of, conf.due_date,
			conf.items.map((i) => [i.label, i.reference, i.currency, i.amount])]));
	}
	return out.sort();
}

function xmllint(xml) {
	const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bgw-xml-')), 'export.xml');
	fs.writeFileSync(f, xml);
	const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD, f], { encoding: 'utf8' });
	fs.rmSync(path.dirname(f), { recursive: true, force: true });
	return r;
}

/** A project holding varied confirmations, one of them answered. */
async function filledProject() {
	const e = await engagement();
	const { conf: sent, ra } = await sendToRespondent(e);
	const items = (await ra.request('GET', `/api/v1/confirmations/${sent.id}`)).json().confirmation.items;
	await act(ra, sent.id, 'response', {
		items: [{ item_id: items[0].id, agrees: true }, { item_id: items[1].id, agrees: false, amount: '1000.00', note: '=SUM(A1:A9) 差異' }],
		responder: { name: '銀行 花子', title: '課長' } }, 201);
	await createConfirmation(e.cm, e.project.id, confirmationBody(uniqueEmail('cust'), {
		type: 'receivable', form: 'blank', items: [{ label: '売掛金', currency: 'USD' }] }));
	await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('sup'), {
		type: 'payable', form: 'negative', respondent: { organization: 'Acme, "Ltd" & Co', email: uniqueEmail('acme'), name: "O'Brien" },
		items: [{ label: '=HYPERLINK("http://evil.example","x")', reference: '@ref', currency: 'EUR', amount: '-3000.10' },
			{ label: '+81 買掛金', currency: 'JPY', amount: '0' }] }));
	return { e, sent };
}

test('CSV export: BOM, download headers, neutralised formulas; answers for the audit team, the client sees them only when shared', async () => {
	const { e, sent } = await filledProject();
	const res = await exportOf(e.am, e.project.id, 'csv');
	assert.equal(res.status, 200, res.body);
	assert.deepEqual([...res.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
	assert.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
	assert.equal(res.headers['content-disposition'], `attachment; filename="confirmations-${e.project.id}.csv"`);
	assert.match(res.headers['cache-control'], /no-store/);
	assert.equal(res.count('x-content-type-options'), 1);
	const rows = parseCsv(res.body);
	const head = rows[0];
	assert.equal(head.slice(0, 12).join(','), HEADER);
	for (const col of ['confirmation_reference', 'status', 'response_version', 'response_agrees', 'response_amount', 'response_note'])
		assert.ok(head.includes(col), `${col} missing from ${head}`);
	const at = (name) => head.indexOf(name);
	const data = rows.slice(1);
	assert.equal(data.length, 5, 'one row per item');
	const evil = data.find((r) => r[at('label')].includes('HYPERLINK'));
	assert.equal(evil[at('label')], `'=HYPERLINK("http://evil.example","x")`);
	assert.equal(evil[at('reference')], "'@ref");
	assert.equal(evil[at('amount')], '-3000.10', 'a negative amount stays a number');
	assert.equal(data.find((r) => r[at('label')].includes('買掛金'))[at('label')], "'+81 買掛金");
	const answered = data.filter((r) => r[at('confirmation_reference')] === sent.reference);
	assert.deepEqual(answered.map((r) => r[at('response_agrees')]), ['yes', 'no']);
	assert.equal(answered[1][at('response_amount')], '1000.00');
	assert.equal(answered[1][at('response_note')], "'=SUM(A1:A9) 差異");

	// The client's view: no answers until shared.
	let client = parseCsv((await exportOf(e.cm, e.project.id, 'csv')).body);
	assert.equal(client.length, 6);
	assert.ok(client.slice(1).every((r) => r[at('response_agrees')] === '' && r[at('response_amount')] === ''));
	await act(e.am, sent.id, 'share', { with_client: true });
	client = parseCsv((await exportOf(e.cm, e.project.id, 'csv')).body);
	assert.deepEqual(client.filter((r) => r[at('confirmation_reference')] === sent.reference).map((r) => r[at('response_agrees')]), ['yes', 'no']);

	// Respondents do not export; outsiders see nothing; every download is logged.
	const { ra } = await sendToRespondent(e);
	assert.equal((await exportOf(ra, e.project.id, 'csv')).status, 403);
	const other = await engagement();
	assert.equal((await exportOf(other.aa, e.project.id, 'csv')).status, 404);
	assert.equal((await request('GET', `/api/v1/projects/${e.project.id}/export.csv`)).status, 401);
	const log = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/audit-log?per_page=500`)).json().items;
	assert.ok(log.filter((i) => i.action === 'project.export').length >= 3);
});

test('XML export validates against db/confirmations.xsd; the client\'s has no responses', async () => {
	const { e, sent } = await filledProject();
	const res = await exportOf(e.aa, e.project.id, 'xml');
	assert.equal(res.status, 200, res.body);
	assert.match(res.headers['content-type'], /^application\/xml/);
	assert.equal(res.headers['content-disposition'], `attachment; filename="confirmations-${e.project.id}.xml"`);
	const lint = xmllint(res.body);
	assert.equal(lint.status, 0, lint.stderr);
	assert.ok(res.body.includes(`reference="${sent.reference}"`));
	assert.match(res.body, /<seal>[0-9a-f]{64}<\/seal>/);
	assert.ok(res.body.includes('Acme, &quot;Ltd&quot; &amp; Co') || res.body.includes('Acme, "Ltd" &amp; Co'));
	const client = await exportOf(e.ca, e.project.id, 'xml');
	assert.equal(client.status, 200);
	assert.equal(xmllint(client.body).status, 0);
	assert.ok(!client.body.includes('<seal>') && !client.body.includes('<response'));
});

test('export -> import round trip reproduces the confirmations (CSV and XML)', async () => {
	const { e } = await filledProject();
	const before = await snapshot(e.aa, e.project.id);
	assert.equal(before.length, 3);
	for (const [ext, type] of [['csv', 'text/csv'], ['xml', 'application/xml']]) {
		const exported = await exportOf(e.aa, e.project.id, ext);
		const target = await engagement();
		const res = await importTo(target.aa, target.project.id, exported.bytes, type);
		assert.equal(res.status, 201, `${ext}: ${res.body}`);
		assert.deepEqual(res.json(), { created: 3 });
		assert.deepEqual(await snapshot(target.aa, target.project.id), before, ext);
		const imported = (await list(target.aa, target.project.id)).items;
		assert.ok(imported.every((c) => c.status === 'draft'), 'imports are drafts whatever the file says');
		const log = (await target.aa.request('GET', `/api/v1/projects/${target.project.id}/audit-log?per_page=500`)).json().items;
		const ev = log.filter((i) => i.action === 'conf.import');
		assert.equal(ev.length, 1);
		assert.equal(ev[0].detail.count, 3);
	}
});

test('import with bad rows: every bad row listed with its row number and column; nothing created', async () => {
	const e = await engagement();
	const csv = [HEADER,
		'1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,普通預金,,JPY,1000',
		'1,,,,,,,,外貨預金,,USD,10.5',          // row 3: USD needs two decimals
		'2,receivable,positive,B社,not-an-email,担当,2026-03-31,2026-04-30,売掛金,,JPY,5', // row 4: e-mail
		'3,payable,positive,C社,c@example.test,担当,2026-03-31,2026-03-01,買掛金,,JPY,5', // row 5: due before as-of
		'4,bank,positive,D社,d@example.test,担当,2026-03-31,2026-04-30,預金,,XYZ,5',    // row 6: currency
		'5,bank,positive,E社,e@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,1.5',  // row 7: JPY has no decimals
		'6,bank,positive,F社,f@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,100',  // fine
	].join('\r\n');
	const res = await importTo(e.ca, e.project.id, csv, 'text/csv');
	assert.equal(res.status, 422, res.body);
	const err = res.json().error;
	assert.equal(err.code, 'validation');
	const rows = err.rows.map((r) => r.row);
	for (const n of [3, 4, 5, 6, 7]) assert.ok(rows.includes(n), `row ${n} not reported: ${JSON.stringify(err.rows)}`);
	assert.ok(!rows.includes(2) && !rows.includes(8), JSON.stringify(err.rows));
	const col = (n) => err.rows.filter((r) => r.row === n).map((r) => r.column);
	assert.ok(col(3).includes('amount'));
	assert.ok(col(4).includes('respondent_email'));
	assert.ok(col(5).includes('due_date'));
	assert.ok(col(6).includes('currency'));
	assert.ok(col(7).includes('amount'));
	assert.equal((await list(e.aa, e.project.id)).total, 0, 'nothing was created');

	// A syntax error is one 400 naming the line; a wrong type 415; nothing created either.
	const broken = await importTo(e.aa, e.project.id, `${HEADER}\n1,bank,"unterminated`, 'text/csv');
	assert.equal(broken.status, 400, broken.body);
	assert.ok(broken.json().error.rows.length >= 1);
	assert.equal((await importTo(e.aa, e.project.id, '{}', 'application/json')).status, 415);
	assert.equal((await importTo(e.aa, e.project.id, '', 'text/csv')).status, 422);
	assert.equal((await list(e.aa, e.project.id)).total, 0);
	// Respondents do not import.
	const { ra } = await sendToRespondent(e);
	assert.equal((await importTo(ra, e.project.id, csv, 'text/csv')).status, 403);
});

test('hostile XML (XXE, billion laughs, 10,000-level nesting) is refused within a second; nothing created', async () => {
	const e = await engagement();
	const NS = 'urn:balance-gateway:confirmations:1';
	const laughs = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', '<!ENTITY lol "lol">'];
	for (let i = 1; i < 10; i++) laughs.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
	laughs.push(']>', `<confirmations xmlns="${NS}"><confirmation><type>&lol9;</type></confirmation></confirmations>`);
	const docs = {
		xxe: fs.readFileSync(path.join(ROOT, 'tests/fixtures/xxe.xml')),
		xxe_parameter: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><confirmations xmlns="${NS}"/>`,
		billion_laughs: laughs.join('\n'),
		nesting: `<?xml version="1.0"?><confirmations xmlns="${NS}">${'<a>'.repeat(10000)}${'</a>'.repeat(10000)}</confirmations>`,
	};
	for (const [name, body] of Object.entries(docs)) {
		const t0 = performance.now();
		const res = await importTo(e.aa, e.project.id, body, 'application/xml');
		const ms = performance.now() - t0;
		console.log(`# ${name}: ${res.status} in ${ms.toFixed(0)} ms`);
		assert.ok([400, 403, 413, 422].includes(res.status), `${name}: ${res.status} ${res.body}`);
		assert.ok(ms < 1000, `${name} took ${ms} ms`);
		assert.ok(!res.body.includes('root:'), 'no file content echoed');
	}
	assert.equal((await list(e.aa, e.project.id)).total, 0);
});

function bigRows(n, tag) {
	// n item rows: confirmations of two items each, a few hundred distinct addresses.
	const rows = [HEADER.split(',')];
	for (let i = 0; i < n; i++) {
		const g = Math.floor(i / 2);
		rows.push([`G${g}`, 'receivable', 'positive', `取引先 ${g % 300}`, `ar${g % 300}.${tag}@example.test`,
			'ご担当者', '2026-03-31', '2026-04-30', i % 2 ? '売掛金' : '受取手形', `R-${i}`, i % 3 ? 'JPY' : 'USD',
			i % 3 ? String(1000 + i) : `${i}.25`]);
	}
	return rows;
}

// The target is 5 s per import; the test stack's worker runs under ASan and UBSan on a
// machine shared with other stacks, so the assertion is a generous bound and the time is
// printed for the record.
const IMPORT_BOUND_MS = 15000;

test('10,000-row CSV and XLSX imports each finish within the bound (target 5 s)', async () => {
	const e = await engagement();
	const tag = Date.now().toString(36);
	const csv = bigRows(10000, `c${tag}`).map((r) => r.join(',')).join('\r\n');
	let t0 = performance.now();
	let res = await importTo(e.aa, e.project.id, csv, 'text/csv');
	let ms = performance.now() - t0;
	console.log(`# 10,000-row CSV (${csv.length} bytes): ${res.status} in ${ms.toFixed(0)} ms`);
	assert.equal(res.status, 201, res.body.slice(0, 2000));
	assert.deepEqual(res.json(), { created: 5000 });
	assert.ok(ms < IMPORT_BOUND_MS, `CSV import took ${ms} ms`);

	const book = xlsx(bigRows(10000, `x${tag}`));
	t0 = performance.now();
	res = await importTo(e.aa, e.project.id, book, XLSX_TYPE);
	ms = performance.now() - t0;
	console.log(`# 10,000-row XLSX (${book.length} bytes): ${res.status} in ${ms.toFixed(0)} ms`);
	assert.equal(res.status, 201, res.body.slice(0, 2000));
	assert.deepEqual(res.json(), { created: 5000 });
	assert.ok(ms < IMPORT_BOUND_MS, `XLSX import took ${ms} ms`);

	const all = await list(e.aa, e.project.id);
	assert.equal(all.total, 10000);
	// One organisation per distinct address, shared by its confirmations.
	const addr = `ar7.c${tag}@example.test`;
	const sample = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/confirmations?per_page=500&q=${encodeURIComponent(addr)}`))
		.json().items.filter((c) => c.respondent.email === addr);
	assert.ok(sample.length > 1);
	assert.equal(new Set(sample.map((c) => c.respondent.organization)).size, 1);
	const one = (await e.aa.request('GET', `/api/v1/confirmations/${all.items[0].id}`)).json().confirmation;
	assert.equal(one.items.length, 2);
});

test('import templates: downloadable, fixed names only; the CSV template imports once filled in', async () => {
	for (const [name, type] of [['confirmations-template.csv', /^text\/csv/], ['confirmations-template.xlsx', /^application\/vnd\.openxmlformats/]]) {
		const res = await request('GET', `/api/v1/import-templates/${name}`);
		assert.equal(res.status, 200, res.body);
		assert.match(res.headers['content-type'], type);
		assert.equal(res.headers['content-disposition'], `attachment; filename="${name}"`);
		assert.deepEqual(res.bytes, fs.readFileSync(path.join(ROOT, 'db/templates', name)));
	}
	for (const bad of ['confirmations-template.CSV', '.confirmations-template.csv', 'template.csv'])
		assert.equal((await request('GET', `/api/v1/import-templates/${bad}`)).status, 404, bad);
	// Other files and traversal never get an answer from the handler (the WAF refuses some
	// extensions and traversal first; the router refuses such a parameter).
	for (const bad of ['confirmations.xsd', 'bgw.conf', '..', '..%2F..%2Fetc%2Fpasswd'])
		assert.ok([403, 404].includes((await request('GET', `/api/v1/import-templates/${bad}`)).status), bad);
	const e = await engagement();
	const template = (await request('GET', '/api/v1/import-templates/confirmations-template.csv')).body;
	const filled = `${template.trimEnd()}\r\nA,bank,positive,みなと銀行,${uniqueEmail('bank')},担当,2026-03-31,2026-04-30,普通預金,001,JPY,100\r\n`;
	const res = await importTo(e.ca, e.project.id, filled, 'text/csv; charset=utf-8');
	assert.equal(res.status, 201, res.body);
	const book = (await request('GET', '/api/v1/import-templates/confirmations-template.xlsx')).bytes;
	const empty = await importTo(e.ca, e.project.id, book, XLSX_TYPE);
	assert.equal(empty.status, 422, 'an unfilled template has no confirmations');
});
