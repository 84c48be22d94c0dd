-- 0011 idempotency keys: a POST that carries an Idempotency-Key header runs once per user and
-- key; a retry (a browser resubmitting after a 502, a client whose connection dropped) gets
-- the first answer again instead of creating a second row.  The first request's row is
-- inserted in its own transaction before the handler runs, so a concurrent retry waits on
-- the primary key until the first commits, then replays its answer.

CREATE TABLE idempotency_keys (
	user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key           text NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:-]{8,100}$'),
	method        text NOT NULL CHECK (method ~ '^[A-Z]{3,7}$'),
	path          text NOT NULL CHECK (length(path) <= 1000),
	status        integer CHECK (status BETWEEN 100 AND 599),
	content_type  text CHECK (length(content_type) <= 200),
	body          text,
	created_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO bgw_app;
