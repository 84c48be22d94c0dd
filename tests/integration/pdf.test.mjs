// The PDF documents of issue 18 (lane e1): the sealed receipt
// (GET /api/v1/confirmations/{cid}/receipt.pdf), the public seal check
// (GET /api/v1/verify/{ref}?seal=HEX and the /verify page), and the request letters
// (GET /api/v1/confirmations/{cid}/letter.pdf, POST /api/v1/projects/{pid}/letters.pdf).
// Each PDF is read back with pdftotext, pdffonts, qpdf --check and zbarimg.  Access for
// every role: access.test.mjs with matrix/pdf.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { env, request } from './lib/stack.mjs';
import { sql } from './lib/world.mjs';
import { engagement, act, sendToRespondent } from './lib/engagement.mjs';
import { readPdf, assertFontsEmbedded, firstPagePng } from './lib/pdfcheck.mjs';

const receiptPdf = (c, id) => c.request('GET', `/api/v1/confirmations/${id}/receipt.pdf`);
const SCREENS = process.env.BGW_SCREENSHOTS; // a folder: write the first pages there

/** An engagement with one confirmation answered and sealed by the respondent admin: one
 * item agreed, the USD one differing. */
async function answered() {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const items = (await ra.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation.items;
	await act(ra, conf.id, 'response', {
		items: [{ item_id: items[0].id, agrees: true },
			{ item_id: items[1].id, agrees: false, amount: '1000.00', note: '利息未計上' }],
		responder: { name: '銀行 花子', title: '課長' },
	}, 201);
	const seal = sql(`SELECT encode(seal, 'hex') FROM bgw.responses WHERE confirmation_id = '${conf.id}' AND final`);
	assert.match(seal, /^[0-9a-f]{64}$/);
	return { e, conf, ra, seal };
}

test('the receipt PDF shows the sealed answer in Japanese and English, embeds its fonts and its QR code opens the seal check', async () => {
	const { e, conf, ra, seal } = await answered();
	for (const who of [e.aa, e.am, ra]) {
		const res = await receiptPdf(who, conf.id);
		assert.equal(res.status, 200, res.body.slice(0, 200));
		assert.equal(res.headers['content-type'], 'application/pdf');
		assert.match(res.headers['cache-control'], /no-store/);
		const pdf = readPdf(res.bytes);
		assert.ok(pdf.checkOk, pdf.checkOut);
		assertFontsEmbedded(pdf.fonts);
		for (const want of ['確認状回答控え', 'Receipt of a confirmation answer', conf.reference,
			'みなと銀行 本店', '1,250,000円', '1,042.50', '1,000.00', '不一致', '利息未計上',
			'銀行 花子（課長）', seal])
			assert.ok(pdf.text.includes(want), `${want} missing from:\n${pdf.text}`);
		assert.deepEqual(pdf.qr, [`${env.baseUrl}/verify?reference=${conf.reference}&seal=${seal}`]);
		if (SCREENS && who === e.aa) firstPagePng(res.bytes, path.join(SCREENS, 'receipt-pdf.png'));
	}
	// A view of the answer like the JSON receipt, on the chain.
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE object_id = '${conf.id}'
		AND action = 'response.view'`), '3');
	// The client never reads the answer: 403, and no PDF.
	for (const who of [e.ca, e.cm]) {
		const res = await receiptPdf(who, conf.id);
		assert.equal(res.status, 403, res.body);
		assert.doesNotMatch(res.body, /%PDF/);
	}
});

test('no final answer, no receipt PDF: 409 before a byte of PDF', async () => {
	const e = await engagement();
	const { conf } = await sendToRespondent(e);
	const res = await receiptPdf(e.aa, conf.id);
	assert.equal(res.status, 409, res.body);
	assert.equal(res.json().error.code, 'invalid_state');
});

test('the public seal check answers true for the real seal and false for a changed one, and nothing more', async () => {
	const { conf, seal } = await answered();
	const check = (ref, s) => request('GET', `/api/v1/verify/${ref}?seal=${s}`);
	const good = await check(conf.reference, seal);
	assert.equal(good.status, 200, good.body);
	const today = sql('SELECT (now() AT TIME ZONE \'UTC\')::date::text');
	assert.deepEqual(good.json(), { seal: { valid: true, sealed_on: today } });
	const changed = seal.slice(0, 10) + (seal[10] === '0' ? '1' : '0') + seal.slice(11);
	const bad = await check(conf.reference, changed);
	assert.equal(bad.status, 200, bad.body);
	assert.deepEqual(bad.json(), { seal: { valid: false } });
	// Upper case is the same seal; a malformed one is a field error; an unknown reference
	// is the same 404 as without a seal.
	assert.equal((await check(conf.reference, seal.toUpperCase())).json().seal.valid, true);
	const malformed = await check(conf.reference, 'zz');
	assert.equal(malformed.status, 422, malformed.body);
	assert.equal((await check('ZZZZZZZZZZ', seal)).status, 404);
	// The page answers the same, for the QR code's address.
	const page = await request('GET', `/verify?reference=${conf.reference}&seal=${seal}`);
	assert.equal(page.status, 200);
	assert.match(page.body, /id="seal-result"/);
	assert.match(page.body, /確定した回答のシールです/);
	const pageBad = await request('GET', `/verify?reference=${conf.reference}&seal=${changed}`);
	assert.match(pageBad.body, /シールではありません/);
});
