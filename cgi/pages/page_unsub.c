/* page_unsub.c - the digest's unsubscribe link (lib/mail/unsub.h, issue 22 item 6).
 *
 * GET shows what the link does and a button; POST does it.  The POST is also the one-click
 * unsubscribe of RFC 8058: a mail provider sends "List-Unsubscribe=One-Click" without any
 * cookie, so the route is public and takes no CSRF token: the link's signature is what
 * allows it, and all it can do is turn one user's digest off.  A GET never changes
 * anything (link scanners fetch every link in a mail). */
#include "pages/page.h"

#include <openssl/crypto.h>

#include "crypto/masterkey.h"
#include "mail/unsub.h"

/* The key from master key version 1, which never changes (unsub.h). */
static bgw_err
unsub_key(const bgw_request *r, unsigned char key[UNSUB_KEY_LEN])
{
	const unsigned char *master = masterkey_get(&r->app->keys, 1);

	if (master == NULL)
		return BGW_E_INTERNAL;
	return unsub_key_derive(master, MASTERKEY_LEN, key);
}

/* The link's token, checked: BGW_E_NOT_FOUND for a forged one (a 404 page, as for any
 * address that is not ours). */
static bgw_err
checked_token(const bgw_request *r, const char **token)
{
	unsigned char key[UNSUB_KEY_LEN];
	char user_id[UNSUB_ID_LEN + 1];
	bgw_err err;

	*token = r->path_params[0];
	if ((err = unsub_key(r, key)) == BGW_OK)
		err = unsub_check(key, *token, user_id);
	OPENSSL_cleanse(key, sizeof(key));
	return err == BGW_E_FORBIDDEN ? BGW_E_NOT_FOUND : err;
}

/* GET /unsubscribe/{token} */
bgw_err
page_unsub_show(bgw_request *r)
{
	const char *token;
	page p;
	bgw_err err = checked_token(r, &token);

	if (err != BGW_OK)
		return err;
	page_init(&p, r, "unsub.title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><p>{i}</p>"
	    "<form method=\"post\" class=\"card\"><input type=\"hidden\" "
	    "name=\"List-Unsubscribe\" value=\"One-Click\">"
	    "<button type=\"submit\" class=\"primary\">{s}</button></form></div>",
	    {"t", p.title}, {"i", page_t(&p, "unsub.intro")}, {"s", page_t(&p, "unsub.submit")});
	return page_send(&p, 200);
}

/* POST /unsubscribe/{token}: the page's button or a mail provider's one-click POST. */
bgw_err
page_unsub_post(bgw_request *r)
{
	unsigned char key[UNSUB_KEY_LEN];
	page p;
	bgw_err err = unsub_key(r, key);

	if (err == BGW_OK)
		err = unsub_digest_off(r->app->db, r->a, key, r->path_params[0]);
	OPENSSL_cleanse(key, sizeof(key));
	if (err == BGW_E_FORBIDDEN)
		return BGW_E_NOT_FOUND;
	if (err != BGW_OK)
		return err;
	page_init(&p, r, "unsub.title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>"
	    "<div class=\"alert ok\" role=\"status\" id=\"unsub-done\"><p>{d}</p></div>"
	    "<p><a href=\"/account\">{a}</a></p></div>",
	    {"t", p.title}, {"d", page_t(&p, "unsub.done")}, {"a", page_t(&p, "unsub.account")});
	return page_send(&p, 200);
}
