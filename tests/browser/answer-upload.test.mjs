// answer-upload.test.mjs: attachments and long uploads in a real browser (issue 7).
// The respondent types an answer (a differing amount and a note), attaches a file, and
// nothing typed is lost: without JavaScript (the attach button posts the whole form and the
// page comes back filled in) and with it (the file goes in the background and only the
// attachments section changes); the submitted answer carries what was typed.  Long work
// shows real progress: a few MiB through a throttled connection move a <progress> bar
// through intermediate values before the page follows the server's redirect, and an import
// shows its progress, then the row report.  axe-core on the changed pages; screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems, SHOTS } from './lib/harness.mjs';
import { sql } from '../integration/lib/world.mjs';
import { engagement, sendToRespondent } from '../integration/lib/engagement.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

useBrowser();

/** A PDF of about `mib` MiB (a PDF header, then comment lines). */
function bigPdf(mib) {
	const line = `% ${'0123456789abcdef'.repeat(6)}\n`;
	return Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(line.repeat(Math.ceil((mib * 1024 * 1024) / line.length))),
		Buffer.from('%%EOF\n')]);
}

/** What the answer stored for the differing item. */
const stored = (cid) => sql(`SELECT ri.amount::text || '|' || ri.note FROM bgw.response_items ri
	JOIN bgw.responses r ON r.id = ri.response_id WHERE r.confirmation_id = '${cid}' AND ri.note IS NOT NULL`);
const docs = (cid) => Number(sql(`SELECT count(*) FROM bgw.documents WHERE confirmation_id = '${cid}'`));

async function typeAnswer(page, note) {
	await page.check('#f-ans-items-0--differs');
	await page.fill('#f-ans-items-0--amount', '1200000');
	await page.fill('#f-ans-items-0--note', note);
	await page.check('#f-ans-items-1--agrees');
	await page.fill('#f-ans-responder-title', '預金課');
}

async function assertTyped(page, note) {
	assert.equal(await page.isChecked('#f-ans-items-0--differs'), true);
	assert.equal(await page.inputValue('#f-ans-items-0--amount'), '1200000');
	assert.equal(await page.inputValue('#f-ans-items-0--note'), note);
	assert.equal(await page.isChecked('#f-ans-items-1--agrees'), true);
	assert.equal(await page.inputValue('#f-ans-responder-title'), '預金課');
}

/** Sample the visible progress bar (its value, or 'busy' when indeterminate) while
 * `until` runs; navigations in between are expected. */
async function sampleProgress(page, until) {
	const seen = [];
	let done = false;
	const finished = until().finally(() => { done = true; });
	while (!done) {
		try {
			const v = await page.evaluate(() => {
				const bar = document.querySelector('[data-progress]:not([hidden]) progress');
				if (!bar) return null;
				return bar.hasAttribute('value') ? bar.value : 'busy';
			});
			if (v !== null) seen.push(v);
		} catch { /* the page is navigating */ }
		await new Promise((r) => setTimeout(r, 40));
	}
	await finished;
	return seen;
}

async function throttle(ctx, page, bytesPerSecond) {
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20,
		downloadThroughput: -1, uploadThroughput: bytesPerSecond });
	return cdp;
}

test('without JavaScript: attach keeps everything typed, and the answer carries it', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const cid = conf.id;
	const note = 'Interest credited on 31 March <b>not bold</b>';
	const { ctx, page } = await contextFor(ra, 'ja', { javaScriptEnabled: false });
	await page.goto(`${env.baseUrl}/confirmations/${cid}/answer`);
	await typeAnswer(page, note);
	await page.setInputFiles('#f-ans-file', { name: 'balance-certificate.pdf', mimeType: 'application/pdf', buffer: PDF });
	await page.click('button[data-attach]');
	// The POST's own answer: the form again, filled in, with the file listed.
	assert.match(page.url(), new RegExp(`/confirmations/${cid}/documents\\?next=answer$`));
	await assertTyped(page, note);
	assert.match(await page.textContent('#attachments'), /balance-certificate\.pdf/);
	assert.equal(docs(cid), 1);
	// (axe and the phone-width check need scripting; the same markup is checked with it below.)
	await page.screenshot({ path: `${SHOTS}/answer-attached-nojs-ja-desktop.png`, fullPage: true });
	// Attach with no file chosen: said beside the field, still nothing lost.
	await page.click('button[data-attach]');
	assert.equal(await page.getAttribute('#f-ans-file', 'aria-invalid'), 'true');
	await assertTyped(page, note);
	await page.click('form[action$="/answer"] button.primary');
	assert.match(page.url(), new RegExp(`/confirmations/${cid}\\?m=msg\\.done$`));
	assert.equal(stored(cid), `1200000|${note}`);
	await ctx.close();
	noProblems();
});

test('with JavaScript: attach in the background, typed values untouched; a chosen file goes with the answer', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const cid = conf.id;
	const note = 'Differs by the interest of March';
	const { ctx, page } = await contextFor(ra, 'en');
	await page.goto(`${env.baseUrl}/confirmations/${cid}/answer?lang=en`);
	await typeAnswer(page, note);
	await page.setInputFiles('#f-ans-file', { name: 'balance-certificate.pdf', mimeType: 'application/pdf', buffer: PDF });
	await page.click('button[data-attach]');
	await page.waitForSelector('#attachments a[download]');
	assert.match(page.url(), new RegExp(`/confirmations/${cid}/answer\\?lang=en$`), 'the page was not left');
	assert.match(await page.textContent('#attachments'), /Attached: balance-certificate\.pdf/);
	await assertTyped(page, note);
	await axe(page, 'answer form after attaching (JS)');
	await shot(page, 'answer-attached-en');
	// A second file chosen and the answer sent at once: the file is attached first.
	await page.setInputFiles('#f-ans-file', { name: 'loan-letter.pdf', mimeType: 'application/pdf', buffer: PDF });
	await Promise.all([page.waitForURL(new RegExp(`/confirmations/${cid}\\?m=msg\\.done$`)),
		page.click('form[action$="/answer"] button.primary')]);
	assert.equal(docs(cid), 2);
	assert.equal(stored(cid), `1200000|${note}`);
	await ctx.close();
	noProblems();
});

test('a few MiB through a throttled connection: the progress bar moves, then the redirect', async () => {
	const e = await engagement();
	const { conf, ra } = await sendToRespondent(e);
	const cid = conf.id;
	const { ctx, page } = await contextFor(ra, 'ja');
	await page.goto(`${env.baseUrl}/confirmations/${cid}`);
	await page.setInputFiles('#f-doc-file', { name: 'ledger.pdf', mimeType: 'application/pdf', buffer: bigPdf(3) });
	const cdp = await throttle(ctx, page, 1024 * 1024);
	await page.click(`form[action="/confirmations/${cid}/documents"] button[type=submit]`);
	const label = await page.textContent('[data-progress]:not([hidden]) label');
	assert.ok(label.trim().length > 0, 'the progress bar is labelled');
	const seen = await sampleProgress(page, () => page.waitForURL(new RegExp(`/confirmations/${cid}\\?m=msg\\.saved$`), { timeout: 120000 }));
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
	const between = seen.filter((v) => typeof v === 'number' && v > 0 && v < 100);
	assert.ok(new Set(between).size >= 2, `intermediate values: ${JSON.stringify(seen)}`);
	assert.equal(await page.isVisible('a[download]:has-text("ledger.pdf")'), true);
	assert.equal(docs(cid), 1);
	await ctx.close();
	noProblems();
});

test('the import page: progress while the file goes, then the row report', async () => {
	const e = await engagement();
	const { ctx, page } = await contextFor(e.ca, 'en');
	await page.goto(`${env.baseUrl}/projects/${e.project.id}/import?lang=en`);
	await axe(page, 'import page');
	const head = 'group,type,form,respondent_organization,respondent_email,respondent_name,as_of,due_date,label,reference,currency,amount\n';
	const good = (i) => `${i},bank,positive,Bank ${i},bank${i}@example.test,Officer,2026-03-31,2026-04-30,Current account,,JPY,${1000 + i}\n`;
	let csv = `${head}1,bank,positive,A銀行,a@example.test,,2026-03-31,2026-04-30,普通預金,,JPY,10.5\n`;
	for (let i = 2; i < 1800; i++) csv += good(i);
	await page.setInputFiles('#f-imp-file', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	const cdp = await throttle(ctx, page, 48 * 1024);
	await page.click('form[enctype="multipart/form-data"] button[type=submit]');
	const seen = await sampleProgress(page, () => page.waitForSelector('#h-rows', { timeout: 120000 }));
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
	const between = seen.filter((v) => typeof v === 'number' && v > 0 && v < 100);
	assert.ok(new Set(between).size >= 2, `intermediate values: ${JSON.stringify(seen)}`);
	// Only the one bad row is reported (maybe with more than one problem), none of the good.
	const rows = await page.$$eval('section[aria-labelledby="h-rows"] tbody tr td:first-child', (l) => l.map((td) => td.textContent));
	assert.ok(rows.length >= 1 && new Set(rows).size === 1, JSON.stringify(rows));
	assert.equal(Number(sql(`SELECT count(*) FROM bgw.confirmations WHERE project_id = '${e.project.id}'`)), 0);
	await axe(page, 'import report after a background upload');
	await ctx.close();
	noProblems();
});
