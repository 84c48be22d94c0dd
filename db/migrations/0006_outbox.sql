-- 0006 outbox and notifications.
--
-- Mail is written to the outbox in the transaction that causes it and sent later by the
-- sender or the batch job.  natural_key (for example "reminder:<confirmation>:<day>") is
-- UNIQUE so a retried request or a second batch job cannot queue the same mail twice; the
-- sender claims rows with FOR UPDATE SKIP LOCKED and a lease (locked_until), so a message
-- is sent at most once per claim and a crashed sender's claim expires.

CREATE TABLE outbox (
	id               text PRIMARY KEY DEFAULT new_id(),
	natural_key      text NOT NULL UNIQUE CHECK (length(natural_key) BETWEEN 1 AND 200),
	kind             text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
	project_id       text REFERENCES projects (id) ON DELETE SET NULL,
	to_address       citext NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
	subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 998),
	-- May hold a single-use link: the sender clears it once the mail is sent.
	body             text NOT NULL CHECK (length(body) <= 1000000),
	status           text NOT NULL DEFAULT 'queued'
	                 CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt_at  timestamptz NOT NULL DEFAULT now(),
	locked_until     timestamptz,
	last_error       text CHECK (length(last_error) <= 2000),
	message_id       text CHECK (length(message_id) <= 998),
	created_at       timestamptz NOT NULL DEFAULT now(),
	sent_at          timestamptz,
	CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_project ON outbox (project_id);

-- In-application notices (the digest and the inbox badge), one per natural key.
CREATE TABLE notifications (
	id               text PRIMARY KEY DEFAULT new_id(),
	natural_key      text NOT NULL UNIQUE CHECK (length(natural_key) BETWEEN 1 AND 200),
	user_id          text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	project_id       text REFERENCES projects (id) ON DELETE CASCADE,
	confirmation_id  text REFERENCES confirmations (id) ON DELETE CASCADE,
	kind             text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
	created_at       timestamptz NOT NULL DEFAULT now(),
	read_at          timestamptz,
	digested_at      timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at) WHERE read_at IS NULL;
