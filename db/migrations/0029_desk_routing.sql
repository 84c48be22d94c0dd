-- 0029 desk and branch routing in a certified respondent (issue 17, item 3).
--
-- A certified organisation's requests arrive at its desk (confirmations.respondent_unit_id
-- NULL) or at the branch the auditor picked.  The desk routes them to a branch or
-- department; the users of a branch see only their branch's requests, the desk's users
-- (org_members.unit_id NULL) see all of them.  Answers go through maker-checker: a user of
-- the unit prepares the answer, an admin of that unit or of the whole organisation who is
-- not its maker approves it (lib/flow/certified.c; the approver and time are the
-- response's approver_id and approved_at).

-- May the user see a request of p_org sitting at unit p_unit?  False only for a live
-- member of p_org assigned to another unit: everyone else (the desk, the audit team, the
-- client, other organisations) is judged by the other policies as before.
CREATE FUNCTION org_unit_sees(p_org text, p_unit text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT NOT EXISTS (SELECT 1 FROM org_members om
	    WHERE om.user_id = app_user_id() AND om.organization_id = p_org
	      AND om.deactivated_at IS NULL AND om.unit_id IS NOT NULL
	      AND om.unit_id IS DISTINCT FROM p_unit)
$$;
REVOKE ALL ON FUNCTION org_unit_sees(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION org_unit_sees(text, text) TO bgw_app;

-- Restrictive: on top of every permissive read policy, a branch sees its own requests only.
-- Lists, the inbox and the policy layer's target facts all read through it, so another
-- branch's request is 404 like any request the user may not see.
CREATE POLICY confirmations_unit ON confirmations AS RESTRICTIVE FOR SELECT
	USING (org_unit_sees(respondent_org_id, respondent_unit_id));

-- The respondent's part in a confirmation (0027's guard) gains one column: where the
-- request sits inside the organisation.  Who may move it is the trigger after it.
CREATE OR REPLACE FUNCTION confirmation_update_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	side text := (SELECT a.side FROM project_access(NEW.project_id) a);
	free constant text[] := ARRAY['status', 'status_reason', 'status_reason_side',
	    'opened_at', 'answered_at', 'version', 'updated_at', 'respondent_unit_id'];
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

-- Routing inside the organisation: only the desk (a live member of the respondent
-- organisation without a unit) moves a request, to a live unit of the same organisation,
-- while it is waiting for an answer.  The audit team's pick (before sending) is judged by
-- the policies of 0018/0028 and passes here.
CREATE FUNCTION confirmation_unit_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF app_user_id() IS NULL OR OLD.sent_at IS NULL THEN
		RETURN NEW;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM org_members om JOIN users u ON u.id = om.user_id
	    WHERE om.user_id = app_user_id() AND om.organization_id = NEW.respondent_org_id
	      AND om.unit_id IS NULL AND om.deactivated_at IS NULL AND u.deleted_at IS NULL) THEN
		RAISE EXCEPTION 'only the desk routes a request' USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF NEW.respondent_unit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM org_units u
	    WHERE u.id = NEW.respondent_unit_id AND u.organization_id = NEW.respondent_org_id
	      AND u.deactivated_at IS NULL) THEN
		RAISE EXCEPTION 'no such unit in the organisation' USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER confirmation_unit_guard BEFORE UPDATE ON confirmations
	FOR EACH ROW WHEN (OLD.respondent_unit_id IS DISTINCT FROM NEW.respondent_unit_id)
	EXECUTE FUNCTION confirmation_unit_guard();

-- A certified organisation's users work in a unit: the addressee of a branch's requests
-- (the branch's desk address) in that branch, and whoever a unit's user brings in, in
-- the unit of the user who brought it in (0026's trigger adds both to the organisation
-- without a unit).  Others stay at the desk.
CREATE FUNCTION org_member_certified_unit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF NEW.unit_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM certified_respondents cr
	    WHERE cr.organization_id = NEW.organization_id) THEN
		RETURN NEW;
	END IF;
	NEW.unit_id := coalesce(
	    (SELECT un.id FROM org_units un JOIN users u ON u.email = un.email
	     WHERE u.id = NEW.user_id AND un.organization_id = NEW.organization_id
	       AND un.kind <> 'desk' AND un.deactivated_at IS NULL ORDER BY un.created_at LIMIT 1),
	    (SELECT om.unit_id FROM org_members om
	     WHERE om.user_id = coalesce(NEW.created_by, (
	         -- Accepting a project invitation records no creator on the membership: the
	         -- inviter is the newest invitation of this address into the organisation's.
	         SELECT t.created_by FROM tokens t JOIN users u ON u.email = t.email
	         WHERE u.id = NEW.user_id AND t.kind = 'invitation'
	           AND t.organization_id = NEW.organization_id
	         ORDER BY t.created_at DESC LIMIT 1))
	       AND om.organization_id = NEW.organization_id AND om.deactivated_at IS NULL));
	RETURN NEW;
END
$$;
CREATE TRIGGER org_members_certified_unit BEFORE INSERT ON org_members
	FOR EACH ROW EXECUTE FUNCTION org_member_certified_unit();
REVOKE ALL ON FUNCTION confirmation_unit_guard(), org_member_certified_unit() FROM PUBLIC;

-- The desk's queue: the organisation's sent requests, by due date.
CREATE INDEX confirmations_desk ON confirmations (respondent_org_id, due_date)
	WHERE sent_at IS NOT NULL;
