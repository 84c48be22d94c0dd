// seed.mjs: demo accounts and a small engagement for `./dev up`, made through the API the
// way users make them (firm created by the admin command line, invitations by mail, codes
// entered).  Run again, it finds the demo firm's admin can sign in and does nothing.
// Prints one line per account: role, e-mail, password; and the first-access codes (the
// project's, for the audit and client sides, and the demo bank's).
import { request } from '../integration/lib/stack.mjs';
import { admin, accept, signIn, tokenFromMail, enterCode } from '../integration/lib/world.mjs';
import { confirmationBody, act } from '../integration/lib/engagement.mjs';

const PASSWORD = 'demo-確認状-2026';
const DOMAIN = 'demo.balance-gateway.test';
const who = (name) => `${name}@${DOMAIN}`;

async function invite(inviter, projectId, email, side, isAdmin, name) {
	const res = await inviter.request('POST', `/api/v1/projects/${projectId}/members`,
		{ body: { email, side, admin: isAdmin } });
	if (res.status !== 201) throw new Error(`invite ${email}: ${res.body}`);
	await accept(await tokenFromMail(email, '/invitation'), { name, password: PASSWORD });
	return signIn(email, PASSWORD);
}

async function main() {
	const probe = await request('POST', '/api/v1/session', { body: { email: who('auditor'), password: PASSWORD } });
	if (probe.status === 200) {
		console.log('demo accounts exist already (password for all: ' + PASSWORD + ')');
		return;
	}
	const link = admin('firm-create', '--name', 'デモ監査法人', '--email', who('auditor')).trim();
	await accept(new URL(link).searchParams.get('token'), { name: '監査 太郎', password: PASSWORD });
	const aa = await signIn(who('auditor'), PASSWORD);
	const p = (await aa.request('POST', '/api/v1/projects', {
		body: { name: '2026年3月期 期末監査（デモ）', client_name: '株式会社デモ商事', period_end: '2026-03-31' } })).json().project;
	const am = await invite(aa, p.id, who('audit-staff'), 'audit', false, '監査 花子');
	const ca = await invite(aa, p.id, who('client-admin'), 'client', true, '経理 部長');
	for (const c of [am, ca]) await enterCode(c, p.id, p.first_access_code);
	const cm = await invite(ca, p.id, who('client-staff'), 'client', false, '経理 担当');
	await enterCode(cm, p.id, p.first_access_code);
	// Confirmations in several states; one sent to the demo bank.
	const mk = async (email, extra) => (await aa.request('POST', `/api/v1/projects/${p.id}/confirmations`,
		{ body: confirmationBody(email, extra) })).json().confirmation;
	await mk(who('supplier'), { type: 'payable', respondent: { organization: 'デモ物産', email: who('supplier'), name: '営業部' } });
	const c2 = await mk(who('customer'), { type: 'receivable', respondent: { organization: 'デモ工業', email: who('customer'), name: '経理部' } });
	await act(aa, c2.id, 'submit');
	const c3 = await mk(who('bank'), { respondent: { organization: 'デモ銀行 本店', email: who('bank'), name: '残高確認ご担当者' } });
	await act(aa, c3.id, 'submit');
	await act(ca, c3.id, 'authorize');
	await act(aa, c3.id, 'address-check', { method: 'phone', note: '代表番号に架電し確認' }, 201);
	const sent = (await act(aa, c3.id, 'send', { code_channel: 'phone' })).json();
	await accept(await tokenFromMail(who('bank'), '/invitation'), { name: '銀行 一郎', password: PASSWORD });
	const ra = await signIn(who('bank'), PASSWORD);
	// The bank enters its own organisation's code: the client's opens nothing there.
	await enterCode(ra, p.id, sent.respondent_code);
	const rm = await invite(ra, p.id, who('bank-staff'), 'respondent', false, '銀行 二郎');
	await enterCode(rm, p.id, sent.respondent_code);
	console.log(`demo accounts (password for all: ${PASSWORD})`);
	for (const [role, name] of [['audit admin', 'auditor'], ['audit member', 'audit-staff'],
		['client admin', 'client-admin'], ['client member', 'client-staff'],
		['respondent admin', 'bank'], ['respondent member', 'bank-staff']])
		console.log(`  ${role.padEnd(18)} ${who(name)}`);
	console.log(`  first-access code of the demo project (audit and client): ${p.first_access_code}`);
	console.log(`  first-access code of the demo bank (respondents):        ${sent.respondent_code}`);
}

main().catch((e) => { console.error(`demo seed failed: ${e.message}`); process.exit(1); });
