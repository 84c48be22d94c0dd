// lifecycle.test.mjs: the whole confirmation lifecycle through the HTML pages, across all
// six roles, in Japanese and in English: the audit member creates the request in the form
// (a mistake shown beside its field first), the audit admin submits, the client admin
// authorises (the client member cannot), the audit member records the address check, the
// audit admin sends; the respondent member finds it in the inbox, attaches a file and
// answers; the respondent admin approves; the audit team reviews an exception and resolves
// it with a reconciling item; comments keep their visibility; the receipt prints with its
// seal.  Then a bulk import through the import page, with its row-by-row error report.
// Every free-text field rendered holds an XSS payload stored behind the WAF's back: it
// must show as text (no dialog, no CSP violation); axe-core finds no serious or critical
// violation on any of these pages; screenshots go to docs/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor as signedIn, axe, shot, noProblems, XSS, q } from './lib/harness.mjs';
import { uniqueEmail, tokenFromMail, accept, signIn, enterCode, sql } from '../integration/lib/world.mjs';
import { engagement, respondentMember } from '../integration/lib/engagement.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

useBrowser();

/** A signed-in context in lang, set once through the language switch (?lang= is
 * remembered in a cookie). */
async function contextFor(c, lang) {
	const r = await signedIn(c, lang);
	await r.page.goto(`${env.baseUrl}/projects?lang=${lang}`);
	return r;
}

async function buttons(page) {
	return page.$$eval('.actions-box button, .actions-box a.button', (l) => l.map((b) => b.getAttribute('class') + ':' + b.closest('form')?.getAttribute('action') + ':' + b.getAttribute('href')));
}

/** The words the pages use, per language. */
const W = {
	ja: { newTitle: '確認状の作成', sent: '発送済', awaiting: '回答の承認待ち', answered: '回答済', exception: '差異あり', resolved: '差異解消', inbox: '受信した確認依頼' },
	en: { newTitle: 'New confirmation', sent: 'Sent', awaiting: 'Awaiting approval', answered: 'Answered', exception: 'Exception', resolved: 'Resolved', inbox: 'Confirmation requests' },
};

for (const lang of ['ja', 'en']) {
	test(`the whole lifecycle through the pages, six roles (${lang})`, async () => {
		const e = await engagement();
		const email = uniqueEmail(`bank-${lang}`);

		// 1. The audit member creates the request in the form; a JPY amount with decimals
		//    comes back beside its field, the rest of the form kept.
		const am = await contextFor(e.am, lang);
		await am.page.goto(`${env.baseUrl}/projects/${e.project.id}`);
		await am.page.click(`a[href="/projects/${e.project.id}/confirmations/new"]`);
		assert.equal(await am.page.textContent('h1'), W[lang].newTitle);
		await axe(am.page, 'new confirmation form');
		await am.page.selectOption('#f-conf-type', 'bank');
		await am.page.fill('#f-conf-respondent-organization', 'みなと銀行 本店');
		await am.page.fill('#f-conf-respondent-email', email);
		await am.page.fill('#f-conf-respondent-name', '残高確認ご担当者');
		await am.page.fill('#f-conf-as-of', '2026-03-31');
		await am.page.fill('#f-conf-due-date', '2026-04-30');
		await am.page.fill('#f-conf-items-0--label', '普通預金');
		await am.page.fill('#f-conf-items-0--reference', '001-1234567');
		await am.page.fill('#f-conf-items-0--currency', 'JPY');
		await am.page.fill('#f-conf-items-0--amount', '1250000.5');
		await am.page.fill('#f-conf-items-1--label', 'USD current account');
		await am.page.fill('#f-conf-items-1--currency', 'USD');
		await am.page.fill('#f-conf-items-1--amount', '1042.50');
		await am.page.click('form.card button[type=submit]');
		assert.equal(await am.page.getAttribute('#f-conf-items-0--amount', 'aria-invalid'), 'true');
		assert.equal(await am.page.inputValue('#f-conf-respondent-email'), email);
		assert.ok(await am.page.isVisible('#errors'));
		await axe(am.page, 'form with errors');
		await shot(am.page, `conf-form-errors-${lang}`);
		await am.page.fill('#f-conf-items-0--amount', '1250000');
		await am.page.click('form.card button[type=submit]');
		assert.match(am.page.url(), /\/confirmations\/[A-Za-z0-9_-]+\?m=msg\.saved$/);
		const cid = am.page.url().match(/\/confirmations\/([A-Za-z0-9_-]+)\?/)[1];
		// The edit form opens filled in.
		await am.page.goto(`${env.baseUrl}/confirmations/${cid}/edit`);
		assert.equal(await am.page.inputValue('#f-conf-items-1--amount'), '1042.50');
		await axe(am.page, 'edit form');

		// Payloads in every free-text field of the confirmation.
		sql(`UPDATE bgw.confirmations SET respondent_name = ${q(XSS('name'))} WHERE id = ${q(cid)}`);
		sql(`UPDATE bgw.confirmation_items SET label = ${q(XSS('label'))}, reference = ${q(XSS('ref'))} WHERE confirmation_id = ${q(cid)} AND position = 0`);

		// 2. The audit admin submits; the client member may not authorise; the client admin does.
		const aa = await contextFor(e.aa, lang);
		await aa.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		assert.ok((await aa.page.textContent('main')).includes(XSS('label')));
		await aa.page.click('form[action$="/submit"] button');
		const cm = await contextFor(e.cm, lang);
		await cm.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		assert.equal(await cm.page.$('form[action$="/authorize"]'), null);
		const ca = await contextFor(e.ca, lang);
		await ca.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		await ca.page.click('form[action$="/authorize"] button');
		assert.match(ca.page.url(), /m=msg\.done/);

		// 3. The audit member records the address check; the audit admin sends.
		await am.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		await am.page.fill('#f-address-check-method', 'phone');
		await am.page.fill('#f-address-check-note', '代表番号に架電し担当部署を確認');
		await am.page.click('form[action$="/address-check"] button');
		await aa.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		await aa.page.check('#f-send-letter');
		await aa.page.click('form[action$="/send"] button');
		assert.match(await aa.page.textContent('.facts'), new RegExp(W[lang].sent));
		const respondentCode = (await aa.page.textContent('[data-respondent-code] .code')).trim();

		// 4. The respondent admin opens its account from the mail and invites a member.
		const token = await tokenFromMail(email, '/invitation');
		const { password } = await accept(token, { name: '銀行 花子' });
		const raC = await signIn(email, password);
		await enterCode(raC, e.project.id, respondentCode);
		raC.respondentCode = respondentCode;
		const rmC = await respondentMember(e, raC);

		// 5. The respondent member: inbox, the request, an attachment, the answer.
		const rm = await contextFor(rmC, lang);
		await rm.page.goto(`${env.baseUrl}/inbox`);
		assert.equal(await rm.page.textContent('h1'), W[lang].inbox);
		await axe(rm.page, 'inbox');
		await shot(rm.page, `inbox-${lang}`);
		await rm.page.click(`a[href="/confirmations/${cid}"]`);
		await rm.page.click(`a[href="/confirmations/${cid}/answer"]`);
		await rm.page.setInputFiles('#f-ans-file', { name: 'balance-certificate.pdf', mimeType: 'application/pdf', buffer: PDF });
		await rm.page.click('button[data-attach]');
		await rm.page.waitForSelector('#attachments a[download]');
		await rm.page.check('#f-ans-items-0--differs');
		await rm.page.fill('#f-ans-items-0--amount', '1200000');
		await rm.page.fill('#f-ans-items-0--note', 'Interest credited on 31 March');
		await rm.page.check('#f-ans-items-1--agrees');
		await rm.page.fill('#f-ans-extra-items-0--label', '定期預金');
		await rm.page.fill('#f-ans-extra-items-0--currency', 'JPY');
		await rm.page.fill('#f-ans-extra-items-0--amount', '5000000');
		await rm.page.fill('#f-ans-responder-title', '預金課');
		await axe(rm.page, 'answer form');
		await shot(rm.page, `answer-${lang}`);
		await rm.page.click('form[action$="/answer"] button.primary');
		assert.match(await rm.page.textContent('.facts'), new RegExp(W[lang].awaiting));
		// The attachment is listed with a download link.
		assert.ok(await rm.page.isVisible('a[href^="/api/v1/documents/"]'));
		sql(`UPDATE bgw.response_items SET note = ${q(XSS('note'))} WHERE note IS NOT NULL AND response_id IN (SELECT id FROM bgw.responses WHERE confirmation_id = ${q(cid)})`);
		sql(`UPDATE bgw.response_extra_items SET label = ${q(XSS('extra'))} WHERE response_id IN (SELECT id FROM bgw.responses WHERE confirmation_id = ${q(cid)})`);

		// 6. The respondent admin approves.
		const ra = await contextFor(raC, lang);
		await ra.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		await ra.page.fill('#f-approve-approver-title', '支店長');
		await ra.page.click('form[action$="/approve"] button');
		assert.match(await ra.page.textContent('.facts'), new RegExp(W[lang].answered));

		// 7. The audit team: comments keep their threads; review an exception and resolve.
		await aa.page.goto(`${env.baseUrl}/confirmations/${cid}`);
		const main = await aa.page.textContent('main');
		assert.ok(main.includes(XSS('note')) && main.includes(XSS('extra')), 'answer payloads as text');
		assert.ok(await aa.page.isVisible('#h-hist'), 'the audit team sees the history');
		await aa.page.selectOption('#f-comment-thread', 'audit_respondent');
		await aa.page.fill('#f-comment-body', 'Please send the interest statement');
		await aa.page.click('form[action$="/comments"] button');
		sql(`UPDATE bgw.comments SET body = ${q(XSS('comment'))} WHERE confirmation_id = ${q(cid)}`);
		await ra.page.reload();
		assert.ok((await ra.page.textContent('main')).includes(XSS('comment')));
		await cm.page.reload();
		assert.ok(!(await cm.page.textContent('main')).includes(XSS('comment')), 'the client does not read the respondent thread');
		assert.equal(await cm.page.$('#h-hist'), null, 'the client sees no history');
		await aa.page.reload();
		await aa.page.check('#f-review-exception');
		await aa.page.fill('#f-review-note', 'Timing difference');
		await aa.page.click('form[action$="/review"] button');
		assert.match(await aa.page.textContent('.facts'), new RegExp(W[lang].exception));
		await aa.page.selectOption('#f-resolve-kind', 'timing_difference');
		await aa.page.fill('#f-resolve-amount', '1.5');
		await aa.page.fill('#f-resolve-note', 'Interest credited after the as-of date');
		await aa.page.click('form[action$="/resolve"] button');
		assert.equal(await aa.page.getAttribute('#f-resolve-amount', 'aria-invalid'), 'true');
		await aa.page.fill('#f-resolve-amount', '-50000');
		await aa.page.fill('#f-resolve-note', 'Interest credited after the as-of date');
		await aa.page.click('form[action$="/resolve"] button');
		assert.match(await aa.page.textContent('.facts'), new RegExp(W[lang].resolved));
		await axe(aa.page, 'resolved confirmation');
		await shot(aa.page, `conf-resolved-${lang}`);

		// 8. The receipt: the audit team and the respondent; the seal shows in print.
		await aa.page.click(`a[href="/confirmations/${cid}/receipt"]`);
		await axe(aa.page, 'receipt');
		await aa.page.emulateMedia({ media: 'print' });
		assert.ok(await aa.page.isVisible('.receipt .seal'));
		assert.match(await aa.page.textContent('.receipt .seal'), /^[0-9a-f]{64}$/);
		assert.equal(await aa.page.isVisible('header.top'), false);
		const pdf = await aa.page.pdf({ format: 'A4' });
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		await shot(aa.page, `receipt-${lang}`);
		await aa.page.emulateMedia({ media: 'screen' });
		const rres = await ra.page.goto(`${env.baseUrl}/confirmations/${cid}/receipt`);
		assert.equal(rres.status(), 200);
		const cres = await cm.page.goto(`${env.baseUrl}/confirmations/${cid}/receipt`);
		assert.equal(cres.status(), 403);

		// 9. Bulk import through the page: a bad file lists its rows, a good one is stored.
		await ca.page.goto(`${env.baseUrl}/projects/${e.project.id}/import`);
		await axe(ca.page, 'import');
		const head = 'group,type,form,respondent_organization,respondent_email,respondent_name,as_of,due_date,label,reference,currency,amount\n';
		const bad = `${head}1,bank,positive,A銀行,a@example.test,,2026-03-31,2026-04-30,普通預金,,JPY,10.5\n2,bank,positive,B銀行,not-an-email,,2026-03-31,2026-04-30,当座預金,,JPY,100\n`;
		await ca.page.setInputFiles('#f-imp-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
		await ca.page.click('form[enctype="multipart/form-data"] button');
		// Sent in the background with a progress bar: the report replaces the page.
		await ca.page.waitForSelector('#h-rows');
		assert.ok((await ca.page.$$('section[aria-labelledby="h-rows"] tbody tr')).length >= 2);
		await axe(ca.page, 'import errors');
		await shot(ca.page, `import-errors-${lang}`);
		const good = `${head}1,bank,positive,A銀行,${uniqueEmail('a')},担当,2026-03-31,2026-04-30,普通預金,,JPY,10\n2,payable,positive,B商事,${uniqueEmail('b')},担当,2026-03-31,2026-04-30,買掛金,,JPY,100\n`;
		await ca.page.setInputFiles('#f-imp-file', { name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
		await ca.page.click('form[enctype="multipart/form-data"] button');
		await ca.page.waitForURL(new RegExp(`/projects/${e.project.id}\\?m=msg\\.saved$`));

		for (const c of [am, aa, cm, ca, rm, ra]) await c.ctx.close();
		noProblems();
	});
}
