-- 0021 pending sign-ins: the HTML login's second step (the one-time code) no longer carries
-- the password in a hidden field.  After a right password for an account with MFA, the
-- server keeps a short-lived, single-use pending sign-in bound to the account, and the code
-- form carries only its random token (lib/session.h session_pending_create).
--
-- Only the SHA-256 of the token is stored, like sessions: a copy of this table lets nobody
-- past the password.  A row is deleted when its token is presented (right code or wrong);
-- a wrong code gets a new row with the same expiry, so the step never outlives the first
-- one's few minutes.  Like sessions and tokens, the table is read before anyone is signed
-- in, so it has no row-level security: the application finds a row only by its token.
CREATE TABLE login_pending (
	id          text PRIMARY KEY DEFAULT new_id(),
	token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL
);
CREATE INDEX login_pending_expires ON login_pending (expires_at);

GRANT SELECT, INSERT, DELETE ON login_pending TO bgw_app;
