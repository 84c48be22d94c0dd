// journey.test.mjs: the first-time respondent's journey in a real browser (issue 17 item
// 6), in Japanese and in English: from the request mail's link (read from the SMTP sink) to
// the sealed receipt, counting document navigations (a link followed or a form sent; the
// redirects a form's answer makes belong to it): at most three.  Without JavaScript, as the
// journey needs none.  axe-core on each page; screenshots docs/screenshots/journey-*.png
// for the user guide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems } from './lib/harness.mjs';
import { sql, uniqueEmail, newPassword } from '../integration/lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendConfirmation } from '../integration/lib/engagement.mjs';
import { requestLink } from '../integration/lib/journey.mjs';

useBrowser();

const W = {
	ja: { title: '確認状へのご回答', receipt: /確認状回答控え/, verify: '参照番号を確認する' },
	en: { title: 'Answering an audit confirmation request', receipt: /Receipt of a confirmation answer/, verify: 'Check the reference' },
};

// With scripting (axe-core and the phone-width screenshots need it) in both languages, and
// once without (the journey needs none).
for (const [lang, js] of [['ja', true], ['en', true], ['en', false]]) {
	test(`${lang}${js ? '' : ', without JavaScript'}: from the mail link to the sealed receipt in three screens`, async () => {
		const check = async (label, name) => {
			if (!js) return;
			await axe(page, `${label} ${lang}`);
			await shot(page, `${name}-${lang}`);
		};
		const e = await engagement();
		const email = uniqueEmail(`browser-journey-${lang}`);
		const body = confirmationBody(email);
		body.respondent = { ...body.respondent, locale: lang };
		const conf = await createConfirmation(e.aa, e.project.id, body);
		await act(e.aa, conf.id, 'submit');
		await act(e.ca, conf.id, 'authorize');
		const code = (await sendConfirmation(e, conf)).respondent_code;
		const link = await requestLink(email);

		// A browser whose own language is the other one: the pages follow the addressee's.
		const { ctx, page } = await contextFor(null, lang === 'ja' ? 'en' : 'ja', { javaScriptEnabled: js });
		let navigations = 0;
		page.on('request', (r) => {
			if (r.isNavigationRequest() && r.frame() === page.mainFrame() && !r.redirectedFrom()) navigations++;
		});

		// Screen 1: who asks, how to check it, code and password in one form.
		await page.goto(`${env.baseUrl}${link}`);
		assert.equal(await page.getAttribute('html', 'lang'), lang);
		assert.equal((await page.textContent('h1')).trim(), W[lang].title);
		const facts = await page.textContent('#journey-facts');
		for (const s of [e.aa.firm, '株式会社サンプル商事', conf.reference]) assert.ok(facts.includes(s), `${s} in ${facts}`);
		assert.equal(await page.getAttribute('#journey-verify', 'href'), `/verify?reference=${conf.reference}`);
		assert.ok((await page.textContent('#journey-verify')).includes(W[lang].verify));
		await check('journey first page', 'journey-1');
		await page.fill('#f-jr-code', code);
		await page.fill('#f-jr-password', newPassword('browser-journey'));
		await page.click('#journey-form button[type="submit"]');

		// Screen 2: the answer form.
		assert.match(page.url(), new RegExp(`/confirmations/${conf.id}/answer`));
		assert.equal(await page.getAttribute('html', 'lang'), lang);
		await page.check('#f-ans-items-0--agrees');
		await page.check('#f-ans-items-1--agrees');
		await check('journey answer form', 'journey-2');
		await page.click('form[action$="/answer"] button.primary');

		// Screen 3: the sealed receipt; the answer is final at once.
		assert.match(page.url(), new RegExp(`/confirmations/${conf.id}/receipt`));
		assert.match(await page.textContent('h1'), W[lang].receipt);
		assert.match(await page.textContent('main'), /[0-9a-f]{64}/, 'the seal');
		await check('journey receipt', 'journey-3');
		assert.equal(navigations, 3, 'document navigations from the mail link to the receipt');
		assert.equal(sql(`SELECT status FROM bgw.confirmations WHERE id = '${conf.id}'`), 'answered');
		await ctx.close();
		noProblems();
	});
}
