// desk.test.mjs: a respondent desk's bulk answers in a real browser (issue 17, item 4), in
// Japanese and English.  From the inbox a member opens the desk page, downloads the open
// requests as CSV through its link, uploads a sheet with a bad row (nothing recorded, the
// row named in the table), then the filled-in sheet (recorded, waiting for approval); the
// admin chooses the waiting answers on the same page and approves them at once, after a
// member's try was refused per answer.  axe-core on every state; screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems } from './lib/harness.mjs';
import {
	engagement, sendToRespondent, respondentMember, createConfirmation, confirmationBody, act,
	sendConfirmation,
} from '../integration/lib/engagement.mjs';

useBrowser();

const statusOf = async (c, id) =>
	(await c.request('GET', `/api/v1/confirmations/${id}`)).json().confirmation.status;

/** The sheet with agrees filled in on every item row of refs (CSV lines, naive split: the
 * test's labels hold no comma). */
function fill(csv, refs, agrees) {
	return csv.split('\r\n').map((l, i) => {
		if (i === 0 || l === '') return l;
		const f = l.split(',');
		if (refs.includes(f[0]) && f[1] !== '') f[6] = agrees;
		return f.join(',');
	}).join('\r\n');
}

test('the desk downloads, uploads and approves a selection (ja, then en)', async () => {
	const e = await engagement();
	const first = await sendToRespondent(e);
	const ra = first.ra;
	const second = await createConfirmation(e.aa, e.project.id, confirmationBody(first.email));
	await act(e.aa, second.id, 'submit');
	await act(e.ca, second.id, 'authorize');
	await sendConfirmation(e, second);
	const rm = await respondentMember(e, ra);
	const refs = [first.conf.reference, second.reference];

	// The member, in Japanese: the inbox leads to the desk.
	let { ctx, page } = await contextFor(rm, 'ja');
	await page.goto(`${env.baseUrl}/inbox`);
	await Promise.all([page.waitForURL(/\/inbox\/desk$/), page.click('a[href="/inbox/desk"]')]);
	assert.equal(await page.textContent('h1'), '一括回答（回答窓口）');
	const [dl] = await Promise.all([page.waitForEvent('download'),
		page.click('a[href="/api/v1/inbox/open.csv"]')]);
	const csv = fs.readFileSync(await dl.path(), 'utf8');
	assert.match(csv, /^\uFEFF参照番号,項目ID/);
	for (const r of refs) assert.ok(csv.includes(r), `${r} in the sheet`);
	// A bad row: nothing recorded, the row named.
	await page.setInputFiles('#f-desk-file', { name: 'answers.csv', mimeType: 'text/csv',
		buffer: Buffer.from(fill(csv, refs, 'たぶん')) });
	await page.click('form[action="/inbox/desk"] button[type=submit]');
	assert.match(await page.textContent('[role=alert]'), /何も登録されませんでした/);
	assert.match(await page.textContent('table'), /2agrees/, 'row 2, column agrees');
	assert.match(await page.textContent('table'), /yes or no/);
	for (const c of [first.conf, second]) assert.notEqual(await statusOf(ra, c.id), 'awaiting_respondent_approval');
	await axe(page, 'desk with bad rows (ja)');
	// The good sheet: recorded, waiting for approval.
	await page.setInputFiles('#f-desk-file', { name: 'answers.csv', mimeType: 'text/csv',
		buffer: Buffer.from(fill(csv, refs, 'はい')) });
	await Promise.all([page.waitForURL(/\/inbox\/desk\?m=msg\.saved$/),
		page.click('form[action="/inbox/desk"] button[type=submit]')]);
	for (const c of [first.conf, second]) assert.equal(await statusOf(ra, c.id), 'awaiting_respondent_approval');
	await axe(page, 'desk after upload (ja)');
	await shot(page, 'desk-ja');
	// A member may not approve: each answer says why, nothing is approved.
	await page.check(`#sel-${second.id}`);
	await page.click('form[action="/inbox/desk/approve"] button[type=submit]');
	assert.match(await page.textContent('ul.results'), /承認する権限がありません/);
	assert.equal(await statusOf(ra, second.id), 'awaiting_respondent_approval');
	await ctx.close();

	// The admin, in English, approves both at once.
	({ ctx, page } = await contextFor(ra, 'en'));
	await page.goto(`${env.baseUrl}/inbox/desk?lang=en`);
	assert.equal(await page.textContent('h1'), 'Bulk answers (response desk)');
	await page.check(`#sel-${first.conf.id}`);
	await page.check(`#sel-${second.id}`);
	await page.fill('#f-approver-title', 'Manager');
	await axe(page, 'desk approval (en)');
	await shot(page, 'desk-en');
	await Promise.all([page.waitForURL(/\/inbox\/desk\?m=msg\.done$/),
		page.click('form[action="/inbox/desk/approve"] button[type=submit]')]);
	for (const c of [first.conf, second]) assert.equal(await statusOf(e.aa, c.id), 'answered');
	assert.match(await page.textContent('main'), /No answers are waiting for approval/);
	await ctx.close();
	noProblems();
});
