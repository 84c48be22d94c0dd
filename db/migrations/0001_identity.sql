-- 0001 identity: ids, organisations, users, MFA recovery codes, sessions, throttling.
--
-- Migrations run as bgw_owner through lib/migrate.c, each file in its own transaction with
-- search_path = bgw, public; a file must not BEGIN or COMMIT itself.  Every table lives in
-- schema bgw (created by db/roles.sql).  Rights for bgw_app and row-level security are in
-- 0007_security.sql.
--
-- Ids are made by the database (new_id below): 96 random bits from pgcrypto, base64url,
-- 16 characters.  Nothing in C needs to generate one, and no id is ever sequential.  A
-- caller that needs the id of a row it cannot read back under row-level security (a new
-- project) runs SELECT new_id() first and inserts it explicitly.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto')
	    OR NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citext') THEN
		RAISE EXCEPTION 'extensions pgcrypto and citext are missing: run db/roles.sql as a superuser first';
	END IF;
END
$$;

CREATE FUNCTION new_id() RETURNS text
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$ SELECT translate(encode(public.gen_random_bytes(12), 'base64'), '+/', '-_') $$;

-- The reference printed in mails and letters and typed into the public verify page: 10
-- characters from 32 that cannot be misread (no I, O, 0, 1): 50 random bits.  256 is a
-- multiple of 32, so taking each byte modulo 32 is unbiased.  A collision is caught by the
-- UNIQUE constraint and the caller retries.
CREATE FUNCTION new_reference() RETURNS text
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$
	SELECT string_agg(substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789',
	    get_byte(r.b, i) % 32 + 1, 1), '' ORDER BY i)
	FROM (SELECT public.gen_random_bytes(10) AS b) AS r, generate_series(0, 9) AS i
$$;

CREATE TABLE organizations (
	id          text PRIMARY KEY DEFAULT new_id(),
	kind        text NOT NULL
	            CHECK (kind IN ('audit_firm', 'client', 'respondent', 'operator')),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	created_at  timestamptz NOT NULL DEFAULT now(),
	deleted_at  timestamptz
);
CREATE INDEX organizations_kind_name ON organizations (kind, lower(name));

-- Master keys themselves never enter the database: this table only names their versions,
-- so that every wrapped key and encrypted secret says which version wrapped it and a
-- rotation can find what is left to re-wrap.
CREATE TABLE master_keys (
	version     integer PRIMARY KEY CHECK (version > 0),
	created_at  timestamptz NOT NULL DEFAULT now(),
	active      boolean NOT NULL DEFAULT false,
	retired_at  timestamptz,
	CHECK (NOT (active AND retired_at IS NOT NULL))
);
CREATE UNIQUE INDEX master_keys_one_active ON master_keys (active) WHERE active;
-- Version 1 is the key every installation starts with; rotation (the admin command, as the
-- owner) adds the next version and retires this one.
INSERT INTO master_keys (version, active) VALUES (1, true);

CREATE TABLE users (
	id               text PRIMARY KEY DEFAULT new_id(),
	organization_id  text NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
	email            citext NOT NULL UNIQUE
	                 CHECK (length(email) BETWEEN 3 AND 254 AND strpos(email, '@') > 1),
	name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	password_hash    text CHECK (length(password_hash) <= 512),  -- NULL: no password yet
	locale           text NOT NULL DEFAULT 'ja' CHECK (locale IN ('ja', 'en')),
	mfa_secret_enc   bytea CHECK (length(mfa_secret_enc) <= 256), -- AES-GCM under a master key
	mfa_key_version  integer REFERENCES master_keys (version),
	mfa_enabled      boolean NOT NULL DEFAULT false,
	mfa_last_step    bigint CHECK (mfa_last_step >= 0),  -- last TOTP step used: no replay
	failed_logins    integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
	locked_until     timestamptz,
	last_login_at    timestamptz,
	is_operator      boolean NOT NULL DEFAULT false,
	created_at       timestamptz NOT NULL DEFAULT now(),
	updated_at       timestamptz NOT NULL DEFAULT now(),
	deleted_at       timestamptz,
	CHECK (NOT mfa_enabled OR (mfa_secret_enc IS NOT NULL AND mfa_key_version IS NOT NULL)),
	CHECK ((mfa_secret_enc IS NULL) = (mfa_key_version IS NULL))
);
CREATE INDEX users_organization ON users (organization_id);

CREATE TABLE mfa_recovery_codes (
	id          text PRIMARY KEY DEFAULT new_id(),
	user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash   bytea NOT NULL CHECK (length(code_hash) BETWEEN 16 AND 128),
	created_at  timestamptz NOT NULL DEFAULT now(),
	used_at     timestamptz
);
CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id);

-- Only hashes of the session token and CSRF token are stored: a copy of this table does not
-- let anyone in.
CREATE TABLE sessions (
	id            text PRIMARY KEY DEFAULT new_id(),
	token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_hash     bytea NOT NULL CHECK (length(csrf_hash) = 32),
	created_at    timestamptz NOT NULL DEFAULT now(),
	last_seen_at  timestamptz NOT NULL DEFAULT now(),
	expires_at    timestamptz NOT NULL,  -- absolute limit, whatever the activity
	ip            inet,
	CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed attempts per bucket ('login_account', 'login_address', 'reset_address', ...) and
-- key (a lower-cased e-mail or an address): the auth code decides the limits.
CREATE TABLE throttle (
	bucket        text NOT NULL CHECK (bucket ~ '^[a-z_]{1,32}$'),
	key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 320),
	window_start  timestamptz NOT NULL DEFAULT now(),
	failures      integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
	locked_until  timestamptz,
	PRIMARY KEY (bucket, key)
);
CREATE INDEX throttle_window ON throttle (window_start);
