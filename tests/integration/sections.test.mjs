// Bank requests by the standard form (銀行確認状) and the questions each type expects
// (issue 17, item 5): the auditor asks per section; the bank answers each asked section with
// rows or "none" (該当なし); a lawyer answers each question in free text; a custodian
// confirms holdings by issue, quantity and custody place.  Unknown sections and unanswered
// ones are 422 with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueEmail, tokenFromMail, accept, signIn, enterCode } from './lib/world.mjs';
import { engagement, createConfirmation, sendConfirmation, act } from './lib/engagement.mjs';

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
