// Access-matrix rows of the routes mail links lead to (cgi/routes_mailact.c): the digest's
// unsubscribe link is public, its signature is what allows it (a forged one is 404 for
// everyone: notify.test.mjs).
export const rows = {
	'GET /unsubscribe/{}': 'public',
	'POST /unsubscribe/{}': 'public',
};
