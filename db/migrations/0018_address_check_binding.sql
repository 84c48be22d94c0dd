-- 0018: an address check is bound to what it checked.
--
-- Before this, address_checks said only who checked, how and when: a check made of one
-- addressee stayed valid after the client changed the draft to another e-mail, and the
-- request went wherever the client pointed it (ISA 505.7: the auditor controls the
-- channel).  A check now records the e-mail, organisation and person it verified and the
-- confirmation version it was made on.  A change of the respondent voids every live check
-- of the confirmation (voided_at, void_reason, and a conf.address_check_void event), and
-- sending needs a live check whose e-mail, organisation and person are the current ones
-- (lib/confflow.h: CONF_CHECK_VALID, the one predicate the send and the JSON share).
--
-- respondent_locked_at is the time of the first audit check: from then on only the audit
-- team changes the respondent (the client asks through a comment).  The application
-- refuses the client's change with 409 respondent_locked; the trigger below is the second
-- wall behind it.

ALTER TABLE address_checks
	ADD COLUMN email             citext,
	ADD COLUMN organization_id   text REFERENCES organizations (id) ON DELETE RESTRICT,
	ADD COLUMN organization_name text CHECK (length(organization_name) <= 400),
	ADD COLUMN person_name       text CHECK (length(person_name) <= 200),
	ADD COLUMN conf_version      integer CHECK (conf_version > 0),
	ADD COLUMN voided_at         timestamptz,
	-- respondent_changed: a PATCH or form edit by the audit team; readdressed: an
	-- undeliverable request sent to a corrected address; unbound: made before this
	-- migration on a request not yet sent, when nobody can tell what it checked.
	ADD COLUMN void_reason       text CHECK (void_reason IN
	                             ('respondent_changed', 'readdressed', 'unbound')),
	ADD CHECK ((voided_at IS NULL) = (void_reason IS NULL));

-- Earlier checks: what the request was (or is) addressed to.  For a request already sent
-- that is where it went; one not yet sent must be checked again, since the old row cannot
-- say whether the addressee changed after it.
UPDATE address_checks a SET email = c.respondent_email, organization_id = c.respondent_org_id,
	organization_name = o.name, person_name = c.respondent_name, conf_version = c.version,
	voided_at = CASE WHEN c.sent_at IS NULL THEN now() END,
	void_reason = CASE WHEN c.sent_at IS NULL THEN 'unbound' END
FROM confirmations c JOIN organizations o ON o.id = c.respondent_org_id
WHERE c.id = a.confirmation_id;

ALTER TABLE address_checks
	ALTER COLUMN email SET NOT NULL,
	ALTER COLUMN organization_id SET NOT NULL,
	ALTER COLUMN organization_name SET NOT NULL,
	ALTER COLUMN person_name SET NOT NULL,
	ALTER COLUMN conf_version SET NOT NULL;

-- Only a void moves in place; what was checked, by whom and when never changes.
GRANT UPDATE (voided_at, void_reason) ON address_checks TO bgw_app;

ALTER TABLE confirmations ADD COLUMN respondent_locked_at timestamptz;
UPDATE confirmations c SET respondent_locked_at = f.first
FROM (SELECT confirmation_id, min(checked_at) AS first FROM address_checks
      GROUP BY confirmation_id) f
WHERE f.confirmation_id = c.id;

-- The second wall: once the audit team has checked the address, a user of any other side
-- cannot change the respondent.  Sessions without an application user (migrations, the
-- operators' maintenance) are not judged here.
CREATE FUNCTION confirmation_respondent_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF app_user_id() IS NOT NULL
	   AND project_side(NEW.project_id) IS DISTINCT FROM 'audit' THEN
		RAISE EXCEPTION 'cannot change the respondent of % after the address check', OLD.id
		    USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER confirmations_respondent_guard BEFORE UPDATE ON confirmations
	FOR EACH ROW WHEN (OLD.respondent_locked_at IS NOT NULL
	    AND (OLD.respondent_email, OLD.respondent_org_id, OLD.respondent_name)
	        IS DISTINCT FROM (NEW.respondent_email, NEW.respondent_org_id, NEW.respondent_name))
	EXECUTE FUNCTION confirmation_respondent_guard();
