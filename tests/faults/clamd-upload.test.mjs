// An upload while clamd is down (issue 5): 503 scanner_unavailable, nothing stored (no row,
// no blob); clamd back, the same upload works without restarting the workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newFirm, newProject, sql } from '../integration/lib/world.mjs';
import { clamdStop, clamdStart, ensureClamd, ensureFcgi, ensurePg, masterPid, workerPids, configValue } from './lib/procs.mjs';

test.before(async () => {
	ensurePg();
	await ensureFcgi();
	await ensureClamd();
});
test.after(async () => { await ensureClamd(); });

function blobCount() {
	let n = 0;
	const walk = (d) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(path.join(d, e.name)); else n++;
		}
	};
	walk(configValue('blob_dir'));
	return n;
}

function pdfUpload(client, pid) {
	const boundary = 'bgwclamd0123456789';
	const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n`
		+ `Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--${boundary}--\r\n`);
	return client.request('POST', `/api/v1/projects/${pid}/documents`,
		{ body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

test('clamd down: upload 503 scanner_unavailable and nothing stored; back: uploads work', async () => {
	const aa = await newFirm();
	const p = await newProject(aa);
	const workers = workerPids(masterPid()).sort();
	const blobs = blobCount();
	try {
		await clamdStop();
		const res = await pdfUpload(aa, p.id);
		assert.equal(res.status, 503, res.body);
		assert.equal(res.json().error.code, 'scanner_unavailable');
		assert.equal(Number(sql(`SELECT count(*) FROM bgw.documents WHERE project_id = '${p.id}'`)), 0);
		assert.equal(blobCount(), blobs);
	} finally {
		await clamdStart();
	}
	const ok = await pdfUpload(aa, p.id);
	assert.equal(ok.status, 201, ok.body);
	assert.deepEqual(workerPids(masterPid()).sort(), workers, 'no worker was restarted');
});
