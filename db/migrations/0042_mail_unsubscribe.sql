-- 0042: mail people act on (issue 22 item 6).  A digest carries a List-Unsubscribe link
-- (RFC 2369, one-click per RFC 8058): the outbox row keeps the link the batch job signed
-- (lib/mail/unsub.h), so the sender adds the header without holding that key, and the
-- link's POST turns the digest off through the function below.

ALTER TABLE outbox ADD COLUMN list_unsubscribe text
    CHECK (list_unsubscribe IS NULL OR (length(list_unsubscribe) <= 500
        AND list_unsubscribe ~ '^https?://[^\s<>,]+$'));

-- The unsubscribe link is public (a mail provider POSTs it without any session), so it
-- cannot pass row-level security as the user; the CGI calls this only after the link's
-- signature checked out.  It can do one thing: set that user's digest to off.  Returns
-- true if the user exists (and is not deleted), false otherwise.
CREATE FUNCTION prefs_digest_off(p_user text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM users WHERE id = p_user AND deleted_at IS NULL) THEN
		RETURN false;
	END IF;
	INSERT INTO notification_prefs (user_id, digest) VALUES (p_user, 'off')
	ON CONFLICT (user_id) DO UPDATE SET digest = 'off', updated_at = now();
	RETURN true;
END
$$;

REVOKE ALL ON FUNCTION prefs_digest_off(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prefs_digest_off(text) TO bgw_app;
