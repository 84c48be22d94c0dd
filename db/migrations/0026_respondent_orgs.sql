-- 0026 respondent organisations as tenants (issue 17, item 1): the tables.
--
-- Until now a respondent was a guest per project: a membership (side respondent, its
-- organisation, its own code state).  Now a respondent organisation has its own users,
-- managed once by its admins (org_members), arranged in units (org_units: exactly one
-- 'desk', the organisation's central queue, and any number of branches or departments),
-- and its first-access code is entered once per organisation and project
-- (org_code_verifications), not once per user.  Who may see what with these tables is
-- migration 0027 (the policy functions); docs/design.md "Respondent organisations".
--
-- The per-project respondent memberships stay: their users become members of their
-- organisation here (admin if they were an admin in any project), and a verified code of
-- any of them counts for the whole organisation in that project.  Later respondent
-- memberships (a known addressee joining at sending, a project invitation) add their user
-- to the organisation the same way (trigger below), so the two never disagree.

CREATE TABLE org_units (
	id               text PRIMARY KEY DEFAULT new_id(),
	organization_id  text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	kind             text NOT NULL CHECK (kind IN ('desk', 'branch', 'department')),
	-- A bank branch's code (全銀 branch code, 3 digits) when the unit is one.
	code             text CHECK (code ~ '^[0-9]{3}$'),
	name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	-- The unit's desk address, where its requests are announced.
	email            citext CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254
	                     AND strpos(email, '@') > 1)),
	created_at       timestamptz NOT NULL DEFAULT now(),
	deactivated_at   timestamptz,
	-- org_members and confirmations name a unit together with its organisation.
	UNIQUE (organization_id, id)
);
-- Every respondent organisation has exactly one desk.
CREATE UNIQUE INDEX org_units_one_desk ON org_units (organization_id) WHERE kind = 'desk';
-- A branch code names one unit of its organisation.
CREATE UNIQUE INDEX org_units_code ON org_units (organization_id, code) WHERE code IS NOT NULL;

CREATE TABLE org_members (
	organization_id  text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	-- A user belongs to one organisation (users.organization_id): one row a user.
	user_id          text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	-- NULL: the whole organisation (the desk); else the branch or department it works in.
	unit_id          text REFERENCES org_units (id),
	-- Manages the users (of its unit; of every unit when unit_id is NULL) and approves
	-- answers (再鑑) within its unit; an admin without a unit approves anything.
	admin            boolean NOT NULL DEFAULT false,
	created_by       text REFERENCES users (id) ON DELETE SET NULL,
	created_at       timestamptz NOT NULL DEFAULT now(),
	-- Set by an admin: from that moment the user sees nothing of the organisation.
	deactivated_at   timestamptz,
	FOREIGN KEY (organization_id, unit_id) REFERENCES org_units (organization_id, id)
);
CREATE INDEX org_members_org ON org_members (organization_id);

-- The organisation entered its code for the project's requests (issue 10's respondent
-- code): every user of the organisation is past the code from then on.
CREATE TABLE org_code_verifications (
	organization_id  text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	project_id       text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	verified_at      timestamptz NOT NULL DEFAULT now(),
	verified_by      text REFERENCES users (id) ON DELETE SET NULL,
	PRIMARY KEY (organization_id, project_id)
);
CREATE INDEX org_code_verifications_project ON org_code_verifications (project_id);

-- Wrong codes of an organisation's users without a project membership, counted for the
-- organisation (five for all its users together, not five each) and locked at the fifth,
-- like memberships.code_failures.  Changed only by membership_code_check (0027).
CREATE TABLE org_code_attempts (
	organization_id  text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	project_id       text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	failures         integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
	locked           boolean NOT NULL DEFAULT false,
	PRIMARY KEY (organization_id, project_id)
);

-- Where a request sits inside the respondent organisation (NULL: the desk's queue).
ALTER TABLE confirmations ADD COLUMN respondent_unit_id text REFERENCES org_units (id);
-- An organisation's requests across every project (its inbox, its access to a project).
CREATE INDEX confirmations_respondent_org ON confirmations (respondent_org_id, project_id)
	WHERE sent_at IS NOT NULL;

-- An invitation into a respondent organisation (no project) may name the unit.
ALTER TABLE tokens ADD COLUMN unit_id text REFERENCES org_units (id) ON DELETE CASCADE,
	ADD CHECK (unit_id IS NULL OR project_id IS NULL);

-- Every respondent organisation gets its desk when it is made.
CREATE FUNCTION org_desk_make() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF NEW.kind = 'respondent' THEN
		INSERT INTO org_units (organization_id, kind, name) VALUES (NEW.id, 'desk', NEW.name)
		ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER organizations_desk AFTER INSERT ON organizations
	FOR EACH ROW EXECUTE FUNCTION org_desk_make();

-- A respondent membership (sending to a known addressee, a project invitation) makes its
-- user a member of the organisation, unless it is one already; a user the organisation
-- deactivated gets no new membership at all (it would reopen what the admin closed).
CREATE FUNCTION membership_org_member() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF NEW.side <> 'respondent' THEN
		RETURN NEW;
	END IF;
	IF EXISTS (SELECT 1 FROM org_members om WHERE om.user_id = NEW.user_id
	    AND om.deactivated_at IS NOT NULL) THEN
		RETURN NULL;
	END IF;
	INSERT INTO org_members (organization_id, user_id, admin, created_by)
	SELECT NEW.organization_id, NEW.user_id, NEW.admin, NEW.created_by
	FROM users u WHERE u.id = NEW.user_id AND u.organization_id = NEW.organization_id
	ON CONFLICT (user_id) DO NOTHING;
	RETURN NEW;
END
$$;
CREATE TRIGGER memberships_org_member BEFORE INSERT ON memberships
	FOR EACH ROW EXECUTE FUNCTION membership_org_member();

-- Accepting an invitation into a respondent organisation (no project) makes the new (or
-- existing, same organisation) user its member with the admin flag and unit invited.
CREATE FUNCTION invitation_org_member() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	INSERT INTO org_members (organization_id, user_id, unit_id, admin, created_by)
	SELECT NEW.organization_id, u.id, NEW.unit_id, NEW.admin, NEW.created_by
	FROM users u JOIN organizations o ON o.id = u.organization_id
	WHERE u.email = NEW.email AND u.deleted_at IS NULL
	  AND u.organization_id = NEW.organization_id AND o.kind = 'respondent'
	ON CONFLICT (user_id) DO NOTHING;
	RETURN NULL;
END
$$;
CREATE TRIGGER tokens_org_member AFTER UPDATE OF used_at ON tokens
	FOR EACH ROW WHEN (NEW.kind = 'invitation' AND NEW.project_id IS NULL
	    AND OLD.used_at IS NULL AND NEW.used_at IS NOT NULL)
	EXECUTE FUNCTION invitation_org_member();

REVOKE ALL ON FUNCTION org_desk_make(), membership_org_member(), invitation_org_member()
    FROM PUBLIC;

-- The organisations there are: a desk each, their respondent members, their verified codes.
INSERT INTO org_units (organization_id, kind, name)
SELECT o.id, 'desk', o.name FROM organizations o WHERE o.kind = 'respondent'
ON CONFLICT DO NOTHING;

INSERT INTO org_members (organization_id, user_id, admin, created_at)
SELECT m.organization_id, m.user_id, bool_or(m.admin), min(m.created_at)
FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.side = 'respondent' AND u.organization_id = m.organization_id
GROUP BY m.organization_id, m.user_id
ON CONFLICT (user_id) DO NOTHING;

INSERT INTO org_code_verifications (organization_id, project_id, verified_at, verified_by)
SELECT DISTINCT ON (m.organization_id, m.project_id) m.organization_id, m.project_id,
    m.code_verified_at, m.user_id
FROM memberships m
WHERE m.side = 'respondent' AND m.code_verified_at IS NOT NULL
ORDER BY m.organization_id, m.project_id, m.code_verified_at
ON CONFLICT DO NOTHING;

-- The application reads and manages these through row-level security (0027 adds the
-- policies); a code verification is written only by membership_code_check, and the
-- attempts are nobody's to read.
GRANT SELECT, INSERT ON org_units TO bgw_app;
GRANT UPDATE (name, code, email, deactivated_at) ON org_units TO bgw_app;
GRANT SELECT ON org_members TO bgw_app;
GRANT INSERT (organization_id, user_id, unit_id, admin, created_by) ON org_members TO bgw_app;
GRANT UPDATE (unit_id, admin, deactivated_at) ON org_members TO bgw_app;
GRANT SELECT ON org_code_verifications TO bgw_app;
-- confirmations and tokens: the table grants of 0007 cover the new columns.
