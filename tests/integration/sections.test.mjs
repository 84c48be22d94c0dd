// Bank requests by the standard form (銀行確認状) and the questions each type expects
// (issue 17, item 5): the auditor asks per section; the bank answers each asked section with
// rows or "none" (該当なし); a lawyer answers each question in free text; a custodian
// confirms holdings by issue, quantity and custody place.  Unknown sections and unanswered
// ones are 422 with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueEmail, tokenFromMail, accept, signIn, enterCode } from './lib/world.mjs';
import { engagement, createConfirmation, sendConfirmation, act, respondentMember } from './lib/engagement.mjs';

const get = (c, cid) => c.request('GET', `/api/v1/confirmations/${cid}`);

function body(type, email, extra) {
	return {
		type, form: 'positive',
		respondent: { organization: `${type} 確認先`, email, name: 'ご担当者' },
		as_of: '2026-03-31', due_date: '2026-04-30', items: [], ...extra,
	};
}

/** A confirmation of `extra` taken to sent; the addressee (an admin of its organisation,
 * so its answer is final at once) signed in past its code. */
async function sent(e, type, extra) {
	const email = uniqueEmail(type);
	const conf = await createConfirmation(e.aa, e.project.id, body(type, email, extra));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const s = await sendConfirmation(e, conf);
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name: '回答 太郎' });
	const ra = await signIn(email, password);
	await enterCode(ra, e.project.id, s.respondent_code);
	ra.respondentCode = s.respondent_code;
	const opened = (await get(ra, conf.id)).json().confirmation;
	return { conf: opened, ra };
}

const responder = { name: '回答 太郎', title: '課長' };

test('a bank request asks per section; the bank answers with rows or none (該当なし) per section', async () => {
	const e = await engagement();
	const { conf, ra } = await sent(e, 'bank', {
		sections: ['deposits', 'borrowings', 'guarantees', 'derivatives'],
		items: [
			{ label: '普通預金 1234567', section: 'deposits', currency: 'JPY', amount: '1250000' },
			{ label: '証書貸付', section: 'borrowings', currency: 'JPY', amount: '30000000' },
		],
	});
	assert.deepEqual(conf.sections, ['deposits', 'borrowings', 'guarantees', 'derivatives']);
	assert.deepEqual(conf.items.map((i) => i.section), ['deposits', 'borrowings']);
	const [dep, loan] = conf.items;
	const items = [{ item_id: dep.id, agrees: true }, { item_id: loan.id, agrees: true }];

	// Guarantees and derivatives asked and left unanswered: each named.
	let r = await act(ra, conf.id, 'response', { items, responder }, 422);
	let fields = r.json().error.fields;
	assert.equal(fields['sections.guarantees'], 'rows or none');
	assert.equal(fields['sections.derivatives'], 'rows or none');
	assert.equal(fields['sections.deposits'], undefined, 'a section with its items answered is answered');

	// Unknown and unasked sections, "none" beside rows of the same section.
	r = await act(ra, conf.id, 'response', {
		items, responder,
		extra_items: [{ label: '定期預金', section: 'savings', currency: 'JPY', amount: '1' }],
		sections: [{ section: 'custody_securities', none: true }, { section: 'deposits', none: true },
			{ section: 'guarantees', none: true }, { section: 'derivatives', none: true }],
	}, 422);
	fields = r.json().error.fields;
	assert.equal(fields['extra_items[0].section'], 'not a section of this type');
	assert.equal(fields['sections[0].section'], 'not asked');
	assert.equal(fields['sections[1].none'], 'rows are given for this section');

	// Guarantees: none; derivatives: a row the bank adds; and an unasked other row.
	r = await act(ra, conf.id, 'response', {
		items, responder,
		extra_items: [
			{ label: '金利スワップ 想定元本', section: 'derivatives', currency: 'JPY', amount: '100000000' },
			{ label: '当座貸越枠', section: 'other', currency: 'JPY', amount: '5000000' },
		],
		sections: [{ section: 'guarantees', none: true }],
	}, 201);
	const final = r.json().confirmation;
	assert.equal(final.status, 'answered');
	assert.match(final.response.seal, /^[0-9a-f]{64}$/);
	const audit = (await get(e.aa, conf.id)).json().confirmation;
	assert.deepEqual(audit.response.sections, [{ section: 'guarantees', none: true, answer: null }]);
	assert.deepEqual(audit.response.extra_items.map((x) => x.section), ['derivatives', 'other']);

	// The seal covers the sections: the chain verifies (the audit log check recomputes it).
	const hist = await e.aa.request('GET', `/api/v1/confirmations/${conf.id}/history`);
	assert.equal(hist.status, 200);
	assert.ok(JSON.stringify(hist.json()).includes('response.final'));
});

test('a bank answering "none" for every asked section, without any item', async () => {
	const e = await engagement();
	const { conf, ra } = await sent(e, 'bank', { sections: ['discounted_bills', 'custody_securities'] });
	assert.deepEqual(conf.items, []);
	const r = await act(ra, conf.id, 'response', {
		items: [], responder,
		sections: [{ section: 'discounted_bills', none: true }, { section: 'custody_securities', none: true }],
	}, 201);
	assert.deepEqual(r.json().confirmation.response.sections.map((s) => [s.section, s.none]),
		[['discounted_bills', true], ['custody_securities', true]]);
});

test('a lawyer answers each question in free text; a question left out or empty is 422', async () => {
	const e = await engagement();
	const { conf, ra } = await sent(e, 'legal', {
		sections: ['pending_litigation', 'threatened_litigation', 'contingent_liabilities', 'fees_outstanding'],
	});
	let r = await act(ra, conf.id, 'response', {
		items: [], responder,
		sections: [{ section: 'pending_litigation', answer: '東京地裁 令和7年(ワ)第1234号 損害賠償請求事件（係属中）' },
			{ section: 'threatened_litigation' }],
	}, 422);
	const fields = r.json().error.fields;
	assert.equal(fields['sections[1].answer'], 'required');
	assert.equal(fields['sections.contingent_liabilities'], 'required');
	assert.equal(fields['sections.fees_outstanding'], 'required');
	r = await act(ra, conf.id, 'response', {
		items: [], responder,
		sections: [
			{ section: 'pending_litigation', answer: '東京地裁 令和7年(ワ)第1234号 損害賠償請求事件（係属中）' },
			{ section: 'threatened_litigation', none: true },
			{ section: 'contingent_liabilities', answer: '該当事項はありません。' },
			{ section: 'fees_outstanding', answer: '2026年3月分 報酬 550,000円 未払' },
		],
	}, 201);
	const answer = r.json().confirmation.response;
	assert.equal(answer.sections.length, 4);
	assert.equal(answer.sections[3].answer, '2026年3月分 報酬 550,000円 未払');
	assert.equal(answer.sections[1].none, true);
	// A lawyer adds no rows.
	const e2 = await engagement();
	const { conf: c2, ra: ra2 } = await sent(e2, 'legal', { sections: ['claims'] });
	r = await act(ra2, c2.id, 'response', {
		items: [], responder, sections: [{ section: 'claims', answer: 'なし' }],
		extra_items: [{ label: 'x', currency: 'JPY', amount: '1' }],
	}, 422);
	assert.ok(r.json().error.fields.extra_items);
});

test('securities: holdings by issue, quantity and custody place; a difference in quantity', async () => {
	const e = await engagement();
	const { conf, ra } = await sent(e, 'securities', {
		items: [
			{ label: 'トヨタ自動車 普通株式', reference: '7203', currency: 'JPY', quantity: '12000', custody: '本店 保護預り' },
			{ label: '第10回 国債', currency: 'JPY', quantity: '100.5', amount: '10050000', custody: '日本銀行' },
		],
	});
	assert.deepEqual(conf.items.map((i) => [i.quantity, i.custody, i.amount]),
		[['12000', '本店 保護預り', null], ['100.5', '日本銀行', '10050000']]);
	const [a, b] = conf.items;
	let r = await act(ra, conf.id, 'response', {
		items: [{ item_id: a.id, agrees: false }, { item_id: b.id, agrees: true }], responder,
	}, 422);
	assert.equal(r.json().error.fields['items[0].amount'], 'required');
	r = await act(ra, conf.id, 'response', {
		items: [{ item_id: a.id, agrees: false, quantity: '11000', note: '3/30 1,000株 出庫' },
			{ item_id: b.id, agrees: true }],
		extra_items: [{ label: 'ソニーグループ 普通株式', currency: 'JPY', quantity: '300', custody: '本店 保護預り' }],
		responder,
	}, 201);
	const resp = r.json().confirmation.response;
	assert.equal(resp.items[0].quantity, '11000');
	assert.equal(resp.extra_items[0].quantity, '300');
	assert.equal(resp.extra_items[0].amount, null);
});

test('validation: sections of another type, quantity outside securities, sections on a receivable', async () => {
	const e = await engagement();
	const email = uniqueEmail('v');
	let r = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/confirmations`, {
		body: body('bank', email, {
			sections: ['deposits', 'pending_litigation', 'deposits'],
			items: [{ label: 'x', section: 'loans', currency: 'JPY', amount: '1', quantity: '3' }],
		}),
	});
	assert.equal(r.status, 422);
	let fields = r.json().error.fields;
	assert.equal(fields['sections[1]'], 'not a section of this type');
	assert.equal(fields['sections[2]'], 'asked twice');
	assert.equal(fields['items[0].section'], 'not a section of this type');
	assert.equal(fields['items[0].quantity'], 'only on securities confirmations');
	r = await e.aa.request('POST', `/api/v1/projects/${e.project.id}/confirmations`, {
		body: body('receivable', email, { sections: ['deposits'], items: [] }),
	});
	fields = r.json().error.fields;
	assert.equal(fields['sections[0]'], 'this type asks no sections');
	assert.equal(fields.items, 'at least one item');

	// An edit replaces the sections asked; an edit of the items alone keeps them.
	const conf = await createConfirmation(e.aa, e.project.id, body('bank', email, { sections: ['deposits'] }));
	r = await e.aa.request('PATCH', `/api/v1/confirmations/${conf.id}`, { body: { sections: ['borrowings', 'guarantees'] } });
	assert.equal(r.status, 200, r.body);
	r = await e.aa.request('PATCH', `/api/v1/confirmations/${conf.id}`, {
		body: { items: [{ label: '外貨預金', section: 'deposits', currency: 'USD', amount: '10.00' }] },
	});
	assert.equal(r.status, 200, r.body);
	assert.deepEqual((await get(e.aa, conf.id)).json().confirmation.sections, ['borrowings', 'guarantees', 'deposits']);
});

// --- import, export, receipt and pages use the sections ------------------------------------

const importTo = (c, pid, body, type) => c.request('POST', `/api/v1/projects/${pid}/confirmations/import`, {
	body, headers: { 'content-type': type }, timeout: 60000 });
const confirmations = async (c, pid) => {
	const items = (await c.request('GET', `/api/v1/projects/${pid}/confirmations?per_page=500`)).json().items;
	const out = [];
	for (const it of items) out.push((await get(c, it.id)).json().confirmation);
	return out.sort((x, y) => x.respondent.email.localeCompare(y.respondent.email));
};
const form = (c, fields) => ({
	body: new URLSearchParams([['csrf_token', c.csrf], ...fields]).toString(),
	headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

test('import: CSV with the sections in Japanese, a bank asking sections only, a holding; bad sections named by row', async () => {
	const e = await engagement();
	const [b1, b2, s1] = ['a-bank', 'b-bank', 'c-sec'].map((w) => uniqueEmail(w));
	const head = 'グループ,種類,様式,確認先,メールアドレス,回答者名,基準日,回答期限,科目,通貨,金額,確認区分,区分,数量,保管場所';
	const csv = [head,
		`1,銀行,積極的,みなと銀行,${b1},担当,2026-03-31,2026-04-30,普通預金,JPY,1200000,預金、借入金、保証債務,預金,,`,
		`1,,,,,,,,証書貸付,JPY,30000000,,borrowings,,`,
		`2,bank,positive,さくら銀行,${b2},担当,2026-03-31,2026-04-30,,,,割引手形・裏書手形 デリバティブ,,,`,
		`3,securities,positive,証券保管,${s1},担当,2026-03-31,2026-04-30,国債 第10回,JPY,,,,100.5,本店`,
	].join('\r\n');
	let r = await importTo(e.aa, e.project.id, csv, 'text/csv');
	assert.equal(r.status, 201, r.body);
	const [c1, c2, c3] = await confirmations(e.aa, e.project.id);
	assert.deepEqual(c1.sections, ['deposits', 'borrowings', 'guarantees']);
	assert.deepEqual(c1.items.map((i) => i.section), ['deposits', 'borrowings']);
	assert.deepEqual(c2.sections, ['discounted_bills', 'derivatives']);
	assert.deepEqual(c2.items, []);
	assert.deepEqual([c3.items[0].quantity, c3.items[0].custody, c3.items[0].amount], ['100.5', '本店', null]);

	// Nothing is created when a row is wrong; every bad row is named.
	const bad = [head,
		`1,bank,positive,X,${uniqueEmail('x')},担当,2026-03-31,2026-04-30,預金,JPY,1,loans,,,`,
		`2,receivable,positive,Y,${uniqueEmail('y')},担当,2026-03-31,2026-04-30,売掛金,JPY,1,預金,,,`,
		`3,bank,positive,Z,${uniqueEmail('z')},担当,2026-03-31,2026-04-30,預金,JPY,1,,,5,`,
	].join('\r\n');
	r = await importTo(e.aa, e.project.id, bad, 'text/csv');
	assert.equal(r.status, 422, r.body);
	const rows = r.json().error.rows.map((x) => [x.row, x.column]);
	assert.deepEqual(rows.filter(([row]) => row === 2), [[2, 'sections']]);
	assert.ok(rows.some(([row, col]) => row === 3 && col === 'sections'));
	assert.ok(rows.some(([row, col]) => row === 4 && col === 'quantity'));
	assert.equal((await confirmations(e.aa, e.project.id)).length, 3);
});

test('import XML with <sections>; export CSV and XML carry the sections and the answers per section; receipt JSON', async () => {
	const e = await engagement();
	const { conf, ra } = await sent(e, 'bank', {
		sections: ['deposits', 'guarantees'],
		items: [{ label: '普通預金', section: 'deposits', currency: 'JPY', amount: '1250000' }],
	});
	await act(ra, conf.id, 'response', {
		items: [{ item_id: conf.items[0].id, agrees: true }], responder,
		extra_items: [{ label: '定期預金', section: 'deposits', currency: 'JPY', amount: '3000000' }],
		sections: [{ section: 'guarantees', none: true }],
	}, 201);

	const csv = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/export.csv`);
	assert.equal(csv.status, 200);
	const [header, row] = csv.body.replace(/^\uFEFF/, '').split('\r\n');
	const cols = header.split(',');
	const cells = row.split(',');
	assert.equal(cells[cols.indexOf('sections')], 'deposits guarantees');
	assert.equal(cells[cols.indexOf('section')], 'deposits');
	assert.ok(csv.body.includes('guarantees: none'), 'response_sections');

	const xml = await e.aa.request('GET', `/api/v1/projects/${e.project.id}/export.xml`);
	assert.equal(xml.status, 200);
	assert.match(xml.body, /<sections>\s*<section>deposits<\/section>\s*<section>guarantees<\/section>\s*<\/sections>/);
	assert.match(xml.body, /<section_answer section="guarantees">\s*<none>true<\/none>/);
	assert.match(xml.body, /<extra_item>[\s\S]*<section>deposits<\/section>/);

	// The export imports back into another project with its sections.
	const e2 = await engagement();
	const back = await importTo(e2.aa, e2.project.id, xml.body, 'application/xml');
	assert.equal(back.status, 201, back.body);
	const [copy] = await confirmations(e2.aa, e2.project.id);
	assert.deepEqual(copy.sections, ['deposits', 'guarantees']);
	assert.equal(copy.items[0].section, 'deposits');

	// An XML naming a section the type does not have: 422, nothing created.
	const legal = xml.body.replace('<type>bank</type>', '<type>legal</type>');
	const refused = await importTo(e2.aa, e2.project.id, legal, 'application/xml');
	assert.equal(refused.status, 422, refused.body);
	assert.ok(refused.json().error.rows.some((x) => x.column === 'sections'));

	const receipt = await e.aa.request('GET', `/api/v1/confirmations/${conf.id}/receipt`);
	assert.equal(receipt.status, 200, receipt.body);
	assert.deepEqual(receipt.json().receipt.confirmation.sections, ['deposits', 'guarantees']);
	assert.deepEqual(receipt.json().receipt.response.sections, [{ section: 'guarantees', none: true, answer: null }]);
});

test('pages: the form asks sections by checkbox; the answer page takes "none" per section and a lawyer\'s text', async () => {
	const e = await engagement();
	const email = uniqueEmail('page-bank');
	const page = await e.aa.request('GET', `/projects/${e.project.id}/confirmations/new`);
	assert.equal(page.status, 200);
	assert.ok(page.body.includes('保証債務') && page.body.includes('name="sections.guarantees"'));
	assert.ok(page.body.includes('name="items[0].section"'));
	let r = await e.aa.request('POST', `/projects/${e.project.id}/confirmations/new`, form(e.aa, [
		['type', 'bank'], ['form', 'positive'], ['respondent.organization', 'ページ銀行'],
		['respondent.email', email], ['respondent.name', '担当'], ['as_of', '2026-03-31'],
		['due_date', '2026-04-30'], ['sections.deposits', '1'], ['sections.derivatives', '1'],
		['items[0].label', '普通預金'], ['items[0].currency', 'JPY'], ['items[0].amount', '5'],
		['items[0].section', 'deposits'],
	]));
	assert.equal(r.status, 303, r.body);
	const id = r.headers.location.match(/\/confirmations\/([^?]+)/)[1];
	const conf = (await get(e.aa, id)).json().confirmation;
	assert.deepEqual(conf.sections, ['deposits', 'derivatives']);
	// An item whose section the type lacks: 422 beside the field.
	r = await e.aa.request('POST', `/projects/${e.project.id}/confirmations/new`, form(e.aa, [
		['type', 'bank'], ['form', 'positive'], ['respondent.organization', 'ページ銀行'],
		['respondent.email', email], ['respondent.name', '担当'], ['as_of', '2026-03-31'],
		['due_date', '2026-04-30'], ['items[0].label', 'x'], ['items[0].currency', 'JPY'],
		['items[0].amount', '5'], ['items[0].section', 'claims'],
	]));
	assert.equal(r.status, 422);
	assert.ok(r.body.includes('not a section of this type') || r.body.includes('区分'), r.body.slice(0, 300));

	// The bank answers on the page: derivatives "none"; left out first, then ticked.
	const { conf: sentConf, ra } = await sent(e, 'bank', {
		sections: ['deposits', 'derivatives'],
		items: [{ label: '普通預金', section: 'deposits', currency: 'JPY', amount: '5' }],
	});
	const answerPage = await ra.request('GET', `/confirmations/${sentConf.id}/answer`);
	assert.equal(answerPage.status, 200);
	assert.ok(answerPage.body.includes('デリバティブ') && answerPage.body.includes('該当なし'));
	const base = [['items[0].item_id', sentConf.items[0].id], ['items[0].agrees', 'true'],
		['responder.name', '回答 太郎'], ['sections[0].section', 'deposits'], ['sections[1].section', 'derivatives']];
	r = await ra.request('POST', `/confirmations/${sentConf.id}/answer`, form(ra, base));
	assert.equal(r.status, 422, r.body.slice(0, 300));
	r = await ra.request('POST', `/confirmations/${sentConf.id}/answer`, form(ra, [...base, ['sections[1].none', 'true']]));
	assert.equal(r.status, 303, r.body.slice(0, 300));
	const answered = (await get(e.aa, sentConf.id)).json().confirmation;
	assert.equal(answered.status, 'answered');
	assert.deepEqual(answered.response.sections, [{ section: 'derivatives', none: true, answer: null }]);
	const shown = await e.aa.request('GET', `/confirmations/${sentConf.id}`);
	assert.ok(shown.body.includes('該当なし') && shown.body.includes('デリバティブ'));

	// A lawyer answers its question in text on the page.
	const { conf: lc, ra: lawyer } = await sent(e, 'legal', { sections: ['pending_litigation'] });
	r = await lawyer.request('POST', `/confirmations/${lc.id}/answer`, form(lawyer, [
		['responder.name', '弁護士 一郎'], ['sections[0].section', 'pending_litigation'],
		['sections[0].answer', '係属中の訴訟はありません。'],
	]));
	assert.equal(r.status, 303, r.body.slice(0, 300));
	assert.equal((await get(e.aa, lc.id)).json().confirmation.response.sections[0].answer, '係属中の訴訟はありません。');
});

// --- the bulk answer sheet (lane rb's, merged) carries the sections -----------------------

/** RFC 4180 records of text (the BOM dropped). */
function parseCsv(text) {
	const rows = [];
	let row = [], field = '', quoted = false;
	const t = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < t.length; i++) {
		const ch = t[i];
		if (quoted) {
			if (ch === '"' && t[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
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
const toCsv = (rows) => '\uFEFF' + rows.map((r) => r.map((v) => (/[",\r\n]/.test(v ?? '') ? `"${v.replace(/"/g, '""')}"` : v ?? '')).join(',')).join('\r\n') + '\r\n';
const bulkUpload = (c, body) => c.request('POST', '/api/v1/inbox/answers', { body, headers: { 'content-type': 'text/csv; charset=utf-8' } });

test('bulk answer: a row per asked section; "該当なし" answers it, one left empty is named by its row; approved with its sections', async () => {
	const e = await engagement();
	const { conf, ra } = await sent(e, 'bank', {
		sections: ['deposits', 'guarantees', 'derivatives'],
		items: [{ label: '普通預金', section: 'deposits', currency: 'JPY', amount: '1250000' }],
	});
	const rm = await respondentMember(e, ra);
	const res = await rm.request('GET', '/api/v1/inbox/open.csv?lang=ja');
	assert.equal(res.status, 200, res.body);
	const sheet = parseCsv(res.body);
	const mine = sheet.filter((r, i) => i > 0 && r[0] === conf.reference);
	// the item in its section, then a row per asked section (Japanese labels), then extra rows
	assert.deepEqual(mine.map((r) => r[2]), ['預金', '預金', '保証債務', 'デリバティブ', '', '', '']);
	assert.equal(mine[0][1], conf.items[0].id);
	assert.equal(mine[2][1], '');
	const fill = (rows) => [sheet[0], ...rows];
	const item = [...mine[0].slice(0, 6), 'はい', '', ''];
	const guarantees = [...mine[2].slice(0, 6), '該当なし', '', ''];
	const derivEmpty = mine[3];
	let up = await bulkUpload(rm, toCsv(fill([item, mine[1], guarantees, derivEmpty])));
	assert.equal(up.status, 422, up.body);
	const named = up.json().error.rows.map((x) => [x.row, x.column, x.message]);
	const derivRow = 5; // header 1, item 2, deposits 3, guarantees 4
	assert.ok(named.some(([row, col, msg]) => row === derivRow && col === 'agrees' && msg === 'rows or none'), JSON.stringify(named));
	// A word that is not "none" on a section's row; an extra row in a section the bank form lacks.
	up = await bulkUpload(rm, toCsv(fill([item, mine[1], [...mine[2].slice(0, 6), 'yes', '', ''],
		[...mine[3].slice(0, 6), '該当なし', '', ''], [conf.reference, '', 'loans', '借入', 'JPY', '', '', '1', '']])));
	assert.equal(up.status, 422, up.body);
	const cols = up.json().error.rows.map((x) => x.column);
	assert.ok(cols.includes('agrees') && cols.includes('section'), JSON.stringify(up.json().error.rows));
	assert.equal(await (async () => (await get(ra, conf.id)).json().confirmation.status)(), 'opened');

	const swap = [conf.reference, '', 'デリバティブ', '金利スワップ', 'JPY', '', '', '100000000', '想定元本'];
	up = await bulkUpload(rm, toCsv(fill([item, mine[1], guarantees, derivEmpty, swap])));
	assert.equal(up.status, 201, up.body);
	const r = await ra.request('POST', '/api/v1/inbox/approve', { body: { ids: [conf.id], approver: { name: '銀行 花子', title: '課長' } } });
	assert.equal(r.status, 200, r.body);
	const answer = (await get(e.aa, conf.id)).json().confirmation;
	assert.equal(answer.status, 'answered');
	assert.deepEqual(answer.response.sections, [{ section: 'guarantees', none: true, answer: null }]);
	assert.deepEqual(answer.response.extra_items.map((x) => [x.section, x.amount]), [['derivatives', '100000000']]);
});
