-- 0002 projects: engagements, their members, and the single-use tokens (invitations,
-- password resets) that may point at a project.

CREATE TABLE projects (
	id                      text PRIMARY KEY DEFAULT new_id(),
	name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	client_name             text NOT NULL CHECK (length(client_name) BETWEEN 1 AND 200),
	client_org_id           text NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
	audit_firm_id           text NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
	period_end              date NOT NULL,
	status                  text NOT NULL DEFAULT 'active'
	                        CHECK (status IN ('active', 'completed', 'purged')),
	completed_at            timestamptz,
	purged_at               timestamptz,
	-- Days after completion that the audit team keeps read access; then the purge.
	retention_days          integer NOT NULL DEFAULT 3650
	                        CHECK (retention_days BETWEEN 1 AND 36500),
	first_access_code_hash  bytea NOT NULL CHECK (length(first_access_code_hash) BETWEEN 16 AND 128),
	mfa_required            boolean NOT NULL DEFAULT false,
	-- Reminder schedule: days before the due date, days after it, then every N days; NULL
	-- turns that reminder off.
	remind_days_before      integer DEFAULT 7 CHECK (remind_days_before BETWEEN 0 AND 365),
	remind_days_after       integer DEFAULT 3 CHECK (remind_days_after BETWEEN 0 AND 365),
	remind_every_days       integer DEFAULT 7 CHECK (remind_every_days BETWEEN 1 AND 365),
	created_by              text REFERENCES users (id) ON DELETE SET NULL,
	created_at              timestamptz NOT NULL DEFAULT now(),
	updated_at              timestamptz NOT NULL DEFAULT now(),
	CHECK ((status = 'active') = (completed_at IS NULL)),
	CHECK ((status = 'purged') = (purged_at IS NOT NULL))
);
CREATE INDEX projects_audit_firm ON projects (audit_firm_id, status);
CREATE INDEX projects_client_org ON projects (client_org_id);
CREATE INDEX projects_purge_due ON projects (completed_at) WHERE status = 'completed';

CREATE TABLE memberships (
	project_id        text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	user_id           text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	side              text NOT NULL CHECK (side IN ('audit', 'client', 'respondent')),
	admin             boolean NOT NULL DEFAULT false,
	-- For a respondent: the organisation whose confirmations the user may answer.
	organization_id   text REFERENCES organizations (id) ON DELETE RESTRICT,
	code_verified_at  timestamptz,
	code_failures     integer NOT NULL DEFAULT 0 CHECK (code_failures >= 0),
	code_locked       boolean NOT NULL DEFAULT false,
	created_by        text REFERENCES users (id) ON DELETE SET NULL,
	created_at        timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (project_id, user_id),
	CHECK (side <> 'respondent' OR organization_id IS NOT NULL)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_org ON memberships (organization_id, project_id);

-- Invitation and password-reset tokens.  Only the SHA-256 of the token is stored.  An
-- invitation carries the membership it grants when accepted (project, side, admin,
-- organisation); the first admin of a new audit firm is invited without a project.
CREATE TABLE tokens (
	id               text PRIMARY KEY DEFAULT new_id(),
	token_hash       bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	kind             text NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
	user_id          text REFERENCES users (id) ON DELETE CASCADE,
	email            citext CHECK (length(email) BETWEEN 3 AND 254),
	project_id       text REFERENCES projects (id) ON DELETE CASCADE,
	side             text CHECK (side IN ('audit', 'client', 'respondent')),
	admin            boolean NOT NULL DEFAULT false,
	organization_id  text REFERENCES organizations (id) ON DELETE CASCADE,
	created_by       text REFERENCES users (id) ON DELETE SET NULL,
	created_at       timestamptz NOT NULL DEFAULT now(),
	expires_at       timestamptz NOT NULL,
	used_at          timestamptz,
	CHECK (expires_at > created_at),
	CHECK (kind <> 'password_reset' OR (user_id IS NOT NULL AND project_id IS NULL)),
	CHECK (kind <> 'invitation' OR (email IS NOT NULL AND organization_id IS NOT NULL)),
	CHECK ((project_id IS NULL) = (side IS NULL))
);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_email ON tokens (email) WHERE used_at IS NULL;
CREATE INDEX tokens_expires ON tokens (expires_at);
