// Run last (./dev runs tests/faults/ one file at a time, in name order): every secret the
// suites used (passwords, invitation and reset tokens, first-access codes, session cookies,
// CSRF tokens, MFA secrets and recovery codes: tests/integration/lib/world.mjs canary())
// must be absent from every log of the stack: the application, nginx, ModSecurity's audit
// log, PostgreSQL, clamd, the mail sender.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { logFiles, env } from '../integration/lib/stack.mjs';

test('no secret used by the suites appears in any log', () => {
	const file = path.join(env.stackDir, 'canaries.txt');
	assert.ok(fs.existsSync(file), 'the suites recorded no secrets: was the integration suite run?');
	const secrets = [...new Set(fs.readFileSync(file, 'utf8').split('\n').filter((s) => s.length >= 8))];
	assert.ok(secrets.length > 50, `only ${secrets.length} secrets recorded`);
	const logs = logFiles();
	assert.ok(logs.some((f) => f.endsWith('bgw.log')) && logs.some((f) => /modsec/.test(f)));
	const found = [];
	for (const f of logs) {
		const text = fs.readFileSync(f, 'latin1');
		for (const s of secrets) if (text.includes(s)) found.push(`${path.basename(f)}: ${s.slice(0, 6)}…`);
	}
	assert.deepEqual(found, []);
});
