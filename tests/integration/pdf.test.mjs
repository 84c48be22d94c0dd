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
import { sql, canary } from './lib/world.mjs';
import {
	engagement, act, sendToRespondent, respondentMember, createConfirmation, confirmationBody,
} from './lib/engagement.mjs';
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
	// The audit team's review and reconciling items: in its copy only.
	await act(e.am, conf.id, 'review', { result: 'exception', note: '42.50 USD の差異' });
	await act(e.am, conf.id, 'resolve', {
		reconciling_items: [{ kind: 'timing_difference', currency: 'USD', amount: '42.50', note: '期末日後入金' }],
		note: '期ズレにより調整済' });
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
		for (const note of ['監査チームの検討', '42.50 USD の差異', '時点差異', '期末日後入金'])
			assert.equal(pdf.text.includes(note), who !== ra, `${note} in the copy of ${who === ra ? 'the respondent' : 'the audit team'}`);
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
	// Shared with the client, the client gets the receipt PDF too: the respondent's copy,
	// without the audit team's review.
	await act(e.am, conf.id, 'share', { with_client: true });
	for (const who of [e.ca, e.cm]) {
		const res = await receiptPdf(who, conf.id);
		assert.equal(res.status, 200, res.body.slice(0, 200));
		const pdf = readPdf(res.bytes);
		assert.ok(pdf.text.includes(seal), `seal missing from the client's copy:\n${pdf.text}`);
		for (const note of ['監査チームの検討', '42.50 USD の差異', '期末日後入金'])
			assert.ok(!pdf.text.includes(note), `${note} in the client's copy`);
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
	assert.deepEqual(good.json(), { seal_valid: true, answered_on: today });
	const changed = seal.slice(0, 10) + (seal[10] === '0' ? '1' : '0') + seal.slice(11);
	const bad = await check(conf.reference, changed);
	assert.equal(bad.status, 200, bad.body);
	assert.deepEqual(bad.json(), { seal_valid: false });
	// Upper case is the same seal; a malformed one is a field error; an unknown reference
	// is the same 404 as without a seal.
	assert.equal((await check(conf.reference, seal.toUpperCase())).json().seal_valid, true);
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

const letterPdf = (c, id, q = '?code=new') => c.request('GET', `/api/v1/confirmations/${id}/letter.pdf${q}`);
const lettersPdf = (c, pid, ids) => c.request('POST', `/api/v1/projects/${pid}/letters.pdf`, { body: { ids } });
const CODE_RE = /初回認証コード First-access code\n+([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/;

test('a request letter in the client\'s name carries a fresh code that opens the project, a QR code of the answer address, and is on the chain', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const res = await letterPdf(e.aa, conf.id);
	assert.equal(res.status, 200, res.body.slice(0, 300));
	assert.equal(res.headers['content-type'], 'application/pdf');
	assert.match(res.headers['cache-control'], /no-store/);
	const pdf = readPdf(res.bytes);
	assert.ok(pdf.checkOk, pdf.checkOut);
	assertFontsEmbedded(pdf.fonts);
	assert.equal(pdf.pages, 1);
	for (const want of ['残高確認のお願い', 'Request for confirmation', 'みなと銀行 本店',
		'残高確認ご担当者 様', '株式会社サンプル商事', e.aa.firm, conf.reference, '1,250,000円',
		'001-1234567', '2026年3月31日', '2026年4月30日', `${env.baseUrl}/verify`])
		assert.ok(pdf.text.includes(want), `${want} missing from:\n${pdf.text}`);
	assert.deepEqual(pdf.qr, [`${env.baseUrl}/confirmations/${conf.id}`]);
	const code = CODE_RE.exec(pdf.text)?.[1];
	assert.ok(code, pdf.text);
	canary(code);
	if (SCREENS) firstPagePng(res.bytes, path.join(SCREENS, 'letter-pdf.png'));
	// The printed code is the organisation's code now, issued by letter: a new member of the
	// respondent's organisation enters it; the old one no longer opens anything.
	assert.equal(sql(`SELECT channel FROM bgw.respondent_codes WHERE confirmation_id = '${conf.id}'
		AND replaced_at IS NULL`), 'letter');
	ra.respondentCode = code;
	await respondentMember(e, ra);
	// Printing is on the chain, without the code.
	const ev = sql(`SELECT detail::text FROM bgw.audit_events WHERE object_id = '${conf.id}'
		AND action = 'conf.letter' AND detail->>'code_issued' = 'true'`);
	assert.match(ev, /"channel": ?"letter"/);
	assert.ok(!ev.includes(code));
	// Without ?code=new a GET changes no credential: the letter says the code comes
	// separately, the code printed above still works, and the print is still recorded.
	const plain = await letterPdf(e.aa, conf.id, '');
	assert.equal(plain.status, 200);
	const plainText = readPdf(plain.bytes, { qr: false }).text;
	assert.ok(plainText.includes('（別途お知らせします）'), plainText);
	assert.doesNotMatch(plainText, CODE_RE);
	assert.equal(sql(`SELECT count(*) FROM bgw.respondent_codes WHERE confirmation_id = '${conf.id}'`), '2');
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE object_id = '${conf.id}'
		AND action = 'conf.letter' AND detail->>'code_issued' = 'false'`), '1');
	assert.equal((await letterPdf(e.aa, conf.id, '?code=old')).status, 422);
	// Only the audit admin prints (the matrix has every role); a draft has no respondent code.
	assert.equal((await letterPdf(e.am, conf.id)).status, 403);
	const draft = await createConfirmation(e.aa, e.project.id, confirmationBody('draft@example.test'));
	assert.equal((await letterPdf(e.aa, draft.id)).status, 409);
});

test('bulk letters: one PDF, a letter each in the order asked, page numbers per letter; foreign or bad ids refuse the whole run', async () => {
	const e = await engagement();
	const one = (await sendToRespondent(e)).conf;
	const two = (await sendToRespondent(e)).conf;
	const res = await lettersPdf(e.aa, e.project.id, [two.id, one.id]);
	assert.equal(res.status, 200, res.body.slice(0, 300));
	const pdf = readPdf(res.bytes);
	assert.ok(pdf.checkOk, pdf.checkOut);
	assert.equal(pdf.pages, 2);
	assert.deepEqual(pdf.qr, [`${env.baseUrl}/confirmations/${two.id}`, `${env.baseUrl}/confirmations/${one.id}`]);
	assert.ok(pdf.text.indexOf(two.reference) < pdf.text.indexOf(one.reference));
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE action = 'conf.letter'
		AND object_id IN ('${one.id}', '${two.id}')`), '2');

	const other = await engagement();
	const foreign = (await sendToRespondent(other)).conf;
	const before = sql(`SELECT count(*) FROM bgw.respondent_codes WHERE project_id = '${e.project.id}'`);
	assert.equal((await lettersPdf(e.aa, e.project.id, [one.id, foreign.id])).status, 404);
	assert.equal((await lettersPdf(e.aa, e.project.id, [one.id, 'no-such-id'])).status, 404);
	// Refused runs issue nothing (the transaction is rolled back).
	assert.equal(sql(`SELECT count(*) FROM bgw.respondent_codes WHERE project_id = '${e.project.id}'`), before);
	for (const ids of [[], [one.id, one.id], 'x', [1]]) {
		const bad = await lettersPdf(e.aa, e.project.id, ids);
		assert.equal(bad.status, 422, `${JSON.stringify(ids)}: ${bad.body}`);
	}
	// Another project's admin sees nothing of this project.
	assert.equal((await lettersPdf(other.aa, e.project.id, [one.id])).status, 404);
});
