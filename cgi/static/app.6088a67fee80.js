// Balance Gateway: small enhancements only; every page works without this file.
'use strict';

// Long uploads and imports: a form holding a [data-progress] box is sent in the background
// so the box can show the bytes sent, then the server's busy phase (virus check, import),
// then the server's own answer exactly as a plain submit would: a redirect is followed, a
// page (errors included) replaces this one.  The words come from the box's data- attributes
// (the catalogue, in the page's language).  The answer form's attach button is the one
// exception: its answer replaces only the attachments section, so what was typed stays.
function sendWithProgress(form, submitter, box, onAnswer) {
	const bar = box.querySelector('progress');
	const status = box.querySelector('[role=status]');
	const action = new URL(submitter?.getAttribute('formaction') || form.getAttribute('action') || '',
		location.href).href;
	const data = new FormData(form);
	if (submitter?.name) data.append(submitter.name, submitter.value);
	const buttons = form.querySelectorAll('button');
	let said = -1;
	const say = (text) => { status.textContent = text; };
	box.hidden = false;
	bar.value = 0;
	say(`${box.dataset.sending} 0%`);
	for (const b of buttons) b.disabled = true;
	const xhr = new XMLHttpRequest();
	xhr.open('POST', action);
	xhr.upload.addEventListener('progress', (e) => {
		if (!e.lengthComputable) return;
		const pct = Math.floor((100 * e.loaded) / e.total);
		bar.value = pct;
		// The live region is told every tenth, not on every event.
		if (Math.floor(pct / 10) !== said) {
			said = Math.floor(pct / 10);
			say(`${box.dataset.sending} ${pct}%`);
		}
	});
	xhr.upload.addEventListener('load', () => {
		bar.removeAttribute('value'); // indeterminate until the server answers
		say(box.dataset.busy);
	});
	xhr.addEventListener('load', () => {
		for (const b of buttons) b.disabled = false;
		onAnswer(xhr, action);
	});
	xhr.addEventListener('error', () => {
		for (const b of buttons) b.disabled = false;
		bar.value = 0;
		say(box.dataset.failed);
	});
	xhr.send(data);
}

// The server's answer as the browser would have shown it after a plain submit.
function showAnswer(xhr, action) {
	if (xhr.responseURL && xhr.responseURL !== action) {
		location.assign(xhr.responseURL); // a redirect after the POST
		return;
	}
	const doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
	document.title = doc.title;
	document.body.replaceWith(document.adoptNode(doc.body));
	window.scrollTo(0, 0);
	enhance();
}

// The answer form's attach button: the new attachments section (the list, the notice or
// the file's error) goes in place of the old one; everything typed elsewhere stays as it is.
function showAttachments(xhr, action) {
	const doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
	const fresh = doc.getElementById('attachments');
	const old = document.getElementById('attachments');
	if (!fresh || !old) {
		showAnswer(xhr, action);
		return;
	}
	old.replaceWith(document.adoptNode(fresh));
	enhanceProgress(document.getElementById('attachments'));
	const said = document.querySelector('#attachments .alert, #attachments .ferr');
	if (said) {
		said.tabIndex = -1;
		said.focus();
	}
}

function enhanceProgress(root) {
	for (const box of root.querySelectorAll('[data-progress]')) {
		const form = box.closest('form');
		if (!form || form.dataset.progressReady) continue;
		form.dataset.progressReady = '1';
		form.addEventListener('submit', (e) => {
			const submitter = e.submitter;
			const attach = submitter?.hasAttribute('data-attach');
			const file = form.querySelector('input[type=file]');
			const chosen = file && file.files.length > 0;
			const current = form.querySelector('[data-progress]');
			if (attach) {
				e.preventDefault();
				sendWithProgress(form, submitter, current, showAttachments);
			} else if (form.querySelector('[data-attach]')) {
				// The answer itself: a chosen file is attached first, then the answer sent.
				if (!chosen) return;
				e.preventDefault();
				const button = form.querySelector('[data-attach]');
				sendWithProgress(form, button, current, (xhr, action) => {
					showAttachments(xhr, action);
					if (xhr.status < 400 && !document.querySelector('#attachments .ferr')) form.submit();
				});
			} else if (chosen && form.enctype === 'multipart/form-data') {
				e.preventDefault();
				sendWithProgress(form, submitter, current, showAnswer);
			}
		});
	}
}

function enhance() {
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
	enhanceProgress(document);
	// After a failed form, move focus to the error summary so screen readers hear it.
	const errors = document.getElementById('errors');
	if (errors) errors.focus();
}

document.addEventListener('DOMContentLoaded', enhance);
