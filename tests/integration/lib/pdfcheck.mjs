// pdfcheck.mjs: read a PDF answer back with tools no part of the project wrote: poppler's
// pdftotext, pdffonts and pdftoppm, qpdf --check and zbarimg.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function run(cmd, args, cwd) {
	const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
	return { status: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** Save bytes as doc.pdf in a fresh directory and read it: {text, fonts, qr: [urls],
 * pages, checkOk}.  The QR codes are decoded from every page rendered at 150 dpi. */
export function readPdf(bytes, { qr = true } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgw-pdf-'));
	try {
		assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF');
		fs.writeFileSync(path.join(dir, 'doc.pdf'), bytes);
		const text = run('pdftotext', ['doc.pdf', '-'], dir).out;
		const fonts = run('pdffonts', ['doc.pdf'], dir).out;
		const check = run('qpdf', ['--check', 'doc.pdf'], dir);
		const info = run('pdfinfo', ['doc.pdf'], dir).out;
		const pages = Number((/^Pages:\s+(\d+)/m.exec(info) || [])[1] || 0);
		let codes = [];
		if (qr) {
			run('pdftoppm', ['-r', '150', '-png', 'doc.pdf', 'p'], dir);
			const pngs = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
			const z = run('zbarimg', ['-q', '--raw', ...pngs], dir);
			codes = z.out.split('\n').filter(Boolean);
		}
		return { text, fonts, pages, qr: codes, checkOk: check.status === 0, checkOut: check.out };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Every font of the file is embedded (pdffonts' "emb" column says yes), and there is one. */
export function assertFontsEmbedded(fonts) {
	const rows = fonts.split('\n').slice(2).filter((l) => l.trim());
	assert.ok(rows.length > 0, fonts);
	for (const r of rows) assert.match(r, /\s+yes\s+yes\s+yes\s+/, `font not embedded: ${r}`);
	assert.match(fonts, /NotoSansCJK/);
}

/** Render the first page as PNG to file (docs/screenshots). */
export function firstPagePng(bytes, file) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgw-pdf-'));
	try {
		fs.writeFileSync(path.join(dir, 'doc.pdf'), bytes);
		run('pdftoppm', ['-r', '80', '-png', '-f', '1', '-l', '1', '-singlefile', 'doc.pdf', 'first'], dir);
		fs.copyFileSync(path.join(dir, 'first.png'), file);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
