// Documents belong to a side (lane h3).  A respondent's file is part of its answer: the audit
// team and the respondent see it, the client only while the audit team shares the
// confirmation.  A client's file is for the audit team (and the client), never for the
// respondent, and the client has no file channel to the respondent once the request is sent
// (409 invalid_state).  Lists, downloads, the HTML pages and row-level security all follow
// the same rule; a hidden file is not listed and its download answers 404.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from './lib/world.mjs';
import {
	engagement, createConfirmation, confirmationBody, act, sendToRespondent, respondentMember,
} from './lib/engagement.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** A multipart body: text fields in order, then the one file. */
function form(fields, file) {
	const boundary = `----bgwside${crypto.randomBytes(8).toString('hex')}`;
	const chunks = [];
	for (const [name, value] of fields)
		chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file}"\r\n`
		+ 'Content-Type: application/pdf\r\n\r\n'));
	chunks.push(PDF, Buffer.from(`\r\n--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function upload(c, cid, name) {
	const m = form([], name);
	return c.request('POST', `/api/v1/confirmations/${cid}/documents`, { body: m.body, headers: m.headers, timeout: 120000 });
}

async function uploaded(c, cid, name) {
	const res = await upload(c, cid, name);
	assert.equal(res.status, 201, res.body);
	return res.json().id;
}

async function listed(c, cid) {
	const res = await c.request('GET', `/api/v1/confirmations/${cid}/documents`);
	assert.equal(res.status, 200, res.body);
	return res.json().items.map((d) => d.id);
}

const download = async (c, id) => (await c.request('GET', `/api/v1/documents/${id}`)).status;
const onPage = async (c, cid, id) => {
	const res = await c.request('GET', `/confirmations/${cid}`);
	assert.equal(res.status, 200, res.body.slice(0, 200));
	return res.body.includes(`/api/v1/documents/${id}`);
};

/** What a member sees of one file: listed, downloadable, linked on the confirmation page. */
async function sees(c, cid, id) {
	return { listed: (await listed(c, cid)).includes(id), download: await download(c, id), page: await onPage(c, cid, id) };
}
const SEEN = { listed: true, download: 200, page: true };
const HIDDEN = { listed: false, download: 404, page: false };

/** The ids of the documents of a confirmation that row-level security lets user read as
 * bgw_app, the application's role, with the user bound the way db_begin binds it. */
function rlsDocuments(userId, cid) {
	const out = sql(`BEGIN; SET LOCAL ROLE bgw_app;
		SELECT set_config('app.user_id', '${userId}', true);
		SELECT coalesce(string_agg(id, ',' ORDER BY id), '') FROM bgw.documents WHERE confirmation_id = '${cid}';
		COMMIT;`);
	return out.split('\n').filter((l) => l !== '' && l !== userId).join(',').split(',').filter(Boolean);
}

/** Try, as bgw_app bound to userId, to insert a document row on confirmation cid of project
 * pid with the given side (rolled back either way): 'inserted' or 'refused'. */
function tryInsert(userId, pid, cid, side) {
	const out = sql(`BEGIN; SET LOCAL ROLE bgw_app;
		SELECT set_config('app.user_id', '${userId}', true);
		DO $$ BEGIN
			INSERT INTO bgw.documents (project_id, confirmation_id, name, size, sha256, content_type,
			    blob_id, wrapped_key, key_version, created_by, side)
			SELECT '${pid}', '${cid}', 'x.pdf', 1, decode(repeat('00', 32), 'hex'), 'application/pdf',
			    'forged-${crypto.randomBytes(6).toString('hex')}', decode(repeat('00', 48), 'hex'),
			    (SELECT max(version) FROM bgw.master_keys), '${userId}', '${side}';
			PERFORM set_config('test.outcome', 'inserted', true);
		EXCEPTION WHEN insufficient_privilege THEN
			PERFORM set_config('test.outcome', 'refused', true);
		END $$;
		SELECT current_setting('test.outcome');
		ROLLBACK;`);
	return out.split('\n').pop();
}

test('the respondent\'s evidence: hidden from the client (404, not listed, not on the page) until shared, seen while shared, hidden again when unshared', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const rm = await respondentMember(e, ra);
	const id = await uploaded(ra, conf.id, '残高証明書.pdf');

	for (const c of [e.aa, e.am, ra, rm]) assert.deepEqual(await sees(c, conf.id, id), SEEN);
	for (const c of [e.ca, e.cm]) assert.deepEqual(await sees(c, conf.id, id), HIDDEN, 'unshared');

	await act(e.am, conf.id, 'share', { with_client: true });
	for (const c of [e.ca, e.cm]) assert.deepEqual(await sees(c, conf.id, id), SEEN, 'shared');

	await act(e.am, conf.id, 'share', { with_client: false });
	for (const c of [e.ca, e.cm]) assert.deepEqual(await sees(c, conf.id, id), HIDDEN, 'unshared again');
	assert.deepEqual(await sees(e.aa, conf.id, id), SEEN);
});

test('the client cannot upload to a sent confirmation: 409 invalid_state through the API and the page form, and no upload form on its page', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody('bank@example.test'));
	// Before sending the client may add files for the audit team.
	await uploaded(e.cm, conf.id, 'draft-ledger.pdf');
	const page = await e.cm.request('GET', `/confirmations/${conf.id}`);
	assert.match(page.body, /enctype="multipart\/form-data"/, 'the draft page offers the upload');

	const sent = (await sendToRespondent(e)).conf;
	for (const c of [e.ca, e.cm]) {
		const res = await upload(c, sent.id, 'letter-to-the-bank.pdf');
		assert.equal(res.status, 409, res.body);
		assert.equal(res.json().error.code, 'invalid_state');
		const m = form([['csrf_token', c.csrf]], 'letter-to-the-bank.pdf');
		const viaPage = await c.request('POST', `/confirmations/${sent.id}/documents`, { body: m.body, headers: m.headers });
		assert.equal(viaPage.status, 409, viaPage.body.slice(0, 200));
		const html = (await c.request('GET', `/confirmations/${sent.id}`)).body;
		assert.doesNotMatch(html, /enctype="multipart\/form-data"/, 'no upload form for the client once sent');
	}
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.documents WHERE confirmation_id = '${sent.id}'`)), 0);
	// The audit team still may.
	await uploaded(e.am, sent.id, 'working-paper.pdf');
});

test('the respondent never sees a client-side file (list, download, page, answer page); the audit team\'s files it still sees', async () => {
	const e = await engagement();
	let clientFile, auditFile;
	const { conf, ra } = await sendToRespondent(e, undefined, async (draft) => {
		clientFile = await uploaded(e.cm, draft.id, '社内資料.pdf');
		auditFile = await uploaded(e.aa, draft.id, 'request-cover.pdf');
	});
	const rm = await respondentMember(e, ra);

	for (const c of [ra, rm]) {
		assert.deepEqual(await sees(c, conf.id, clientFile), HIDDEN);
		assert.deepEqual(await sees(c, conf.id, auditFile), SEEN);
		const answer = await c.request('GET', `/confirmations/${conf.id}/answer`);
		assert.equal(answer.status, 200, answer.body.slice(0, 200));
		assert.ok(!answer.body.includes(`/api/v1/documents/${clientFile}`), 'not on the answer page');
		assert.ok(answer.body.includes(`/api/v1/documents/${auditFile}`));
	}
	for (const c of [e.aa, e.cm]) assert.deepEqual(await sees(c, conf.id, clientFile), SEEN);
	// Shared or not, the client's file stays away from the respondent.
	await act(e.am, conf.id, 'share', { with_client: true });
	assert.deepEqual(await sees(ra, conf.id, clientFile), HIDDEN);
});

test('row-level security: as bgw_app, a client user reads no respondent file until shared, a respondent no client file', async () => {
	const e = await engagement();
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody('bank@example.test'));
	const clientFile = await uploaded(e.ca, conf.id, 'client.pdf');
	let sentClientFile;
	const s = await sendToRespondent(e, undefined, async (draft) => {
		sentClientFile = await uploaded(e.cm, draft.id, 'client-before-sending.pdf');
	});
	const sent = s.conf;
	const respFile = await uploaded(s.ra, sent.id, '残高証明書.pdf');
	const auditFile = await uploaded(e.aa, sent.id, 'audit.pdf');
	assert.deepEqual(rlsDocuments(e.cm.user.id, sent.id), [auditFile, sentClientFile].sort(), 'no respondent file for the client');
	assert.deepEqual(rlsDocuments(e.aa.user.id, sent.id), [auditFile, respFile, sentClientFile].sort());
	assert.deepEqual(rlsDocuments(s.ra.user.id, sent.id), [auditFile, respFile].sort(), 'no client file for the respondent');
	await act(e.am, sent.id, 'share', { with_client: true });
	assert.deepEqual(rlsDocuments(e.cm.user.id, sent.id), [auditFile, respFile, sentClientFile].sort());
	assert.deepEqual(rlsDocuments(s.ra.user.id, sent.id), [auditFile, respFile].sort());
	// The client's file of a draft: audit and client read it (the respondent cannot see the
	// draft at all).
	assert.deepEqual(rlsDocuments(e.cm.user.id, conf.id), [clientFile]);
	// A side cannot be forged: the client may insert its own side's row on a draft, but not
	// one claiming the respondent's side, nor any row on a sent confirmation.
	assert.equal(tryInsert(e.ca.user.id, e.project.id, conf.id, 'client'), 'inserted');
	assert.equal(tryInsert(e.ca.user.id, e.project.id, conf.id, 'respondent'), 'refused');
	assert.equal(tryInsert(e.ca.user.id, e.project.id, sent.id, 'client'), 'refused');
	assert.equal(tryInsert(s.ra.user.id, e.project.id, sent.id, 'client'), 'refused');
});

test('a respondent\'s file belongs to the answer it was attached for, recorded with its side', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const id = await uploaded(ra, conf.id, '残高証明書.pdf');
	const aFile = await uploaded(e.aa, conf.id, 'a.pdf');
	assert.equal(sql(`SELECT side || '|' || coalesce(response_id, '') FROM bgw.documents WHERE id = '${id}'`), 'respondent|');
	const full = (await ra.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
	await act(ra, conf.id, 'response', {
		items: full.items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 花子', title: '課長' } }, 201);
	const rid = sql(`SELECT id FROM bgw.responses WHERE confirmation_id = '${conf.id}' AND final`);
	assert.equal(sql(`SELECT side || '|' || coalesce(response_id, '') FROM bgw.documents WHERE id = '${id}'`), `respondent|${rid}`);
	assert.equal(sql(`SELECT side || '|' || coalesce(response_id, '') FROM bgw.documents WHERE id = '${aFile}'`), 'audit|');
	const items = (await e.aa.request('GET', `/api/v1/confirmations/${conf.id}/documents`)).json().items;
	assert.deepEqual(items.map((d) => d.side), ['respondent', 'audit']);
});

test('maker and checker: the member\'s files join its submitted answer, the approver\'s files join it on approval, a later file waits for the next answer', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const rm = await respondentMember(e, ra);
	const made = await uploaded(rm, conf.id, 'maker.pdf');
	const full = (await rm.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
	await act(rm, conf.id, 'response', {
		items: full.items.map((i) => ({ item_id: i.id, agrees: true })),
		responder: { name: '銀行 太郎', title: '係員' } }, 201);
	const rid = sql(`SELECT id FROM bgw.responses WHERE confirmation_id = '${conf.id}'`);
	const linked = (id) => sql(`SELECT coalesce(response_id, '') FROM bgw.documents WHERE id = '${id}'`);
	assert.equal(linked(made), rid);
	const checked = await uploaded(ra, conf.id, 'checker.pdf');
	assert.equal(linked(checked), '', 'not part of the answer before approval');
	await act(ra, conf.id, 'response/approve', { approver: { name: '銀行 花子', title: '課長' } });
	assert.equal(linked(checked), rid);
	const later = await uploaded(ra, conf.id, 'later.pdf');
	assert.equal(linked(later), '');
	// The client sees none of them until the audit team shares the answer.
	assert.deepEqual(await listed(e.cm, conf.id), []);
	await act(e.am, conf.id, 'share', { with_client: true });
	assert.deepEqual((await listed(e.cm, conf.id)).sort(), [made, checked, later].sort());
});
