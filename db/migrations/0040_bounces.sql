-- 0040: delivery status notifications that come back after the relay accepted a message
-- (issue 22).  bgw-notify --bounces matches a report to its outbox row through the row's
-- signed return path (lib/mail/bounce.h) and records it here.
--
-- A sent row stays 'sent' (it did leave; the check sent_at <=> 'sent' holds); a permanent
-- report sets bounced_at and the reason, a transient one counts.

ALTER TABLE outbox ADD COLUMN bounced_at timestamptz,
    ADD COLUMN bounce_reason text CHECK (length(bounce_reason) <= 2000),
    ADD COLUMN transient_bounces integer NOT NULL DEFAULT 0 CHECK (transient_bounces >= 0);

-- A permanent report (5.x.x) for sent row p_outbox: record it once, and flag the
-- confirmation undeliverable (未達) under the same rules as a refusal at sending
-- (batch_mark_undeliverable): the request or a reminder, to the confirmation's current
-- address.  Returns the confirmation and project flagged by this call (none for a second
-- report, another kind of mail, or an address corrected meanwhile).
CREATE FUNCTION batch_mark_bounced(p_outbox text, p_reason text)
RETURNS TABLE (confirmation_id text, project_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	UPDATE outbox SET bounced_at = now(), bounce_reason = left(p_reason, 2000)
	WHERE id = p_outbox AND status = 'sent' AND bounced_at IS NULL;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY
	UPDATE confirmations c SET undeliverable = true, updated_at = now(),
	    version = c.version + 1
	FROM outbox o
	WHERE o.id = p_outbox
	  AND o.kind IN ('confirmation_request', 'reminder')
	  AND c.id = split_part(o.natural_key, ':', 2)
	  AND c.respondent_email = o.to_address AND NOT c.undeliverable
	RETURNING c.id, c.project_id;
END
$$;

-- A transient report (4.x.x, delayed) for sent row p_outbox: counted, nothing flagged.
-- Returns the count, or nothing if the row is not a sent one.
CREATE FUNCTION batch_count_transient_bounce(p_outbox text) RETURNS SETOF integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	UPDATE outbox SET transient_bounces = transient_bounces + 1
	WHERE id = p_outbox AND status = 'sent'
	RETURNING transient_bounces
$$;

REVOKE ALL ON FUNCTION batch_mark_bounced(text, text), batch_count_transient_bounce(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION batch_mark_bounced(text, text), batch_count_transient_bounce(text)
    TO bgw_app;
