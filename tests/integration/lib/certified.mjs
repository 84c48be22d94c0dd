// certified.mjs: certified respondents for the tests (lane rd): an operator with MFA, a
// corporate number with its check digit, a registered bank with two branches, and a
// confirmation picked from the directory and sent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { admin, accept, signIn, totp, uniqueEmail, tokenFromMail } from './world.mjs';
import { createConfirmation, confirmationBody, act } from './engagement.mjs';

/** A corporate number with its check digit (法人番号の指定等に関する省令 第2条). */
export function corporateNumber(base12 = String(crypto.randomInt(1e11, 1e12))) {
	let sum = 0;
	for (let n = 1; n <= 12; n++) sum += Number(base12[12 - n]) * (n % 2 === 1 ? 1 : 2);
	return `${9 - (sum % 9)}${base12}`;
}
export const bankCode = () => String(crypto.randomInt(1000, 10000));

/** A signed-in operator past its second factor. */
export async function operator() {
	const email = `operator.${crypto.randomBytes(4).toString('hex')}@example.test`;
	const link = admin('operator-create', '--email', email).trim();
	const { password } = await accept(new URL(link).searchParams.get('token'));
	const op = await signIn(email, password);
	const { secret } = (await op.request('POST', '/api/v1/me/mfa')).json();
	const step = Math.floor(Date.now() / 30000);
	await op.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
	return signIn(email, password, { otp: totp(secret, step + 1) });
}

/** Register a certified bank with branches 001 and 123; resolves with what was sent and
 * the directory entry ({..., entry, id}). */
export async function registerBank(op, name = `認定テスト銀行 ${crypto.randomBytes(3).toString('hex')}`) {
	const body = {
		legal_name: name, corporate_number: corporateNumber(), bank_code: bankCode(),
		desk_email: uniqueEmail('desk'),
		branches: [
			{ code: '001', name: '本店営業部', email: uniqueEmail('branch-001') },
			{ code: '123', name: '新宿支店', email: uniqueEmail('branch-123') },
		],
	};
	const r = await op.request('POST', '/api/v1/operator/certified-respondents', { body });
	assert.equal(r.status, 201, r.body);
	const entry = r.json().items[0];
	return { ...body, entry, id: entry.organization_id };
}

/** A confirmation of engagement e picked from the directory (bank's desk, or branch
 * `branch`), authorised and sent without a code; resolves with it as sent. */
export async function sendPicked(e, bank, branch = null, extra = {}) {
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(uniqueEmail('typed'), extra));
	await act(e.am, conf.id, 'directory-pick', { organization_id: bank.id, ...(branch ? { branch_code: branch } : {}) }, 201);
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const sent = (await act(e.aa, conf.id, 'send', {})).json();
	assert.equal(sent.code_issued, false);
	return sent.confirmation;
}

/** Open the account invited by the newest request mail to email; a signed-in client. */
export async function openFromMail(email, name = '窓口 担当') {
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name });
	return signIn(email, password);
}
