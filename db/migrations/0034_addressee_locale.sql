-- 0034 the addressee's language, and the first-time respondent's one-form journey.
--
-- The audit team chooses per confirmation the language (ja/en) the addressee reads: the
-- request mail, reminders (batch and by hand), the invitation and the first pages of the
-- journey follow it, whether or not the addressee already has an account.
--
-- The invitation a request mail carries knows its confirmation (so the first page can say
-- who asks, and lead straight to the answer form) and its language.  The respondent types
-- the organisation's code on that first page, before any account exists: a wrong code must
-- create nothing, yet still count towards the lockout (issue 10).  The count lives on the
-- invitation: at the fifth wrong code the invitation is locked, and the audit team sends a
-- new one (a fresh send or code), as with a locked membership.

ALTER TABLE confirmations ADD COLUMN addressee_locale text NOT NULL DEFAULT 'ja'
	CHECK (addressee_locale IN ('ja', 'en'));

ALTER TABLE tokens ADD COLUMN confirmation_id text REFERENCES confirmations (id)
	ON DELETE CASCADE;
ALTER TABLE tokens ADD COLUMN locale text CHECK (locale IN ('ja', 'en'));
ALTER TABLE tokens ADD COLUMN code_failures integer NOT NULL DEFAULT 0
	CHECK (code_failures >= 0);

-- Check the code typed on an invitation's page against the current code of the invited
-- respondent organisation in its project: 'ok', 'wrong' (counted), 'locked' (this was the
-- fifth failure, or the invitation was locked already), NULL (no live respondent
-- invitation).  Only this function reads the code's hash; the limit matches
-- membership_code_check's.
CREATE FUNCTION invitation_code_check(p_token text, p_code text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	t_project  text;
	t_org      text;
	t_failures integer;
	want       bytea;
BEGIN
	SELECT project_id, organization_id, code_failures INTO t_project, t_org, t_failures
	FROM tokens WHERE id = p_token AND kind = 'invitation' AND side = 'respondent'
	  AND used_at IS NULL AND expires_at > now() FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF t_failures >= 5 THEN
		RETURN 'locked';
	END IF;
	SELECT code_hash INTO want FROM respondent_codes
	WHERE project_id = t_project AND organization_id = t_org AND replaced_at IS NULL;
	IF want IS NOT NULL
	   AND want = access_code_hash('bgw-respondent-code-v1', t_project, p_code) THEN
		RETURN 'ok';
	END IF;
	UPDATE tokens SET code_failures = code_failures + 1 WHERE id = p_token
	RETURNING code_failures INTO t_failures;
	RETURN CASE WHEN t_failures >= 5 THEN 'locked' ELSE 'wrong' END;
END
$$;

REVOKE ALL ON FUNCTION invitation_code_check(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION invitation_code_check(text, text) TO bgw_app;

-- The batch job (no user bound, so row-level security shows it no confirmation) reads the
-- addressee's language of a reminder through this, beside batch_due: a reminder goes out in
-- the language the audit team chose, not in the language of an account at that address.
CREATE FUNCTION batch_addressee_locale(p_confirmation text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT addressee_locale FROM confirmations WHERE id = p_confirmation
$$;

REVOKE ALL ON FUNCTION batch_addressee_locale(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION batch_addressee_locale(text) TO bgw_app;

-- What the first page of a request mail's link shows before anyone is signed in (the route
-- is bound to no user, so row-level security shows it no confirmation): who asks and about
-- what, never an amount.  NULL row for anything but a live respondent invitation.
CREATE FUNCTION invitation_facts(p_token text)
RETURNS TABLE (confirmation_id text, reference text, firm text, client text,
    due_date date, respondent_name text, locale text, code_locked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT c.id, c.reference, f.name, p.client_name, c.due_date, c.respondent_name,
	    coalesce(t.locale, c.addressee_locale), t.code_failures >= 5
	FROM tokens t
	JOIN confirmations c ON c.id = t.confirmation_id AND c.project_id = t.project_id
	JOIN projects p ON p.id = c.project_id
	JOIN organizations f ON f.id = p.audit_firm_id
	WHERE t.id = p_token AND t.kind = 'invitation' AND t.side = 'respondent'
	  AND t.used_at IS NULL AND t.expires_at > now()
$$;

REVOKE ALL ON FUNCTION invitation_facts(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION invitation_facts(text) TO bgw_app;
