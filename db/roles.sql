-- roles.sql - the database roles, extensions and schema that the migrations build on.
--
-- Run as a superuser, connected to the application's database, before the first migration
-- and again at any time (idempotent):
--     psql -v ON_ERROR_STOP=1 -d bgw -f db/roles.sql
-- Passwords are not set here: production sets them out of band (ALTER ROLE ... PASSWORD, or
-- peer / certificate authentication in pg_hba.conf); the dev cluster trusts its socket.
--
-- bgw_owner owns the schema "bgw" and everything in it, and runs the migrations.
-- bgw_app is what the workers, the batch job and the mail sender log in as: it cannot create
-- anything, cannot bypass row-level security, and gets only the table rights each migration
-- grants it.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bgw_owner') THEN
		CREATE ROLE bgw_owner LOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bgw_app') THEN
		CREATE ROLE bgw_app LOGIN;
	END IF;
END
$$;

-- Re-assert the attributes on every run so a hand-made change cannot survive a deploy.
ALTER ROLE bgw_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
	INHERIT;
ALTER ROLE bgw_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
	NOINHERIT;
ALTER ROLE bgw_owner SET search_path = bgw, public;
ALTER ROLE bgw_app SET search_path = bgw, public;

-- The application role must never hold the owner's rights through membership.
DO $$
BEGIN
	IF pg_has_role('bgw_app', 'bgw_owner', 'MEMBER') THEN
		REVOKE bgw_owner FROM bgw_app;
	END IF;
END
$$;

-- Extensions need a superuser; they live in public, where nobody else may create objects.
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO bgw_owner, bgw_app;

CREATE SCHEMA IF NOT EXISTS bgw AUTHORIZATION bgw_owner;
ALTER SCHEMA bgw OWNER TO bgw_owner;
REVOKE ALL ON SCHEMA bgw FROM PUBLIC;
GRANT USAGE ON SCHEMA bgw TO bgw_app;

-- Functions are executable by PUBLIC unless revoked: make every new function of the owner
-- private by default, so each migration grants EXECUTE explicitly.
ALTER DEFAULT PRIVILEGES FOR ROLE bgw_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

DO $$
BEGIN
	EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC',
	    current_database());
	EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM bgw_app',
	    current_database());
	EXECUTE format('GRANT CONNECT ON DATABASE %I TO bgw_owner, bgw_app',
	    current_database());
END
$$;
