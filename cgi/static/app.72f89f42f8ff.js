// Balance Gateway: small enhancements only; every page works without this file.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	// Print buttons (the receipt): plain buttons marked data-print.
	for (const b of document.querySelectorAll('[data-print]')) {
		b.hidden = false;
		b.addEventListener('click', () => window.print());
	}
	// Bulk authorisation: a "select all" box, added only when scripting is available.
	const bulk = document.getElementById('bulk');
	if (bulk) {
		const picks = bulk.querySelectorAll('input.pick');
		if (picks.length > 1) {
			const label = document.createElement('label');
			const box = document.createElement('input');
			box.type = 'checkbox';
			box.id = 'pick-all';
			label.htmlFor = 'pick-all';
			label.textContent = document.documentElement.lang === 'en' ? 'Select all' : 'すべて選択';
			const wrap = document.createElement('div');
			wrap.className = 'check';
			wrap.append(box, label);
			bulk.prepend(wrap);
			box.addEventListener('change', () => { for (const p of picks) p.checked = box.checked; });
		}
	}
	// After a failed form, move focus to the error summary so screen readers hear it.
	const errors = document.getElementById('errors');
	if (errors) errors.focus();
});
