// Row-level security at a desk's scale (issue 17 acceptance; migration 0046): the policies
// that read a confirmation's items and answers compare against sets computed once per
// statement, not a SECURITY DEFINER function per row, so a desk's sheet of many open
// requests comes back in time, and still lists only its own organisation's requests.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { engagement, sendToRespondent } from './lib/engagement.mjs';
import { sql } from './lib/world.mjs';

const COPIES = 1500;   // open requests added to the desk's project (the sheet holds 2,000)

let w;

before(async () => {
	const e = await engagement();
	const first = await sendToRespondent(e);
	const other = await sendToRespondent(e);
	// The same request sent COPIES more times, items and all (as tests/bench/run.sh does).
	sql(`WITH ins AS (
		INSERT INTO bgw.confirmations (project_id, type, form, status, respondent_org_id,
		    respondent_email, respondent_name, as_of, due_date, sent_at, created_by)
		SELECT t.project_id, t.type, t.form, 'sent', t.respondent_org_id, t.respondent_email,
		    t.respondent_name, t.as_of, t.due_date, now(), t.created_by
		FROM bgw.confirmations t CROSS JOIN generate_series(1, ${COPIES}) g
		WHERE t.id = '${first.conf.id}' RETURNING id)
	INSERT INTO bgw.confirmation_items (confirmation_id, position, label, reference, currency,
	    amount)
	SELECT ins.id, i.position, i.label, i.reference, i.currency, i.amount
	FROM ins CROSS JOIN bgw.confirmation_items i WHERE i.confirmation_id = '${first.conf.id}'`);
	w = { e, first, other };
});

/** The distinct references of a desk's open-requests sheet. */
async function sheetRefs(c) {
	const res = await c.request('GET', '/api/v1/inbox/open.csv?lang=en');
	assert.equal(res.status, 200, res.body);
	const lines = res.body.replace(/^\uFEFF/, '').split('\r\n').slice(1).filter((l) => l !== '');
	return new Set(lines.map((l) => l.split(',')[0]));
}

test('a desk of 1,501 open requests gets its whole sheet in time, another desk only its own', async () => {
	const t0 = Date.now();
	const refs = await sheetRefs(w.first.ra);
	const seconds = (Date.now() - t0) / 1000;
	assert.equal(refs.size, COPIES + 1);
	// Per-row policy functions took about 2 ms a row under ASan: ~7 s here, 52 s at 10,000.
	assert.ok(seconds < 20, `open.csv took ${seconds} s`);
	const mine = await sheetRefs(w.other.ra);
	assert.equal(mine.size, 1);
	for (const r of mine) assert.ok(!refs.has(r), 'another organisation\'s request on the sheet');
});

test('the reading policies of items and answers call no per-row access function', () => {
	// One string, the policies apart by ' ;; ' (a policy's text spans lines).
	const quals = sql(`SELECT string_agg(tablename || ': ' || qual, ' ;; ' ORDER BY tablename)
		FROM pg_policies WHERE schemaname = 'bgw' AND cmd = 'SELECT' AND tablename IN
		('confirmation_items', 'responses', 'response_items', 'response_extra_items')`)
		.split(' ;; ');
	assert.equal(quals.length, 4, quals.join('\n'));
	for (const q of quals)
		assert.doesNotMatch(q, /confirmation_side\(|can_see_responses\(|response_confirmation\(/, q);
});

test('the items of a project read as its respondent: one set, not one function call a row', () => {
	// EXPLAIN as the application's role, bound to the desk's user: the items' policy is a
	// subquery over confirmations whose own policy hashes my_memberships() once.
	const uid = sql(`SELECT id FROM bgw.users WHERE email = '${w.first.email}'`);
	assert.ok(uid !== '', 'the desk user');
	const plan = sql(`SET ROLE bgw_app; SET search_path = bgw, public;
		SELECT set_config('app.user_id', '${uid}', false);
		EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM bgw.confirmation_items i
		JOIN bgw.confirmations c ON c.id = i.confirmation_id
		WHERE c.project_id = '${w.e.project.id}'`);
	assert.doesNotMatch(plan, /confirmation_side\(/, plan);
	assert.match(plan, /hashed SubPlan/, plan);
});

test('a desk uploads 500 answers at once: all given, each waiting for approval', async () => {
	const res = await w.first.ra.request('GET', '/api/v1/inbox/open.csv?lang=en');
	assert.equal(res.status, 200);
	const rows = res.body.replace(/^\uFEFF/, '').split('\r\n').slice(1).filter((l) => l !== '')
		.map((l) => l.split(','));
	const refs = [...new Set(rows.map((r) => r[0]))].slice(0, 500);
	const want = new Set(refs);
	// Only the item rows, agreed (what tests/bench/run.sh's bulk_answer500 uploads).
	const lines = ['reference,item_id,label,currency,agrees,amount,note'];
	for (const r of rows)
		if (want.has(r[0]) && r[1] !== '') lines.push(`${r[0]},${r[1]},,,yes,,`);
	const t0 = Date.now();
	const up = await w.first.ra.request('POST', '/api/v1/inbox/answers', {
		body: '\uFEFF' + lines.join('\r\n') + '\r\n', headers: { 'content-type': 'text/csv' },
		timeout: 58000 }); // nginx's own limit is 60 s; 24 to 36 s measured under ASan
	const seconds = (Date.now() - t0) / 1000;
	assert.equal(up.status, 201, up.body.slice(0, 300));
	assert.equal(up.json().answered, 500);
	console.log(`# 500 answers uploaded in ${seconds} s`);
	const status = sql(`SELECT status, count(*) FROM bgw.confirmations
		WHERE project_id = '${w.e.project.id}' AND reference IN (${refs.map((r) => `'${r}'`).join(',')})
		GROUP BY 1`);
	assert.equal(status, 'awaiting_respondent_approval|500');
});
