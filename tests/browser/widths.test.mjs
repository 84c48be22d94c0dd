// widths.test.mjs: pages that read well at every width, and the history in words (issue 22
// item 5).  Every page of the product, as each side (audit, client, respondent, and no one
// signed in), in Japanese and English, at desktop (1280 px) and phone (390 px) width: no
// table is wider than its container and the page itself never scrolls sideways.  On the
// confirmation page the items table stays beside the actions box, not under it.  The
// history shows events in words of the page's language, the changes of state first, and
// every view of the answer folded into one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, noProblems } from './lib/harness.mjs';
import { uniqueEmail } from '../integration/lib/world.mjs';
import { engagement, sendToRespondent, createConfirmation, confirmationBody } from '../integration/lib/engagement.mjs';

useBrowser();

const WIDTHS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const LANGS = ['ja', 'en'];

let e, answered, draft, ra;

test('set up: an engagement with an answered confirmation viewed several times, and a draft', async () => {
	e = await engagement();
	const sent = await sendToRespondent(e);
	answered = sent.conf;
	ra = sent.ra;
	const full = (await ra.request('GET', `/api/v1/confirmations/${answered.id}`)).json().confirmation;
	const res = await ra.request('POST', `/api/v1/confirmations/${answered.id}/response`, { body: {
		items: full.items.map((i) => ({ item_id: i.id, agrees: false,
			amount: i.currency === 'JPY' ? '999999999999' : '999999999.99',
			note: '差異の理由：期末日の入金の計上時期のずれによるもの' })),
		responder: { name: '銀行 次郎', title: '担当' } } });
	assert.equal(res.status, 201, res.body);
	draft = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('bank')));
});

/** The pages of each side: every page route of the product that side may open. */
function pagesOf(side) {
	const p = e.project.id;
	const c = answered.id;
	const common = ['/account', '/help', '/verify'];
	if (side === 'audit') return ['/projects', `/projects/${p}`, `/projects/${p}/access`,
		`/projects/${p}/confirmations/new`, `/projects/${p}/import`, `/projects/${p}/members`,
		`/projects/${p}/documents`, `/projects/${p}/reminders`, `/projects/${p}/audit-log`,
		`/confirmations/${c}`, `/confirmations/${c}/receipt`, `/confirmations/${draft.id}`,
		`/confirmations/${draft.id}/edit`, ...common];
	if (side === 'client') return ['/projects', `/projects/${p}`, `/projects/${p}/members`,
		`/projects/${p}/documents`, `/confirmations/${c}`, `/confirmations/${draft.id}`, ...common];
	if (side === 'respondent') return ['/inbox', '/inbox/desk', `/confirmations/${c}`, ...common];
	return ['/login', '/password-reset', '/help', '/verify'];
}

/** Every table wider than its container (cut off or scrolling inside it), and whether
 * the page itself scrolls sideways. */
async function overflows(page) {
	return page.evaluate(() => {
		const bad = [];
		for (const t of document.querySelectorAll('table')) {
			const box = t.parentElement;
			if (t.scrollWidth > box.clientWidth + 1 || t.getBoundingClientRect().right >
				box.getBoundingClientRect().right + 1)
				bad.push(`table ${t.id || t.className || t.querySelector('caption')?.textContent || ''}` +
					` ${t.scrollWidth}px in ${box.tagName.toLowerCase()}.${box.className} ${box.clientWidth}px`);
		}
		const doc = document.documentElement;
		if (doc.scrollWidth > doc.clientWidth + 1) bad.push(`page ${doc.scrollWidth}px wide`);
		return bad;
	});
}

for (const side of ['audit', 'client', 'respondent', 'none']) {
	test(`no table overflows at 1280 or 390 px, ja and en: ${side}`, async () => {
		const who = { audit: e.aa, client: e.ca, respondent: ra, none: null }[side];
		const problems = [];
		let seen = 0;
		for (const lang of LANGS) {
			const { ctx, page } = await contextFor(who, lang);
			for (const viewport of WIDTHS) {
				await page.setViewportSize(viewport);
				for (const url of pagesOf(side)) {
					const res = await page.goto(`${env.baseUrl}${url}?lang=${lang}`);
					if (res.status() !== 200) continue; // a page this side may not open
					seen++;
					for (const p of await overflows(page)) problems.push(`${lang} ${viewport.width}px ${url}: ${p}`);
				}
			}
			await ctx.close();
		}
		assert.ok(seen >= pagesOf(side).length, `${side}: only ${seen} pages opened`);
		assert.deepEqual(problems, []);
		noProblems();
	});
}

test('the confirmation page at desktop width: the items table beside the actions box, not cut off', async () => {
	for (const lang of LANGS) {
		const { ctx, page } = await contextFor(e.aa, lang);
		await page.goto(`${env.baseUrl}/confirmations/${answered.id}?lang=${lang}`);
		const g = await page.evaluate(() => {
			const box = document.querySelector('.actions-box').getBoundingClientRect();
			return [...document.querySelectorAll('main table')].map((t) => {
				const r = t.getBoundingClientRect();
				return { right: r.right, top: r.top, bottom: r.bottom, boxLeft: box.left,
					boxTop: box.top, boxBottom: box.bottom, sw: t.scrollWidth, cw: t.clientWidth };
			});
		});
		assert.ok(g.length > 0);
		for (const t of g) {
			assert.ok(t.sw <= t.cw + 1, `${lang}: a table is cut off (${t.sw} > ${t.cw})`);
			const beside = t.top < t.boxBottom && t.bottom > t.boxTop;
			if (beside) assert.ok(t.right <= t.boxLeft + 1, `${lang}: a table runs under the actions box`);
		}
		await ctx.close();
	}
	noProblems();
});

test('the history in words: changes of state first, views folded into one line (ja, en)', async () => {
	const words = {
		ja: { create: '確認状を作成', send: '確認状を発送', answer: '回答者が回答', viewed: /回答の閲覧 (\d+)回/ },
		en: { create: 'Confirmation created', send: 'Request sent', answer: 'Answered by the respondent',
			viewed: /Answer viewed (\d+) times/ },
	};
	// Each visit of the audit team records a view of the answer.
	const { ctx: c0, page: p0 } = await contextFor(e.aa, 'ja');
	for (let i = 0; i < 4; i++) await p0.goto(`${env.baseUrl}/confirmations/${answered.id}`);
	await c0.close();
	for (const lang of LANGS) {
		const { ctx, page } = await contextFor(e.aa, lang);
		await page.goto(`${env.baseUrl}/confirmations/${answered.id}?lang=${lang}`);
		const steps = await page.textContent('#hist-steps');
		const other = await page.textContent('#hist-other');
		const w = words[lang];
		for (const s of [w.create, w.send, w.answer]) assert.ok(steps.includes(s), `${lang}: "${s}" among the changes of state`);
		assert.ok(steps.indexOf(w.create) < steps.indexOf(w.send), `${lang}: in order`);
		const history = await page.textContent('section[aria-labelledby=h-hist]');
		assert.doesNotMatch(history, /\b(conf|response|notify|doc|comment)\.[a-z_]+/, `${lang}: a raw event code`);
		const folded = await page.$$eval('#hist-other li', (lis) => lis.map((li) => li.textContent));
		const views = folded.filter((t) => w.viewed.test(t));
		assert.equal(views.length, 1, `${lang}: the views in one line: ${folded.join(' | ')}`);
		assert.ok(Number(views[0].match(w.viewed)[1]) >= 4, views[0]);
		assert.ok(!other.includes(w.create), `${lang}: a change of state among the other records`);
		// The state changes come before the other records on the page.
		assert.ok(await page.evaluate(() => document.querySelector('#hist-steps')
			.compareDocumentPosition(document.querySelector('#hist-other')) & Node.DOCUMENT_POSITION_FOLLOWING));
		await ctx.close();
	}
	noProblems();
});
