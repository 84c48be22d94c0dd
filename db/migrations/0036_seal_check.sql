-- 0036 seal check: the public check of a printed receipt's seal (issue 18).
--
-- Whoever holds a receipt (paper or PDF) may ask whether its seal is the seal of a final
-- answer to that request.  Like verify_reference (0009) the caller has no user, so this
-- function runs as the owner and answers one fact and its date, nothing else: the day the
-- answer was sealed (approved, or submitted when no approval was needed), or no row.  No
-- amounts, no respondent, no version: the seal itself says which answer is meant.  Drafts,
-- unsent requests and purged projects answer nothing, as for verify_reference.
CREATE FUNCTION verify_seal(p_reference text, p_seal bytea, OUT sealed_on date)
RETURNS SETOF date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT (coalesce(r.approved_at, r.submitted_at) AT TIME ZONE 'UTC')::date
	FROM confirmations c
	JOIN projects p ON p.id = c.project_id
	JOIN responses r ON r.confirmation_id = c.id
	WHERE c.reference = p_reference AND c.sent_at IS NOT NULL AND p.status <> 'purged'
	    AND r.final AND r.seal = p_seal
$$;
REVOKE ALL ON FUNCTION verify_seal(text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION verify_seal(text, bytea) TO bgw_app;
