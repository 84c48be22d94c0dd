-- 0023 audit checkpoints: what the batch job and bgw-admin read to anchor the audit chains
-- outside the database (lib/auditcp.c, docs/operations.md "Audit checkpoints").
--
-- A checkpoint records, for every chain, its length and the hash of its last event, signed
-- with a key the database never holds, in a file the database cannot write.  Reading the
-- heads needs every chain, which row-level security hides from bgw_app (the batch job has
-- no user bound): so a SECURITY DEFINER function that returns hashes and counts only, never
-- an event's content, like audit_chain_head in 0005.  The operators' addresses come the same
-- way: the batch job mails each checkpoint to the service's operators.

-- Every chain (project NULL: the global one) with its last seq and hash.  The unique index
-- audit_events_chain (coalesce(project_id, ''), seq) serves the DISTINCT ON in its order.
CREATE FUNCTION audit_chain_heads()
RETURNS TABLE (project_id text, last_seq bigint, last_hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT DISTINCT ON (coalesce(e.project_id, '')) e.project_id, e.seq, e.hash
	FROM audit_events e
	ORDER BY coalesce(e.project_id, ''), e.seq DESC
$$;

-- One chain compared with a checkpoint line: its number of events today, and the hash of
-- its event p_seq (NULL when there is none).  Before a new checkpoint, the batch job checks
-- each chain against the previous one, so that a chain cut short or rewritten in between is
-- refused rather than anchored in its new state.
CREATE FUNCTION audit_chain_at(p_project text, p_seq bigint, OUT length bigint, OUT hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT (SELECT count(*) FROM audit_events e
	        WHERE coalesce(e.project_id, '') = coalesce(p_project, '')),
	       (SELECT e.hash FROM audit_events e
	        WHERE coalesce(e.project_id, '') = coalesce(p_project, '') AND e.seq = p_seq)
$$;

-- The service's operators who receive the checkpoint mail: not deleted, not locked for good.
CREATE FUNCTION audit_checkpoint_recipients()
RETURNS TABLE (user_id text, email text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT u.id, u.email::text FROM users u
	WHERE u.is_operator AND u.deleted_at IS NULL
	  AND (u.locked_until IS NULL OR u.locked_until <> 'infinity')
	ORDER BY u.id
$$;

REVOKE ALL ON FUNCTION audit_chain_heads(), audit_chain_at(text, bigint),
    audit_checkpoint_recipients() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_chain_heads(), audit_chain_at(text, bigint),
    audit_checkpoint_recipients() TO bgw_app;
