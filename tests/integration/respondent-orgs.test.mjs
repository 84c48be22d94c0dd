// Respondent organisations as tenants (issue 17, item 1): a bank's users, managed once by
// its admins, see the bank's confirmations from every audit firm and project in one inbox,
// with no project membership, and nothing of other organisations; the bank's code is
// entered once per engagement for the whole bank; a deactivated user loses everything at
// once; the maker-checker answer works for the organisation's users as for members.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
	uniqueEmail, tokenFromMail, accept, signIn, enterCode, mailTo, canary, sql,
} from './lib/world.mjs';
import {
	engagement, sendToRespondent, createConfirmation, confirmationBody, act, sendConfirmation,
} from './lib/engagement.mjs';

let w;

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** Create, authorise and send a confirmation of engagement e to email; the send's answer. */
async function sendTo(e, email) {
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const sent = await sendConfirmation(e, conf);
	return { conf, code: sent.respondent_code };
}

/** The bank admin invites email into the bank (unit optional); the invitee opens its
 * account from the mail; a signed-in client of it. */
async function orgUser(ra, org, { admin = false, unit_id } = {}) {
	const email = uniqueEmail('bank-staff');
	const res = await ra.request('POST', `/api/v1/orgs/${org}/members`,
		{ body: { email, admin, ...(unit_id ? { unit_id } : {}) } });
	assert.equal(res.status, 201, res.body);
	assert.equal(res.json().status, 'invited');
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name: '銀行 三郎' });
	return signIn(email, password);
}

const inboxRefs = async (c) => {
	const r = await c.request('GET', '/api/v1/inbox');
	assert.equal(r.status, 200, r.body);
	return r.json();
};

before(async () => {
	// Two audit firms' engagements; both send to the same bank desk address.
	const a = await engagement();
	const b = await engagement();
	const bankEmail = uniqueEmail('bank-desk');
	const first = await sendToRespondent(a, bankEmail);
	const ra = first.ra;
	const org = (await ra.request('GET', '/api/v1/org')).json().organization_id;
	const second = await sendTo(b, bankEmail);
	// Another bank in the first engagement.
	const other = await sendToRespondent(a);
	w = { a, b, ra, org, confA: first.conf, codeA: first.code, confB: second.conf,
		codeB: second.code, other };
});

test('the organisation is the bank: its admin sees it, its desk, and manages its users', async () => {
	const { ra, org } = w;
	const view = await ra.request('GET', `/api/v1/orgs/${org}`);
	assert.equal(view.status, 200, view.body);
	assert.equal(view.json().organization.id, org);
	assert.equal(view.json().me.admin, true);
	assert.deepEqual(view.json().units.map((u) => u.kind), ['desk']);
	const unit = await ra.request('POST', `/api/v1/orgs/${org}/units`,
		{ body: { kind: 'branch', name: '梅田支店', code: '123', email: uniqueEmail('umeda') } });
	assert.equal(unit.status, 201, unit.body);
	const bad = await ra.request('POST', `/api/v1/orgs/${org}/units`, { body: { kind: 'branch', name: 'x', code: '12' } });
	assert.equal(bad.status, 422);
	assert.ok(bad.json().error.fields.code);
	const members = (await ra.request('GET', `/api/v1/orgs/${org}/members`)).json();
	assert.ok(members.items.some((m) => m.user.id === ra.user.id && m.admin && m.active));
	w.branch = unit.json().id;
	// The invitation mail names the organisation and carries a link, in Japanese first.
	const email = uniqueEmail('bank-new');
	assert.equal((await ra.request('POST', `/api/v1/orgs/${org}/members`, { body: { email } })).status, 201);
	const [, link] = await mailTo(email, /(\/invitation\?token=[A-Za-z0-9_-]{43})/);
	canary(link[1]);
});

test('one inbox across two audit firms, no project membership, code entered once per organisation', async () => {
	const { a, b, ra, org, confA, confB, codeB } = w;
	const teller = await orgUser(ra, org);
	// No membership of any project.
	assert.equal(sql(`SELECT count(*) FROM bgw.memberships WHERE user_id = ${q(teller.user.id)}`), '0');
	// Engagement A's code was entered by the bank's admin: the teller is past it.
	let inbox = await inboxRefs(teller);
	assert.deepEqual(inbox.items.map((i) => i.reference), [confA.reference]);
	assert.deepEqual(inbox.code_required.map((c) => c.project_id), [b.project.id]);
	assert.equal((await teller.request('GET', `/api/v1/confirmations/${confA.id}`)).status, 200);
	const blocked = await teller.request('GET', `/api/v1/confirmations/${confB.id}`);
	assert.equal(blocked.status, 403);
	assert.equal(blocked.json().error.code, 'first_access_code_required');
	// The teller enters engagement B's code once, for the whole bank.
	await enterCode(teller, b.project.id, codeB);
	inbox = await inboxRefs(teller);
	assert.deepEqual(inbox.items.map((i) => i.reference).sort(), [confA.reference, confB.reference].sort());
	assert.deepEqual(new Set(inbox.items.map((i) => i.project.id)), new Set([a.project.id, b.project.id]));
	assert.deepEqual(inbox.code_required, []);
	// The admin is not asked again: nor is a second new user.
	const r = await ra.request('GET', `/api/v1/confirmations/${confB.id}`);
	assert.equal(r.status, 200, r.body);
	const clerk = await orgUser(ra, org);
	assert.equal((await clerk.request('GET', `/api/v1/confirmations/${confB.id}`)).status, 200);
	assert.equal((await inboxRefs(clerk)).items.length, 2);
	assert.equal(sql(`SELECT count(*) FROM bgw.org_code_verifications WHERE organization_id = ${q(org)}`), '2');
	w.teller = teller;
});

test('nothing of other organisations: their confirmations, their organisation, other projects', async () => {
	const { a, b, org, other, teller } = w;
	const refs = (await inboxRefs(teller)).items.map((i) => i.reference);
	assert.ok(!refs.includes(other.conf.reference));
	assert.equal((await teller.request('GET', `/api/v1/confirmations/${other.conf.id}`)).status, 404);
	const otherOrg = (await other.ra.request('GET', '/api/v1/org')).json().organization_id;
	assert.notEqual(otherOrg, org);
	for (const [name, c] of [['other bank', other.ra], ['audit admin', a.aa], ['client admin', b.ca],
		['other firm audit', b.am]]) {
		for (const path of [`/api/v1/orgs/${org}`, `/api/v1/orgs/${org}/members`, `/orgs/${org}`]) {
			const res = await c.request('GET', path);
			assert.equal(res.status, 404, `${name} ${path}: ${res.status}`);
		}
		const inv = await c.request('POST', `/api/v1/orgs/${org}/members`, { body: { email: uniqueEmail('x') } });
		assert.equal(inv.status, 404, `${name} invites: ${inv.status}`);
	}
	assert.equal((await teller.request('GET', `/api/v1/orgs/${otherOrg}`)).status, 404);
	// The other bank's inbox holds its own request only.
	assert.deepEqual((await inboxRefs(other.ra)).items.map((i) => i.reference), [other.conf.reference]);
	// The database says the same to the teller, behind the policy layer.
	const asTeller = (statement) => sql(`BEGIN; SET LOCAL ROLE bgw_app; SET LOCAL search_path = bgw, public; `
		+ `SELECT set_config('app.user_id', ${q(teller.user.id)}, true); ${statement}; COMMIT;`).split('\n').pop();
	assert.equal(asTeller(`SELECT count(*) FROM confirmations WHERE id = ${q(other.conf.id)}`), '0');
	assert.equal(asTeller(`SELECT count(*) FROM confirmations WHERE id = ${q(w.confA.id)}`), '1');
	assert.equal(asTeller(`SELECT count(*) FROM org_members WHERE organization_id = ${q(otherOrg)}`), '0');
	// A member is no admin: it cannot invite.
	const inv = await teller.request('POST', `/api/v1/orgs/${org}/members`, { body: { email: uniqueEmail('y') } });
	assert.equal(inv.status, 403);
});

test('maker and checker of the organisation answer without memberships', async () => {
	const { a, teller, confB, ra, b } = w;
	// The teller (member) prepares B's answer; the bank admin approves it.
	const opened = (await teller.request('GET', `/api/v1/confirmations/${confB.id}`)).json().confirmation;
	const items = opened.items.map((i) => ({ item_id: i.id, agrees: true }));
	const made = await act(teller, confB.id, 'response', { items, responder: { name: '銀行 三郎', title: '係員' } }, 201);
	assert.equal(made.json().confirmation.status, 'awaiting_respondent_approval');
	await act(teller, confB.id, 'response/approve', { approver: { name: 'x' } }, 403);
	const approved = await act(ra, confB.id, 'response/approve', { approver: { name: '銀行 花子', title: '課長' } });
	assert.equal(approved.json().confirmation.status, 'answered');
	assert.equal((await b.aa.request('GET', `/api/v1/confirmations/${confB.id}`)).json().confirmation.response.approver.name, '銀行 花子');
	void a;
});

test('a deactivated user loses access at once; reactivated, it is back', async () => {
	const { ra, org, teller, confA } = w;
	const uid = teller.user.id;
	assert.equal((await teller.request('POST', `/api/v1/orgs/${org}/members/${ra.user.id}/deactivate`)).status, 403);
	assert.equal((await ra.request('POST', `/api/v1/orgs/${org}/members/${ra.user.id}/deactivate`)).status, 403,
		'an admin does not deactivate itself');
	assert.equal((await ra.request('POST', `/api/v1/orgs/${org}/members/${uid}/deactivate`)).status, 204);
	// The same session, the next request: nothing.
	const inbox = await inboxRefs(teller);
	assert.deepEqual(inbox.items, []);
	assert.deepEqual(inbox.code_required, []);
	assert.deepEqual((await teller.request('GET', '/api/v1/projects')).json().items, []);
	assert.equal((await teller.request('GET', `/api/v1/confirmations/${confA.id}`)).status, 404);
	assert.equal((await teller.request('GET', `/api/v1/orgs/${org}`)).status, 404);
	assert.equal((await teller.request('GET', '/api/v1/org')).json().organization_id, null);
	const list = (await ra.request('GET', `/api/v1/orgs/${org}/members`)).json().items;
	assert.equal(list.find((m) => m.user.id === uid).active, false);
	assert.equal((await ra.request('POST', `/api/v1/orgs/${org}/members/${uid}/reactivate`)).status, 204);
	assert.equal((await teller.request('GET', `/api/v1/confirmations/${confA.id}`)).status, 200);
	// A per-project respondent member (made before the organisation had users of its own)
	// is the bank's member too, and deactivating it ends its membership's access as well.
	const { respondentMember } = await import('./lib/engagement.mjs');
	const rm = await respondentMember(w.a, ra);
	assert.equal((await rm.request('GET', `/api/v1/confirmations/${confA.id}`)).status, 200);
	assert.equal((await ra.request('POST', `/api/v1/orgs/${org}/members/${rm.user.id}/deactivate`)).status, 204);
	assert.equal((await rm.request('GET', `/api/v1/confirmations/${confA.id}`)).status, 404);
	assert.equal((await rm.request('GET', `/api/v1/projects/${w.a.project.id}`)).status, 404);
});

test('the organisation page: users, units, invite and deactivate, in Japanese and English', async () => {
	const { ra, org } = w;
	const own = await ra.request('GET', '/org');
	assert.equal(own.status, 303);
	assert.equal(own.headers.location, `/orgs/${org}`);
	assert.equal((await w.a.aa.request('GET', '/org')).headers.location, '/projects');
	assert.equal((await w.a.aa.request('GET', '/api/v1/org')).json().organization_id, null);
	const page = await ra.request('GET', `/orgs/${org}`);
	assert.equal(page.status, 200);
	assert.ok(page.body.includes('組織のユーザーと部署'));
	assert.ok(page.body.includes('梅田支店'));
	assert.ok(page.body.includes(`/orgs/${org}/members/${w.teller.user.id}/deactivate`));
	const en = await ra.request('GET', `/orgs/${org}?lang=en`);
	assert.ok(en.body.includes("Your organisation's users and units") || en.body.includes('Your organisation&#39;s users and units'));
	// The inbox page leads a bank user to the organisation.
	assert.ok((await ra.request('GET', '/inbox')).body.includes('href="/org"'));
	// The role and unit form: the teller moves to the branch and becomes its admin.
	const tid = w.teller.user.id;
	assert.ok(page.body.includes(`action="/orgs/${org}/members/${tid}"`));
	const moved = await ra.request('POST', `/orgs/${org}/members/${tid}`,
		{ body: new URLSearchParams({ csrf_token: ra.csrf, admin: 'true', unit_id: w.branch }) });
	assert.equal(moved.status, 303, moved.body);
	const row = (await ra.request('GET', `/api/v1/orgs/${org}/members`)).json().items.find((m) => m.user.id === tid);
	assert.equal(row.unit_id, w.branch);
	assert.equal(row.admin, true);
	// As the branch's admin it manages its branch only: not the desk's users, not itself.
	const clerk = (await ra.request('GET', `/api/v1/orgs/${org}/members`)).json().items
		.find((m) => m.unit_id === null && m.user.id !== ra.user.id && !m.admin);
	assert.equal((await w.teller.request('POST', `/api/v1/orgs/${org}/members/${clerk.user.id}/deactivate`)).status, 403);
	assert.equal((await w.teller.request('PATCH', `/api/v1/orgs/${org}/members/${tid}`, { body: { unit_id: '' } })).status, 403);
	assert.equal((await w.teller.request('POST', `/api/v1/orgs/${org}/members`,
		{ body: { email: uniqueEmail('desk'), admin: false } })).status, 403, 'not into the whole organisation');
	const intoBranch = await w.teller.request('POST', `/api/v1/orgs/${org}/members`,
		{ body: { email: uniqueEmail('branch'), unit_id: w.branch } });
	assert.equal(intoBranch.status, 201, intoBranch.body);
	const back = await ra.request('PATCH', `/api/v1/orgs/${org}/members/${tid}`, { body: { admin: false, unit_id: '' } });
	assert.equal(back.status, 204, back.body);
	// A member's page has no forms to manage.
	const tp = await w.teller.request('GET', `/orgs/${org}`);
	assert.equal(tp.status, 200);
	assert.ok(!tp.body.includes('/deactivate'));
});
