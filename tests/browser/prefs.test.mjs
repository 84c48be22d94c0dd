// prefs.test.mjs: the notification preferences on the account page (issue 22), in Japanese
// and English, without JavaScript needed: the choices shown, saved through the form, read
// back through the JSON API; axe-core clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, noProblems } from './lib/harness.mjs';
import { engagement } from '../integration/lib/engagement.mjs';

useBrowser();

test('account page: digest weekly and overdue alerts off, saved and shown again', async () => {
	const e = await engagement();
	const labels = {};
	for (const lang of ['ja', 'en']) {
		const { ctx, page } = await contextFor(e.aa, lang);
		await page.goto(`${env.baseUrl}/account?lang=${lang}`);
		labels[lang] = (await page.textContent('#h-prefs')).trim();
		assert.equal(await page.inputValue('#f-digest'), 'daily', 'the default');
		assert.equal(await page.isChecked('#f-overdue-alerts'), true, 'the default');
		await axe(page, `account notifications ${lang}`);
		await ctx.close();
	}
	assert.notEqual(labels.ja, labels.en);

	const { ctx, page } = await contextFor(e.aa, 'ja');
	await page.goto(`${env.baseUrl}/account`);
	await page.selectOption('#f-digest', 'weekly');
	await page.uncheck('#f-overdue-alerts');
	await page.click('form[action="/me/notifications"] button[type=submit]');
	assert.match(page.url(), /\/account\?m=msg\.saved$/);
	assert.equal(await page.inputValue('#f-digest'), 'weekly');
	assert.equal(await page.isChecked('#f-overdue-alerts'), false);
	await ctx.close();
	const r = await e.aa.request('GET', '/api/v1/me/notifications');
	assert.deepEqual(r.json().notifications, { digest: 'weekly', overdue_alerts: false, answer_mail: false });
	// Another user's settings are their own.
	const other = await e.am.request('GET', '/api/v1/me/notifications');
	assert.equal(other.json().notifications.digest, 'daily');
	noProblems();
});
