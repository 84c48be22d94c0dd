-- 0022: stored answers that expire and go with their project, mail tokens out of the
-- outbox, the reason a respondent may read, and what a respondent may change.
--
-- Idempotency replies (0011) were kept for ever and held whole answers, MFA secrets and
-- first-access codes among them.  Now:
--   - a reply older than 24 hours is not replayed (lib/idempotency.c claims the key anew)
--     and the batch job deletes it (bgw-notify --once);
--   - a reply made inside a project names it, and the retention purge deletes it;
--   - a route whose answer carries a secret (cgi/route.h ROUTE_SECRET_ANSWER) keeps only
--     that the key was used (withheld): a repeat is 409 idempotency_key_used, never the
--     secret again.
ALTER TABLE idempotency_keys
	ADD COLUMN project_id text REFERENCES projects (id) ON DELETE CASCADE,
	ADD COLUMN withheld boolean NOT NULL DEFAULT false,
	ADD CHECK (NOT withheld OR (body IS NULL AND content_type IS NULL));
CREATE INDEX idempotency_keys_project ON idempotency_keys (project_id)
	WHERE project_id IS NOT NULL;
-- Old replies: all expired by the new rule except the last day's; nothing to keep them for.
DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours';

-- Mail that carries a live token (invitations, password resets) was queued under a natural
-- key holding the token itself, and kept it after sending.  lib/outbox.c now stores the
-- SHA-256 of such a key instead; rows queued before it get the same treatment here (the
-- body of a sent or failed row is already empty).
UPDATE outbox
SET natural_key = kind || ':sha256:' || encode(sha256(convert_to(natural_key, 'UTF8')), 'hex')
WHERE kind IN ('invitation', 'password_reset', 'firm_invitation', 'respondent_code')
  AND natural_key NOT LIKE kind || ':sha256:%';

-- Which side wrote a confirmation's status_reason: a respondent reads only a reason its
-- own side wrote (its decline, its admin's send-back), never the audit team's or the
-- client's (a return, a refusal, a cancellation, an "ask again").  Set by the trigger below
-- from the user bound to the transaction, so no statement can forget it; a change made by
-- the batch job or an admin command (no user) is nobody's side and shown to no respondent.
ALTER TABLE confirmations ADD COLUMN status_reason_side text
	CHECK (status_reason_side IN ('audit', 'client', 'respondent'));
UPDATE confirmations SET status_reason_side = 'respondent'
WHERE status = 'declined' AND status_reason IS NOT NULL;

-- bgw_app is one role for every user, so column privileges cannot tell a respondent from
-- an auditor: row-level security lets a respondent UPDATE its confirmations (it opens,
-- answers and declines them), and this trigger narrows that to the columns its actions
-- change.  Every other column, including any added later, must stay as it was: the list
-- below is what may change, not what may not.  Status moves only along the respondent's
-- part of the lifecycle (DESIGN.md).  SECURITY DEFINER to read the membership whatever
-- memberships' policies say.
CREATE FUNCTION confirmation_update_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	side text := (SELECT m.side FROM memberships m
	              WHERE m.project_id = NEW.project_id AND m.user_id = app_user_id());
	free constant text[] := ARRAY['status', 'status_reason', 'status_reason_side',
	    'opened_at', 'answered_at', 'version', 'updated_at'];
BEGIN
	IF side = 'respondent' THEN
		IF to_jsonb(NEW) - free IS DISTINCT FROM to_jsonb(OLD) - free THEN
			RAISE EXCEPTION 'a respondent cannot change this column of a confirmation'
			    USING ERRCODE = 'insufficient_privilege';
		END IF;
		IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
		    OLD.status IN ('sent', 'opened', 'awaiting_respondent_approval')
		    AND NEW.status IN ('opened', 'awaiting_respondent_approval', 'answered',
		        'declined')) THEN
			RAISE EXCEPTION 'a respondent cannot move a confirmation from % to %',
			    OLD.status, NEW.status USING ERRCODE = 'insufficient_privilege';
		END IF;
	END IF;
	IF NEW.status_reason IS DISTINCT FROM OLD.status_reason THEN
		NEW.status_reason_side := side;
	ELSE
		NEW.status_reason_side := OLD.status_reason_side;
	END IF;
	RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION confirmation_update_guard() FROM PUBLIC;
CREATE TRIGGER confirmation_update_guard BEFORE UPDATE ON confirmations
	FOR EACH ROW EXECUTE FUNCTION confirmation_update_guard();
