// TLS: 1.2 and 1.3 with modern AEAD suites only; the certificate verifies against the
// stack's CA for the name localhost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlsHandshake } from './lib/stack.mjs';

test('TLS 1.3 is accepted with a certificate valid for localhost', async () => {
	const r = await tlsHandshake({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
	assert.equal(r.ok, true, r.message);
	assert.equal(r.protocol, 'TLSv1.3');
	assert.equal(r.authorized, true);
});

test('TLS 1.2 is accepted with an ECDHE AEAD suite', async () => {
	const r = await tlsHandshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
	assert.equal(r.ok, true, r.message);
	assert.equal(r.protocol, 'TLSv1.2');
	assert.match(r.cipher.name, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
});

// The client is allowed every old version and cipher (SECLEVEL=0), so a refusal can only
// come from the server: the alert says so.
for (const version of ['TLSv1', 'TLSv1.1']) {
	test(`${version} is refused by the server`, async () => {
		const r = await tlsHandshake({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
		assert.equal(r.ok, false, `${version} was accepted`);
		assert.equal(r.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', r.message);
	});
}

test('TLS 1.2 without forward secrecy or AEAD is refused', async () => {
	for (const ciphers of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES128-SHA256']) {
		const r = await tlsHandshake({ maxVersion: 'TLSv1.2', ciphers: `${ciphers}@SECLEVEL=0` });
		assert.equal(r.ok, false, `${ciphers} was accepted`);
		assert.equal(r.code, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', `${ciphers}: ${r.message}`);
	}
});
