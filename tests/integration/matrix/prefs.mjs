// Access-matrix rows of notification preferences (cgi/routes_prefs.c): one's own, for every
// signed-in user.
export const rows = {
	'GET /api/v1/me/notifications': 'account',
	'PATCH /api/v1/me/notifications': 'account',
	'POST /me/notifications': 'account',
};
