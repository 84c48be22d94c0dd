// desk.test.mjs: a certified bank's response desk in Debian's Chromium (playwright-core), in
// Japanese and English: the desk's queue with due dates, overdue and what waits for whom;
// the desk selects a request and routes it to a branch (a plain form, no script needed);
// the branch's member prepares the answer (maker, through the API here: the answer form
// has its own browser tests); the desk's approver approves it on the confirmation page
// (checker), and the queue then shows it waiting for the audit team.  axe-core finds no
// serious or critical violation; screenshots go to docs/screenshots/desk-*.png
// (docs/user-guide.md, "For bank desks").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems } from './lib/harness.mjs';
import { addMember } from '../integration/lib/world.mjs';
import { engagement } from '../integration/lib/engagement.mjs';
import { operator, registerBank, sendPicked, openFromMail } from '../integration/lib/certified.mjs';

useBrowser();

let op;

/** A bank with a request at its desk and one at branch 123; its desk user, the branch's
 * admin (the branch address's account) and a member the branch admin brought in. */
async function world() {
	op ??= await operator();
	const bank = await registerBank(op);
	const e = await engagement();
	const a = await sendPicked(e, bank);
	const c = await sendPicked(e, bank, '123', { due_date: '2027-01-29' });
	const desk = await openFromMail(bank.desk_email, '窓口 一郎');
	const b123 = await openFromMail(bank.branches[1].email, '新宿 支店長');
	const m123 = await addMember(b123, e.project.id, 'respondent', false);
	return { bank, e, a, c, desk, b123, m123 };
}

for (const lang of ['ja', 'en']) {
	const words = lang === 'ja'
		? { title: '回答窓口', desk: '回答窓口の回答作成', branch: '支店・部署の回答作成', audit: '監査チームの確認', routed: '回付しました', overdue: '期限超過' }
		: { title: 'Response desk', desk: "The desk's answer", branch: "The branch's answer", audit: "The audit team's review", routed: 'Routed', overdue: 'Overdue' };

	test(`the desk routes a request to a branch and approves the branch's answer (${lang})`, async () => {
		const w = await world();
		const { ctx, page } = await contextFor(w.desk, lang);
		await page.goto(`${env.baseUrl}/desk?lang=${lang}`);
		assert.equal((await page.textContent('h1')).trim(), words.title);
		const rowOf = (conf) => page.locator('#queue tbody tr', { hasText: conf.reference });
		assert.match(await rowOf(w.a).textContent(), new RegExp(words.desk));
		assert.match(await rowOf(w.a).textContent(), new RegExp(words.overdue));
		assert.match(await rowOf(w.c).textContent(), new RegExp(words.branch));
		await axe(page, `desk ${lang}`);
		await shot(page, `desk-queue-${lang}`);

		// Route A to branch 123: tick it, choose the branch, send the form.
		await page.check(`input[name=cid][value="${w.a.id}"]`);
		await page.selectOption('#f-route-branch', '123');
		await Promise.all([page.waitForURL(/\/desk\?routed=1/), page.click('#route button[type=submit]')]);
		assert.match(await page.textContent('main'), new RegExp(words.routed));
		assert.match(await rowOf(w.a).textContent(), /123/);
		assert.match(await rowOf(w.a).textContent(), new RegExp(words.branch));
		// Filtered by the branch: both requests are there now.
		await page.selectOption('#f-branch', '123');
		await Promise.all([page.waitForURL(/branch_code=123/), page.click('form.filters button[type=submit]')]);
		assert.equal(await page.locator('#queue tbody tr').count(), 2);
		await axe(page, `desk routed ${lang}`);
		await shot(page, `desk-routed-${lang}`);

		// The branch's member prepares A's answer (maker).
		const got = (await w.m123.request('GET', `/api/v1/confirmations/${w.a.id}`)).json().confirmation;
		const made = await w.m123.request('POST', `/api/v1/confirmations/${w.a.id}/response`, { body: {
			items: got.items.map((i) => ({ item_id: i.id, agrees: true })),
			responder: { name: '新宿 花子', title: '主任' } } });
		assert.equal(made.status, 201, made.body);

		// The desk's approver checks it on the confirmation's page.
		await page.goto(`${env.baseUrl}/confirmations/${w.a.id}?lang=${lang}`);
		await page.fill('form[action$="/approve"] input[name=approver_title]', lang === 'ja' ? '次長' : 'Deputy manager');
		await axe(page, `desk approve ${lang}`);
		await shot(page, `desk-approve-${lang}`);
		await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/approve"] button[type=submit]')]);
		const after = (await w.desk.request('GET', `/api/v1/confirmations/${w.a.id}`)).json().confirmation;
		assert.equal(after.status, 'answered');
		await page.goto(`${env.baseUrl}/desk?lang=${lang}`);
		assert.match(await rowOf(w.a).textContent(), new RegExp(words.audit));
		await ctx.close();

		// The branch's own view: its requests, no routing form.
		const b = await contextFor(w.b123, lang);
		await b.page.goto(`${env.baseUrl}/desk?lang=${lang}`);
		assert.equal(await b.page.locator('#route').count(), 0);
		await axe(b.page, `branch queue ${lang}`);
		await shot(b.page, `desk-branch-${lang}`);
		await b.ctx.close();
		noProblems();
	});
}
