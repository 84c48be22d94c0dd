-- 0004 documents: uploaded files, stored encrypted in the blob store.  Each file has its own
-- AES-256-GCM key, kept here only wrapped by the master key of key_version.  A document
-- belongs to a project, and optionally to a confirmation and to one answer of it.

CREATE TABLE documents (
	id               text PRIMARY KEY DEFAULT new_id(),
	project_id       text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	confirmation_id  text REFERENCES confirmations (id) ON DELETE CASCADE,
	response_id      text REFERENCES responses (id) ON DELETE CASCADE,
	name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),  -- sanitised
	size             bigint NOT NULL CHECK (size >= 0),
	sha256           bytea NOT NULL CHECK (length(sha256) = 32),
	content_type     text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 127),
	blob_id          text NOT NULL UNIQUE CHECK (length(blob_id) BETWEEN 1 AND 200),
	wrapped_key      bytea NOT NULL CHECK (length(wrapped_key) BETWEEN 32 AND 256),
	key_version      integer NOT NULL REFERENCES master_keys (version),
	created_by       text REFERENCES users (id) ON DELETE SET NULL,
	created_at       timestamptz NOT NULL DEFAULT now(),
	CHECK (response_id IS NULL OR confirmation_id IS NOT NULL)
);
CREATE INDEX documents_project ON documents (project_id, created_at);
CREATE INDEX documents_confirmation ON documents (confirmation_id);
CREATE INDEX documents_key_version ON documents (key_version);
