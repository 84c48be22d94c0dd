-- 0005 audit log: append-only, one hash chain per project (and one for events outside any
-- project: logins, operator actions), verified by the admin command.
--
-- seq counts from 1 in each chain; the first event's prev_hash is 32 zero bytes.  How hash
-- is computed over the event is the audit module's business; the database guarantees that
-- nothing is ever changed or removed (trigger below, and bgw_app holds INSERT and SELECT
-- only) and that two events cannot take the same place in a chain (unique index).  An event
-- holds ids and actions, never confirmation content, so it may outlive a purge.

CREATE TABLE audit_events (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id   text REFERENCES projects (id) ON DELETE RESTRICT,
	seq          bigint NOT NULL CHECK (seq > 0),
	at           timestamptz NOT NULL DEFAULT now(),
	actor_id     text CHECK (length(actor_id) <= 64),  -- no foreign key: outlives users
	action       text NOT NULL CHECK (action ~ '^[a-z][a-z_.]{0,63}$'),
	object_type  text CHECK (object_type ~ '^[a-z_]{1,32}$'),
	object_id    text CHECK (length(object_id) <= 64),
	ip           inet,
	detail       jsonb NOT NULL DEFAULT '{}',
	prev_hash    bytea NOT NULL CHECK (length(prev_hash) = 32),
	hash         bytea NOT NULL CHECK (length(hash) = 32),
	CHECK (seq > 1 OR prev_hash = '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
);
CREATE UNIQUE INDEX audit_events_chain ON audit_events (coalesce(project_id, ''), seq);
CREATE INDEX audit_events_object ON audit_events (object_id) WHERE object_id IS NOT NULL;

CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = bgw, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'audit_events is append-only'
	    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
	FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- The place for the next event of a chain (NULL project: the global chain): last seq and
-- hash, or 0 and zero bytes for an empty chain.  It serialises appenders of one chain with a
-- transaction-scoped advisory lock, so call it in the transaction that inserts the event.
-- SECURITY DEFINER because the appender may not be allowed to read the project's events
-- (a client's action is logged too); it returns a hash, never content.
CREATE FUNCTION audit_chain_head(p_project text, OUT last_seq bigint, OUT last_hash bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	-- Class 1 of the two-key advisory lock space is the audit chain; the migration runner
	-- uses the one-key space, which does not overlap.
	PERFORM pg_advisory_xact_lock(1, hashtext(coalesce(p_project, '')));
	SELECT e.seq, e.hash INTO last_seq, last_hash
	FROM audit_events e
	WHERE coalesce(e.project_id, '') = coalesce(p_project, '')
	ORDER BY e.seq DESC LIMIT 1;
	IF NOT FOUND THEN
		last_seq := 0;
		last_hash := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
	END IF;
END
$$;
