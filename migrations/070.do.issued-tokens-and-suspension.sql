-- A suspended tenant keeps its logs (and retention keeps running) but none of its tokens is accepted.
ALTER TABLE tenants ADD COLUMN suspended_at timestamptz;

-- Every token the service mints for a tenant, so an admin can list and revoke them. The token itself
-- is never stored: token_id is its `jti` claim.
CREATE TABLE issued_tokens (
  token_id      uuid PRIMARY KEY,
  tenant_id     uuid        NOT NULL REFERENCES tenants (id),
  sub           text        NOT NULL,
  role          text        NOT NULL,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

CREATE INDEX issued_tokens_tenant_created_idx ON issued_tokens (tenant_id, created_at DESC, token_id DESC);
-- What every API process loads into its revocation set: revoked tokens that could still be presented.
CREATE INDEX issued_tokens_revoked_idx ON issued_tokens (expires_at) WHERE revoked_at IS NOT NULL;

ALTER TABLE issued_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE issued_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY issued_tokens_tenant_isolation ON issued_tokens
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON issued_tokens TO audit_application;

-- Each API process refuses revoked tokens of every tenant from memory, so it reads them across
-- tenants; this owner-defined function returns only ids and expiries, never who holds them.
CREATE FUNCTION revoked_unexpired_tokens()
  RETURNS TABLE (token_id uuid, expires_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT t.token_id, t.expires_at FROM issued_tokens t
     WHERE t.revoked_at IS NOT NULL AND t.expires_at > now()
  $$;

-- Last use is recorded coarsely and off the request path: each API process sends the tokens it saw
-- in one batch, whatever their tenants. A time only ever moves forward.
CREATE FUNCTION record_token_use(token_ids uuid[], used_at timestamptz[])
  RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    UPDATE issued_tokens AS t
       SET last_used_at = u.used_at
      FROM unnest(token_ids, used_at) AS u (token_id, used_at)
     WHERE t.token_id = u.token_id
       AND (t.last_used_at IS NULL OR t.last_used_at < u.used_at)
  $$;

REVOKE ALL ON FUNCTION revoked_unexpired_tokens() FROM PUBLIC;
REVOKE ALL ON FUNCTION record_token_use(uuid[], timestamptz[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION revoked_unexpired_tokens() TO audit_application;
GRANT EXECUTE ON FUNCTION record_token_use(uuid[], timestamptz[]) TO audit_application;
