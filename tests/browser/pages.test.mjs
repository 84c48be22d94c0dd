// pages.test.mjs: the HTML pages in Debian's Chromium (playwright-core), in Japanese and
// English, across the roles: sign-in, the project list and dashboard, the confirmation page
// with only the actions each role may take, client bulk authorisation, the audit team's
// address check, send and review.  Every free-text field carries an XSS payload that must
// render as text (no dialog, no CSP violation), axe-core finds no serious or critical
// violation on any page, and screenshots are saved at desktop and phone width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems, XSS } from './lib/harness.mjs';
import { uniqueEmail, tokenFromMail, accept, signIn, enterCode, sql } from '../integration/lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act } from '../integration/lib/engagement.mjs';

useBrowser();

test('static assets are content-hashed and served with long caching', async () => {
	const dir = path.join(process.env.BGW_SRCDIR ?? '.', 'cgi', 'static');
	for (const f of fs.readdirSync(dir).filter((n) => /^app\.[0-9a-f]{12}\.(css|js)$/.test(n))) {
		const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
		assert.equal(f.split('.')[1], hash.slice(0, 12), `${f}: rename it to its hash`);
	}
	const { ctx, page } = await contextFor(null);
	const res = await page.goto(`${env.baseUrl}/login`);
	assert.equal(res.status(), 200);
	const css = await page.$eval('link[rel=stylesheet]', (l) => l.href);
	const r2 = await ctx.request.get(css);
	assert.equal(r2.status(), 200);
	assert.match(r2.headers()['cache-control'], /max-age=31536000/);
	const h = res.headers();
	assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
	assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
	assert.equal(h['x-content-type-options'], 'nosniff');
	assert.match(h['cache-control'], /no-store/);
	await ctx.close();
	noProblems();
});

test('sign-in page in Japanese and English; a page without a session redirects to sign-in', async () => {
	const { ctx, page } = await contextFor(null);
	await page.goto(`${env.baseUrl}/projects`);
	assert.match(page.url(), /\/login\?next=%2Fprojects$/);
	assert.equal(await page.getAttribute('html', 'lang'), 'ja');
	assert.equal(await page.textContent('h1'), 'サインイン');
	await axe(page, 'login ja');
	await shot(page, 'login-ja');
	await page.click('a[hreflang=en]');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.equal(await page.textContent('h1'), 'Sign in');
	await shot(page, 'login-en');
	// A wrong password: the form again, with a message, in English (the cookie remembers).
	await page.fill('#f-email', 'nobody@example.test');
	await page.fill('#f-password', 'not-the-password-123');
	await page.click('button[type=submit].primary');
	assert.match(await page.textContent('.alert.err'), /not correct/);
	await axe(page, 'login failed');
	await ctx.close();
	noProblems();
});

let e;   // the engagement: aa, am, ca, cm (API clients), project, code
let conf;

/** Store an XSS payload behind the WAF's back (ModSecurity refuses it at the door): this
 * tests the second wall, the pages' own escaping. */
const q = (v) => `'${v.replace(/'/g, "''")}'`;

test('set up: an engagement whose every free-text field holds an XSS payload', async () => {
	e = await engagement();
	conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
	assert.equal(conf.status, 'draft');
	sql(`UPDATE bgw.projects SET name = ${q(XSS('project'))}, client_name = ${q(XSS('client'))} WHERE id = ${q(e.project.id)}`);
	sql(`UPDATE bgw.confirmations SET respondent_name = ${q(XSS('name'))} WHERE id = ${q(conf.id)}`);
	sql(`UPDATE bgw.organizations SET name = ${q(XSS('org'))} WHERE id = (SELECT respondent_org_id FROM bgw.confirmations WHERE id = ${q(conf.id)})`);
	sql(`UPDATE bgw.confirmation_items SET label = ${q(XSS('label'))}, reference = ${q(XSS('ref'))} WHERE confirmation_id = ${q(conf.id)} AND position = 0`);
	sql(`UPDATE bgw.users SET name = ${q(XSS('user'))} WHERE id = ${q(e.aa.user.id)}`);
	e.project.name = XSS('project');
});

test('a real sign-in through the form lands on the project list', async () => {
	const { ctx, page } = await contextFor(null);
	await page.goto(`${env.baseUrl}/login?next=/projects/${e.project.id}`);
	await page.fill('#f-email', e.am.email);
	await page.fill('#f-password', e.am.password);
	await page.click('button[type=submit].primary');
	assert.match(page.url(), new RegExp(`/projects/${e.project.id}$`));
	assert.equal(await page.textContent('h1'), e.project.name);
	// Sign out: the session is gone on the server.
	await page.click('.nav button.linklike');
	assert.match(page.url(), /\/login\?m=logout.done/);
	await page.goto(`${env.baseUrl}/projects`);
	assert.match(page.url(), /\/login/);
	await ctx.close();
	noProblems();
});

test('audit admin: project list, dashboard and a draft with only the draft actions (ja)', async () => {
	const { ctx, page } = await contextFor(e.aa, 'ja');
	await page.goto(`${env.baseUrl}/projects`);
	assert.equal(await page.textContent('h1'), 'プロジェクト一覧');
	await axe(page, 'projects');
	await shot(page, 'projects-ja');
	await page.click(`a[href="/projects/${e.project.id}"]`);
	assert.match(await page.textContent('.counts'), /下書き/);
	await axe(page, 'dashboard');
	await page.click(`a[href="/confirmations/${conf.id}"]`);
	// The payloads are text on the page, not markup.
	const body = await page.textContent('main');
	assert.ok(body.includes(XSS('label')) && body.includes(XSS('name')) && body.includes(XSS('ref')),
		'payloads shown as text');
	assert.ok((await page.textContent('header')).includes(XSS('user')));
	assert.equal(await page.$$eval('main img', (l) => l.length), 0);
	const buttons = await page.$$eval('.actions-box button', (l) => l.map((b) => b.textContent));
	assert.ok(buttons.includes('被監査会社に承認を依頼'), buttons.join('|'));
	assert.ok(!buttons.includes('承認する（発送に同意）'), 'the audit team cannot authorise');
	assert.ok(!buttons.includes('発送する'), 'a draft cannot be sent');
	await axe(page, 'confirmation draft');
	await shot(page, 'confirmation-draft-ja');
	await page.click('form[action$="/submit"] button');
	assert.match(page.url(), /m=msg\.done/);
	assert.match(await page.textContent('.facts'), /被監査会社の承認待ち/);
	await ctx.close();
	noProblems();
});

test('client member sees the request but no authorise button; client admin authorises in bulk (en)', async () => {
	{
		const { ctx, page } = await contextFor(e.cm, 'en');
		await page.goto(`${env.baseUrl}/confirmations/${conf.id}?lang=en`);
		const buttons = await page.$$eval('.actions-box button', (l) => l.map((b) => b.textContent));
		assert.ok(!buttons.some((b) => /Authorise/.test(b)), buttons.join('|'));
		await ctx.close();
	}
	const second = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank2')));
	await act(e.aa, second.id, 'submit');
	const { ctx, page } = await contextFor(e.ca, 'en');
	await page.goto(`${env.baseUrl}/projects/${e.project.id}?lang=en`);
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	await axe(page, 'dashboard bulk');
	await shot(page, 'dashboard-en');
	await page.check(`#pick-${conf.id}`);
	await page.check(`#pick-${second.id}`);
	await page.click('#bulk button[type=submit]');
	assert.match(await page.textContent('.alert.ok'), /2 confirmation\(s\) authorised/);
	await ctx.close();
	noProblems();
});

test('audit admin records the address check and sends; the respondent answers; the audit team reviews', async () => {
	const { ctx, page } = await contextFor(e.aa, 'en');
	await page.goto(`${env.baseUrl}/confirmations/${conf.id}?lang=en`);
	// Sending before the check is refused with a message, not a crash.
	await page.click('form[action$="/send"] button');
	assert.match(await page.textContent('main'), /Record the address check before sending/);
	await page.goto(`${env.baseUrl}/confirmations/${conf.id}`);
	await page.fill('#f-address-check-method', 'phone');
	await page.fill('#f-address-check-note', 'Called the main number; confirmed the department');
	await page.click('form[action$="/address-check"] button');
	sql(`UPDATE bgw.address_checks SET method = ${q(XSS('method'))}, note = ${q(XSS('note'))} WHERE confirmation_id = ${q(conf.id)}`);
	await page.reload();
	assert.ok((await page.textContent('.tl')).includes(XSS('method')));
	// The respondent's code travels by phone: the page after the send shows it this once.
	await page.check('#f-send-phone');
	await page.click('form[action$="/send"] button');
	assert.match(await page.textContent('.facts'), /Sent/);
	const respondentCode = (await page.textContent('[data-respondent-code] .code')).trim();
	assert.match(respondentCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	await axe(page, 'confirmation sent');
	await page.goto(`${env.baseUrl}/confirmations/${conf.id}`);
	assert.equal(await page.$('[data-respondent-code]'), null);
	// The phone note is lost: the audit admin issues a new code for a letter; the old one dies.
	await page.check('#f-respondent-code-letter');
	await page.click('form[action$="/respondent-code"] button');
	const reissued = (await page.textContent('[data-respondent-code] .code')).trim();
	assert.match(reissued, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	assert.notEqual(reissued, respondentCode);
	// The respondent opens its account from the mail and answers through the API.
	const cur = await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`);
	const email = cur.json().confirmation.respondent.email;
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name: '銀行 花子' });
	const ra = await signIn(email, password);
	const dead = await ra.request('POST', `/api/v1/projects/${e.project.id}/access`, { body: { code: respondentCode } });
	assert.equal(dead.status, 422);
	await enterCode(ra, e.project.id, reissued);
	const items = cur.json().confirmation.items;
	await act(ra, conf.id, 'response', {
		items: [{ item_id: items[0].id, agrees: false, amount: '1200000', note: 'Interest credited on 31 March' },
			{ item_id: items[1].id, agrees: true }],
		responder: { name: 'O\'Brien & 花子', title: '<Manager> "deposits"' },
	}, 201);
	await page.goto(`${env.baseUrl}/confirmations/${conf.id}`);
	assert.ok((await page.textContent('main')).includes('O\'Brien & 花子'));
	assert.match(await page.textContent('main'), /JPY 1,200,000/);
	await page.check('#f-review-exception');
	await page.fill('#f-review-note', 'Timing difference: interest posted after the as-of date');
	await page.click('form[action$="/review"] button');
	assert.match(await page.textContent('.facts'), /Exception/);
	await axe(page, 'confirmation exception');
	await shot(page, 'confirmation-answered-en');
	await page.fill('#f-resolve-amount', '50000');
	await page.fill('#f-resolve-note', 'Interest credited after the as-of date');
	await page.click('form[action$="/resolve"] button');
	assert.match(await page.textContent('.facts'), /Resolved/);
	await ctx.close();
	// The respondent's own view (ja): its answer is shown, and no audit action.
	const r = await contextFor(ra, 'ja');
	await r.page.goto(`${env.baseUrl}/confirmations/${conf.id}`);
	const buttons = await r.page.$$eval('.actions-box button', (l) => l.map((b) => b.textContent));
	assert.ok(!buttons.some((b) => /差異|発送/.test(b)), buttons.join('|'));
	await axe(r.page, 'respondent view');
	await r.ctx.close();
	noProblems();
});

test('a confirmation of another project is a 404 page, not a hint', async () => {
	const { ctx, page } = await contextFor(e.cm, 'ja');
	const res = await page.goto(`${env.baseUrl}/confirmations/does-not-exist`);
	assert.equal(res.status(), 404);
	assert.match(await page.textContent('main'), /ページが見つからないか/);
	await axe(page, 'error page');
	await ctx.close();
	noProblems();
});
