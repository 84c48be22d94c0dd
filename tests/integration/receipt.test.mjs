// The JSON receipt (GET /api/v1/confirmations/{cid}/receipt): the final answer with its seal,
// for the audit team and the respondent, the same use case as the printable page
// (conf_receipt in lib/flow/confflow.h).  The client reads the receipt only while the audit
// team shares the answer (the channel), and there is none before a final answer.  Access for every role: access.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from './lib/world.mjs';
import { engagement, act, sendToRespondent } from './lib/engagement.mjs';

const receipt = (c, id) => c.request('GET', `/api/v1/confirmations/${id}/receipt`);

test('the receipt shows what was asked and the sealed final answer, to the audit team and the respondent only', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);

	const early = await receipt(e.am, conf.id);
	assert.equal(early.status, 409, early.body);
	assert.equal(early.json().error.code, 'invalid_state');

	const items = (await ra.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation.items;
	await act(ra, conf.id, 'response', { items: items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 花子', title: '課長' } }, 201);
	const sealed = sql(`SELECT encode(seal, 'hex') FROM bgw.responses WHERE confirmation_id = '${conf.id}' AND final`);
	assert.match(sealed, /^[0-9a-f]{64}$/);

	for (const who of [e.aa, e.am, ra]) {
		const res = await receipt(who, conf.id);
		assert.equal(res.status, 200, res.body);
		const r = res.json().receipt;
		assert.equal(r.confirmation.id, conf.id);
		assert.equal(r.confirmation.reference, conf.reference);
		assert.deepEqual(r.confirmation.items.map((i) => i.id), items.map((i) => i.id));
		assert.equal(r.confirmation.status, undefined, 'a receipt is not the workflow state');
		assert.equal(r.response.final, true);
		assert.equal(r.response.seal, sealed);
		assert.equal(r.response.responder.name, '銀行 花子');
		assert.ok(r.response.items.every((i) => i.agrees === true));
	}
	// Each read is a view of the answer, on the chain like every other.
	assert.equal(sql(`SELECT count(*) FROM bgw.audit_events WHERE object_id = '${conf.id}'
		AND action = 'response.view'`), '3');

	// The client may not read the answer, so not its receipt either: 403 forbidden (it
	// knows the confirmation), and nothing of the answer in the body.
	for (const who of [e.ca, e.cm]) {
		const res = await receipt(who, conf.id);
		assert.equal(res.status, 403, res.body);
		assert.doesNotMatch(res.body, new RegExp(sealed));
	}
	// Once the audit team shares the answer, the client reads the receipt too; unshared
	// again, it is gone again.
	await act(e.am, conf.id, 'share', { with_client: true });
	for (const who of [e.ca, e.cm]) {
		const res = await receipt(who, conf.id);
		assert.equal(res.status, 200, res.body);
		assert.equal(res.json().receipt.response.seal, sealed);
	}
	await act(e.am, conf.id, 'share', { with_client: false });
	assert.equal((await receipt(e.ca, conf.id)).status, 403);
});
