// Bulk answers for a respondent desk (issue 17, item 4): the desk downloads its open requests
// as CSV and XLSX, uploads the filled-in sheet (all or nothing, every bad row named with its
// row and column, as imports are), the answers wait for approval, and an approver approves a
// selection at once (all or nothing, a result per id, maker is not checker).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
	engagement, sendToRespondent, respondentMember, createConfirmation, confirmationBody, act,
	sendConfirmation,
} from './lib/engagement.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['reference', 'item_id', 'section', 'label', 'currency', 'requested_amount',
	'agrees', 'amount', 'note'];

/** RFC 4180 records of text (the BOM dropped). */
function parseCsv(text) {
	const rows = [];
	let row = [], field = '', quoted = false;
	const s = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < s.length; i++) {
		const ch = s[i];
		if (quoted) {
			if (ch === '"' && s[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') { row.push(field); field = ''; }
		else if (ch === '\r') continue;
		else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
		else field += ch;
	}
	if (field !== '' || row.length) { row.push(field); rows.push(row); }
	return rows;
}

function toCsv(rows) {
	const q = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
	return '\uFEFF' + rows.map((r) => r.map((v) => q(v ?? '')).join(',')).join('\r\n') + '\r\n';
}

const upload = (c, body, type = 'text/csv; charset=utf-8', query = '') =>
	c.request('POST', `/api/v1/inbox/answers${query}`, { body, headers: { 'content-type': type } });
const approve = (c, ids, approver = { name: '銀行 花子', title: '課長' }) =>
	c.request('POST', '/api/v1/inbox/approve', { body: { ids, approver } });
const statusOf = async (c, id) =>
	(await c.request('GET', `/api/v1/confirmations/${id}`)).json().confirmation.status;

/** Send one more request of type to the desk's address (its organisation is known now). */
async function sendMore(e, email, extra) {
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email, extra));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	await sendConfirmation(e, conf);
	return conf;
}

let w;

before(async () => {
	const e = await engagement();
	const first = await sendToRespondent(e);
	const ra = first.ra;
	const confs = [first.conf];
	confs.push(await sendMore(e, first.email, {}));
	confs.push(await sendMore(e, first.email, {
		type: 'receivable', form: 'positive',
		items: [{ label: '売掛金', reference: 'AR-1', currency: 'JPY', amount: '300000' }],
	}));
	const rm = await respondentMember(e, ra);
	const other = await sendToRespondent(e);
	w = { e, ra, rm, confs, email: first.email, other };
});

async function sheet(c) {
	const res = await c.request('GET', '/api/v1/inbox/open.csv?lang=en');
	assert.equal(res.status, 200, res.body);
	assert.match(res.headers['content-type'], /^text\/csv/);
	assert.equal(res.headers['cache-control'], 'no-store');
	return parseCsv(res.body);
}

test('the desk downloads its open requests as CSV: one row per item, blank rows for extra items on bank requests', async () => {
	const { rm, confs, other } = w;
	const rows = await sheet(rm);
	assert.deepEqual(rows[0], HEADER);
	const refs = new Set(rows.slice(1).map((r) => r[0]));
	for (const c of confs) assert.ok(refs.has(c.reference), `${c.reference} in the sheet`);
	assert.ok(!refs.has(other.conf.reference), "another organisation's request is not in the sheet");
	const bank = rows.filter((r) => r[0] === confs[0].reference);
	assert.equal(bank.filter((r) => r[1] !== '').length, 2, 'two items');
	assert.equal(bank.filter((r) => r[1] === '').length, 3, 'three blank rows for extra items');
	const item = bank.find((r) => r[3] === '普通預金');
	assert.equal(item[4], 'JPY');
	assert.equal(item[5], '1250000');
	const receivable = rows.filter((r) => r[0] === confs[2].reference);
	assert.equal(receivable.length, 1, 'no extra rows on a receivable request');
	// Japanese headers by default for a Japanese user.
	const ja = await rm.request('GET', '/api/v1/inbox/open.csv?lang=ja');
	assert.equal(parseCsv(ja.body)[0][0], '参照番号');
});

test('the XLSX sheet protects the given columns, leaves the answer columns open and formats amounts', async () => {
	const { rm, confs } = w;
	const res = await rm.request('GET', '/api/v1/inbox/open.xlsx?lang=en');
	assert.equal(res.status, 200, res.body);
	assert.equal(res.headers['content-type'], XLSX);
	assert.equal(res.bytes.subarray(0, 2).toString(), 'PK');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgw-bulk-'));
	const file = path.join(dir, 'open.xlsx');
	fs.writeFileSync(file, res.bytes);
	const py = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = []
for r in ws.iter_rows(min_row=1, max_row=ws.max_row):
    rows.append([{"v": c.value, "locked": c.protection.locked, "fmt": c.number_format} for c in r])
print(json.dumps({"protected": ws.protection.sheet, "rows": rows}, default=str))
`, file], { encoding: 'utf8' });
	assert.equal(py.status, 0, py.stderr);
	const book = JSON.parse(py.stdout);
	assert.equal(book.protected, true, 'the sheet is protected');
	assert.deepEqual(book.rows[0].map((c) => c.v), HEADER);
	const item = book.rows.find((r) => r[0].v === confs[0].reference && r[3].v === '普通預金');
	assert.equal(item[0].locked, true, 'reference locked');
	assert.equal(item[1].locked, true, 'item id locked');
	assert.equal(item[5].v, 1250000, 'a number');
	assert.match(item[5].fmt, /#,##0/, 'requested amount formatted');
	assert.equal(item[6].locked, false, 'agrees open');
	assert.equal(item[7].locked, false, 'amount open');
	assert.equal(item[8].locked, false, 'note open');
	const usd = book.rows.find((r) => r[0].v === confs[0].reference && r[4].v === 'USD');
	assert.match(usd[5].fmt, /#,##0\.00/, 'two decimals for USD');
	const extra = book.rows.find((r) => r[0].v === confs[0].reference && r[1].v === null);
	assert.equal(extra[3].locked, false, 'an extra row takes a label');
	fs.rmSync(dir, { recursive: true });
});

test('bad rows: nothing is created and every bad row is named with its row and column', async () => {
	const { rm, confs, other, ra } = w;
	const rows = await sheet(rm);
	const filled = rows.map((r, i) => {
		if (i === 0 || !confs.some((c) => c.reference === r[0])) return r;
		const x = [...r];
		if (x[1] !== '') x[6] = 'yes';
		return x;
	});
	const rowOf = (pred) => filled.findIndex(pred) + 1; // 1-based sheet rows, header = 1
	const usd = rowOf((r) => r[0] === confs[0].reference && r[4] === 'USD');
	filled[usd - 1][6] = 'maybe'; // not yes or no
	const jpy2 = rowOf((r) => r[0] === confs[1].reference && r[4] === 'JPY');
	filled[jpy2 - 1][6] = 'no'; // a difference without the amount
	const usd2 = rowOf((r) => r[0] === confs[1].reference && r[4] === 'USD');
	filled[usd2 - 1][7] = '1000.505'; // too many decimals for USD
	const extra = rowOf((r) => r[0] === confs[0].reference && r[1] === '');
	filled[extra - 1] = [confs[0].reference, '', '', '借入金', 'XYZ', '', '', '5000000', ''];
	const receivable = rowOf((r) => r[0] === confs[2].reference);
	filled[receivable - 1][1] = confs[0].id; // not an item of this request
	filled.push([other.conf.reference, 'itm_x', '', 'x', 'JPY', '', 'yes', '', '']);
	const stranger = filled.length;
	const res = await upload(rm, toCsv(filled));
	assert.equal(res.status, 422, res.body);
	const err = res.json().error;
	assert.equal(err.code, 'validation');
	const has = (row, column) => err.rows.some((r) => r.row === row && r.column === column);
	assert.ok(has(usd, 'agrees'), `row ${usd} agrees: ${res.body}`);
	assert.ok(has(jpy2, 'amount'), `row ${jpy2} amount: ${res.body}`);
	assert.ok(has(usd2, 'amount'), `row ${usd2} amount: ${res.body}`);
	assert.ok(has(extra, 'currency'), `row ${extra} currency: ${res.body}`);
	assert.ok(has(receivable, 'item_id'), `row ${receivable} item_id: ${res.body}`);
	assert.ok(has(stranger, 'reference'), `row ${stranger} reference: ${res.body}`);
	for (const c of confs)
		assert.notEqual(await statusOf(ra, c.id), 'awaiting_respondent_approval', 'nothing created');
	// A bad header names row 1; a file that is no sheet is refused.
	const head = await upload(rm, 'reference,item,agrees\r\n');
	assert.equal(head.status, 422);
	assert.ok(head.json().error.rows.every((r) => r.row === 1));
	assert.equal((await upload(rm, 'PK\x03\x04 no zip', XLSX)).status, 400);
	assert.equal((await upload(rm, '<x/>', 'application/xml')).status, 415);
});

test('a good file: every answered request waits for approval; then the approver approves the selection', async () => {
	const { rm, ra, confs, other, e } = w;
	const rows = await sheet(rm);
	const filled = rows.map((r, i) => {
		if (i === 0 || !confs.slice(0, 2).some((c) => c.reference === r[0])) return r;
		const x = [...r];
		if (x[1] !== '') x[6] = 'yes';
		return x;
	});
	// A difference with its amount, and an extra item on the first bank request.
	const usd = filled.findIndex((r) => r[0] === confs[0].reference && r[4] === 'USD');
	filled[usd][6] = 'no';
	filled[usd][7] = '1,000.5'; // as Excel shows it: separators dropped, decimals padded
	filled[usd][8] = '3/31 出金反映済';
	const extra = filled.findIndex((r) => r[0] === confs[0].reference && r[1] === '');
	filled[extra] = [confs[0].reference, '', '', '借入金', 'JPY', '', '', '5000000', '証書貸付'];
	const res = await upload(rm, toCsv(filled), 'text/csv', '?title=%E4%B8%BB%E4%BB%BB');
	assert.equal(res.status, 201, res.body);
	assert.equal(res.json().answered, 2, 'the third request was left empty: skipped');
	assert.deepEqual(new Set(res.json().ids), new Set([confs[0].id, confs[1].id]));
	for (const c of confs.slice(0, 2))
		assert.equal(await statusOf(ra, c.id), 'awaiting_respondent_approval');
	assert.notEqual(await statusOf(ra, confs[2].id), 'awaiting_respondent_approval');
	const mine = (await ra.request('GET', `/api/v1/confirmations/${confs[0].id}`)).json().confirmation;
	assert.equal(mine.response?.items?.find((i) => i.agrees === false)?.amount, '1000.50');
	assert.equal(mine.response?.extra_items?.[0]?.label, '借入金');
	// The desk's sheet no longer lists them: they are not open.
	const after = new Set((await sheet(rm)).map((r) => r[0]));
	assert.ok(!after.has(confs[0].reference));

	// A member may not approve: each id says why, nothing is approved.
	const ids = [confs[0].id, confs[1].id];
	let r = await approve(rm, ids);
	assert.equal(r.status, 409, r.body);
	assert.deepEqual(r.json().error.results.map((x) => x.result), ['forbidden', 'forbidden']);
	// Another organisation's admin sees none of them.
	r = await approve(other.ra, ids);
	assert.equal(r.status, 409);
	assert.deepEqual(r.json().error.results.map((x) => x.result), ['not_found', 'not_found']);
	// A selection with one id that cannot be approved: all or nothing.
	r = await approve(ra, [...ids, confs[2].id]);
	assert.equal(r.status, 409);
	assert.deepEqual(r.json().error.results, [
		{ id: ids[0], result: 'not_approved' }, { id: ids[1], result: 'not_approved' },
		{ id: confs[2].id, result: 'invalid_state' }]);
	for (const id of ids) assert.equal(await statusOf(ra, id), 'awaiting_respondent_approval');
	// The approver approves the selection.
	r = await approve(ra, ids);
	assert.equal(r.status, 200, r.body);
	assert.equal(r.json().approved, 2);
	for (const id of ids) {
		const c = (await e.aa.request('GET', `/api/v1/confirmations/${id}`)).json().confirmation;
		assert.equal(c.status, 'answered');
		assert.equal(c.response.approver.name, '銀行 花子');
		assert.match(c.response.seal, /^[0-9a-f]{64}$/);
	}
	assert.equal((await approve(ra, [ids[0], ids[0]])).status, 422, 'an id twice');
	assert.equal((await approve(ra, [])).status, 422, 'no ids');
});

test('maker is not checker: an admin who uploaded the answers cannot approve them', async () => {
	const { ra, rm, e, email } = w;
	const conf = await sendMore(e, email, {
		type: 'payable', items: [{ label: '買掛金', reference: 'AP-1', currency: 'JPY', amount: '1000' }],
	});
	const rows = (await sheet(ra)).map((r, i) => (i > 0 && r[0] === conf.reference ? [...r.slice(0, 6), 'yes', '', ''] : r));
	const up = await upload(ra, toCsv(rows));
	assert.equal(up.status, 201, up.body);
	assert.equal(await statusOf(ra, conf.id), 'awaiting_respondent_approval', 'an upload always waits for approval');
	const r = await approve(ra, [conf.id]);
	assert.equal(r.status, 409);
	assert.deepEqual(r.json().error.results, [{ id: conf.id, result: 'same_person' }]);
	assert.equal(await statusOf(rm, conf.id), 'awaiting_respondent_approval');
});

test('the XLSX sheet filled in as Excel would is accepted', async () => {
	const { ra, rm, e, email } = w;
	const conf = await sendMore(e, email, {});
	const res = await rm.request('GET', '/api/v1/inbox/open.xlsx');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgw-bulk-'));
	const file = path.join(dir, 'open.xlsx');
	fs.writeFileSync(file, res.bytes);
	const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.active
for r in ws.iter_rows(min_row=2):
    if r[0].value == sys.argv[2] and r[1].value:
        r[6].value = 'はい'
wb.save(sys.argv[1])
`, file, conf.reference], { encoding: 'utf8' });
	assert.equal(py.status, 0, py.stderr);
	const up = await upload(rm, fs.readFileSync(file), XLSX);
	assert.equal(up.status, 201, up.body);
	assert.deepEqual(up.json().ids, [conf.id]);
	assert.equal(await statusOf(ra, conf.id), 'awaiting_respondent_approval');
	fs.rmSync(dir, { recursive: true });
});

test('audit and client users have no desk: the bulk routes are hidden (404)', async () => {
	const { e, confs } = w;
	for (const c of [e.aa, e.am, e.ca, e.cm]) {
		assert.equal((await c.request('GET', '/api/v1/inbox/open.csv')).status, 404);
		assert.equal((await c.request('GET', '/api/v1/inbox/open.xlsx')).status, 404);
		assert.equal((await upload(c, 'reference\r\n')).status, 404);
		assert.equal((await approve(c, [confs[0].id])).status, 404);
	}
});
