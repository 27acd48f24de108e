-- Every search page shows each sealed event's seq, read from integrity_leaves. In a tenant
-- transaction that read takes three round trips (BEGIN and the tenant, SELECT, COMMIT) for one
-- indexed lookup. This function is the same transaction as one statement: it scopes its own
-- (implicit, single-statement) transaction to the tenant, then reads under row-level security like
-- any other query of the application role. It runs as its caller (SECURITY INVOKER), so it can see
-- nothing its caller could not see by setting the same tenant itself.
CREATE FUNCTION sealed_seqs_of(for_tenant uuid, log_ids uuid[])
  RETURNS TABLE (log_id uuid, seq bigint)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp
  AS $$
  #variable_conflict use_column
  BEGIN
    -- Called inside a transaction already scoped to another tenant, it must not switch tenants
    -- for the rest of that transaction.
    IF current_tenant_id() IS NOT NULL AND current_tenant_id() <> for_tenant THEN
      RAISE EXCEPTION 'sealed_seqs_of(%) inside a transaction scoped to another tenant', for_tenant USING ERRCODE = '42501';
    END IF;
    PERFORM set_config('app.tenant_id', for_tenant::text, true);
    RETURN QUERY
      SELECT l.log_id, l.seq FROM integrity_leaves l WHERE l.tenant_id = for_tenant AND l.log_id = ANY(log_ids);
  END
  $$;

REVOKE ALL ON FUNCTION sealed_seqs_of(uuid, uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sealed_seqs_of(uuid, uuid[]) TO audit_application;
