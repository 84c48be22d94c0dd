// Disk full during an upload (issue 9 item 3): the stack's blob directory is put on a small
// tmpfs for the length of this file and filled until an upload cannot fit.  The upload then
// answers 503 `unavailable` in docs/api.md's error format (docs/api.md: "Disk full"), no
// document row and no blob or temporary blob is left, the worker lives on, and once space
// is freed the next upload is stored and reads back byte for byte.
//
// The tmpfs hides the blobs that earlier files stored (they are back after the unmount);
// the fault suite runs one file at a time, so nothing else uses the store meanwhile.  The
// local blob store opens its directory for every operation, so the workers see the mount
// without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { newFirm, newProject, sql } from '../integration/lib/world.mjs';
import {
	configValue, ensureClamd, ensureFcgi, ensurePg, masterPid, workerPids, logSize, logSince,
	sanitizerReports,
} from './lib/procs.mjs';

/** Size of the tmpfs put over the blob directory: room for a few small documents. */
const TMPFS_BYTES = 4 * 1024 * 1024;
/** What the filler leaves free: less than one upload below needs (blobs are encrypted in
 * chunks, so a blob is slightly larger than its document). */
const LEFT_FREE_BYTES = 64 * 1024;
const UPLOAD_BYTES = 512 * 1024;

const blobDir = () => configValue('blob_dir');
let mounted = false;
let filler;

function run(cmd, args) {
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
	return r.stdout;
}

/** Every file under the blob directory, relative to it (blobs and temporary blobs). */
function blobFiles(dir = blobDir(), rel = '') {
	return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
		(e.isDirectory() ? blobFiles(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
}

function pdf(bytes) {
	// Printable filler after a PDF header: sniffed as a PDF, scanned clean by clamd.
	const head = '%PDF-1.4\n% disk-full fault test\n';
	return Buffer.concat([Buffer.from(head), Buffer.from(crypto.randomBytes(bytes / 2).toString('hex')),
		Buffer.from('\n%%EOF\n')]);
}

function upload(client, pid, data, filename = 'ledger.pdf') {
	const boundary = `----bgwdiskfull${crypto.randomBytes(8).toString('hex')}`;
	const body = Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n`
			+ 'Content-Type: application/pdf\r\n\r\n'),
		data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
	return client.request('POST', `/api/v1/projects/${pid}/documents`,
		{ body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, timeout: 60000 });
}

const documentCount = (pid) =>
	Number(sql(`SELECT count(*) FROM bgw.documents WHERE project_id = '${pid}'`));

test.before(async () => {
	ensurePg();
	await ensureFcgi();
	await ensureClamd();
	const dir = blobDir();
	const st = fs.statSync(dir);
	// The same owner and mode as the real directory (blobstore_prepare refuses group or
	// other write permission; the workers run as the service user).
	run('mount', ['-t', 'tmpfs', '-o',
		`size=${TMPFS_BYTES},mode=${(st.mode & 0o777).toString(8)},uid=${st.uid},gid=${st.gid}`,
		'bgw-disk-full', dir]);
	mounted = true;
});

test.after(() => {
	if (mounted) run('umount', [blobDir()]);
});

test('disk full: the upload answers 503 unavailable, nothing is stored; space freed: the next upload works', async () => {
	const auditor = await newFirm();
	const project = await newProject(auditor);
	const workers = workerPids(masterPid());
	const logAt = logSize();

	// Control: the store on the tmpfs works.
	const first = await upload(auditor, project.id, pdf(16 * 1024), 'control.pdf');
	assert.equal(first.status, 201, first.body);

	// Fill the file system but for LEFT_FREE_BYTES (as root, outside the store's fan-out).
	const sfs = fs.statfsSync(blobDir());
	const free = Number(sfs.bavail) * Number(sfs.bsize);
	assert.ok(free > LEFT_FREE_BYTES, `only ${free} bytes free on the tmpfs`);
	filler = path.join(blobDir(), 'filler');
	fs.writeFileSync(filler, Buffer.alloc(free - LEFT_FREE_BYTES));
	const before = blobFiles().sort();

	const full = await upload(auditor, project.id, pdf(UPLOAD_BYTES));
	assert.equal(full.status, 503, full.body);
	assert.equal(full.json().error.code, 'unavailable');
	assert.equal(typeof full.json().error.message, 'string');
	assert.equal(documentCount(project.id), 1, 'no document row for the failed upload');
	assert.deepEqual(blobFiles().sort(), before, 'no blob or temporary blob left behind');
	assert.match(logSince(logAt), /could not write blob [^"]*: No space left on device/,
		'the cause is in the worker log');

	// Space again: the same upload is stored and reads back intact.
	fs.unlinkSync(filler);
	const data = pdf(UPLOAD_BYTES);
	const again = await upload(auditor, project.id, data);
	assert.equal(again.status, 201, again.body);
	assert.equal(documentCount(project.id), 2);
	const dl = await auditor.request('GET', `/api/v1/documents/${again.json().id}`);
	assert.equal(dl.status, 200);
	assert.ok(dl.bytes.equals(data), 'the stored document reads back byte for byte');
	assert.ok(!blobFiles().some((f) => f.endsWith('.tmp')), 'no temporary blob left');

	assert.deepEqual(workerPids(masterPid()), workers, 'no worker died');
	assert.deepEqual(sanitizerReports(logAt), []);
});
