// page-upload.test.mjs: uploads through the HTML forms (issue 7) go the same way as the
// API's: an infected file is refused with the page's own error AND put on record (audit
// doc.infected, as for the API); the answer form's attach button stores the file and shows
// the form again with everything typed in it; a file chosen but not attached stops the
// answer instead of vanishing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from './lib/world.mjs';
import { engagement, sendToRespondent } from './lib/engagement.mjs';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const INFECTED_JA = 'ファイルはウイルス検査で拒否されました。';

/** A browser-like multipart form body: text fields in order, then the file. */
function form(fields, file) {
	const boundary = `----bgwform${crypto.randomBytes(8).toString('hex')}`;
	const chunks = [];
	for (const [name, value] of fields) {
		chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	}
	if (file) {
		chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n`
			+ `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
		chunks.push(Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data));
		chunks.push(Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const infectedEvents = (pid) => sql(`SELECT count(*) || '|' || coalesce(string_agg(detail->>'confirmation_id', ',' ORDER BY seq), '')
	FROM bgw.audit_events WHERE project_id = '${pid}' AND action = 'doc.infected'`).split('|');
const documents = (pid) => Number(sql(`SELECT count(*) FROM bgw.documents WHERE project_id = '${pid}'`));

/** The answer form's fields as a respondent typed them: item 0 differs with an amount and a
 * note, item 1 agrees. */
function typed(c, conf) {
	const items = conf.items ?? [];
	return [
		['csrf_token', c.csrf],
		['items[0].item_id', items[0].id], ['items[0].agrees', 'false'],
		['items[0].amount', '1200000'], ['items[0].note', '利息計上 31 March'],
		['items[1].item_id', items[1].id], ['items[1].agrees', 'true'],
		['items[1].amount', ''], ['items[1].note', ''],
		['responder.name', '銀行 花子'], ['responder.title', '預金課'],
	];
}

async function sentConfirmation() {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const full = await ra.request('GET', `/api/v1/confirmations/${conf.id}`);
	assert.equal(full.status, 200, full.body);
	return { e, ra, conf: full.json().confirmation ?? full.json() };
}

test('EICAR through the confirmation page form: the page\'s error, no document, and doc.infected on record', async () => {
	const { e, ra, conf } = await sentConfirmation();
	const m = form([['csrf_token', ra.csrf]], { name: 'eicar.txt', data: EICAR, type: 'text/plain' });
	const res = await ra.request('POST', `/confirmations/${conf.id}/documents`, { body: m.body, headers: m.headers, timeout: 120000 });
	assert.equal(res.status, 422, res.body);
	assert.match(res.headers['content-type'], /^text\/html/);
	assert.ok(res.body.includes(INFECTED_JA), res.body);
	assert.equal(documents(e.project.id), 0);
	assert.deepEqual(infectedEvents(e.project.id), ['1', conf.id]);
});

test('EICAR through the answer form\'s attach button: the form again with what was typed, the error at the file, on record', async () => {
	const { e, ra, conf } = await sentConfirmation();
	const m = form([...typed(ra, conf), ['attach', '1']], { name: 'eicar.txt', data: EICAR, type: 'text/plain' });
	const res = await ra.request('POST', `/confirmations/${conf.id}/documents?next=answer`, { body: m.body, headers: m.headers, timeout: 120000 });
	assert.equal(res.status, 422, res.body);
	assert.ok(res.body.includes(INFECTED_JA));
	assert.match(res.body, /id="f-ans-file"[^>]*aria-invalid="true"/);
	assert.match(res.body, /id="f-ans-items-0--amount"[^>]*value="1200000"/);
	assert.ok(res.body.includes('利息計上 31 March'));
	assert.match(res.body, /id="f-ans-items-0--differs"[^>]*checked/);
	assert.match(res.body, /id="f-ans-responder-title"[^>]*value="預金課"/);
	assert.equal(documents(e.project.id), 0);
	assert.deepEqual(infectedEvents(e.project.id), ['1', conf.id]);
});

test('attach keeps the typed answer and lists the file; a file chosen but not attached stops the answer', async () => {
	const { e, ra, conf } = await sentConfirmation();
	const m = form([...typed(ra, conf), ['attach', '1']], { name: 'certificate.pdf', data: PDF, type: 'application/pdf' });
	const res = await ra.request('POST', `/confirmations/${conf.id}/documents?next=answer`, { body: m.body, headers: m.headers, timeout: 120000 });
	assert.equal(res.status, 200, res.body);
	assert.ok(res.body.includes('certificate.pdf'));
	assert.match(res.body, /id="f-ans-items-0--amount"[^>]*value="1200000"/);
	assert.ok(res.body.includes('利息計上 31 March'));
	assert.equal(documents(e.project.id), 1);
	// No CSRF token: refused before any byte of the file is stored, the fields not shown.
	const bad = form(typed(ra, conf).slice(1), { name: 'certificate.pdf', data: PDF, type: 'application/pdf' });
	const res2 = await ra.request('POST', `/confirmations/${conf.id}/documents?next=answer`, { body: bad.body, headers: bad.headers });
	assert.equal(res2.status, 403);
	assert.ok(!res2.body.includes('利息計上'));
	assert.equal(documents(e.project.id), 1);
	// The answer itself (urlencoded) with a file chosen but never attached: 422, nothing sent.
	const fields = new URLSearchParams([...typed(ra, conf), ['file', 'statement.pdf']]);
	const res3 = await ra.request('POST', `/confirmations/${conf.id}/answer`, { body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	assert.equal(res3.status, 422, res3.body);
	assert.match(res3.body, /id="f-ans-items-0--amount"[^>]*value="1200000"/);
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.responses WHERE confirmation_id = '${conf.id}'`)), 0);
	// Without the file: the answer goes, with what was typed.
	const ok = new URLSearchParams([...typed(ra, conf), ['file', '']]);
	const res4 = await ra.request('POST', `/confirmations/${conf.id}/answer`, { body: ok.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	assert.equal(res4.status, 303, res4.body);
	assert.equal(sql(`SELECT ri.amount::text || '|' || ri.note FROM bgw.response_items ri JOIN bgw.responses r ON r.id = ri.response_id
		WHERE r.confirmation_id = '${conf.id}' AND ri.note IS NOT NULL`), '1200000|利息計上 31 March');
});
