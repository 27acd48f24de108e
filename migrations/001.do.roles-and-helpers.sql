-- The application logs in as a member of audit_application: it owns nothing and cannot bypass
-- row-level security, so a query that forgets its tenant sees no rows instead of every tenant's.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_application') THEN
    CREATE ROLE audit_application NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO audit_application;

-- Unset or empty means "no tenant": the policies then match nothing (fail closed).
CREATE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

GRANT EXECUTE ON FUNCTION current_tenant_id() TO audit_application;
