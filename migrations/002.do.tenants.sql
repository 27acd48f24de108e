CREATE TABLE tenants (
  id              uuid PRIMARY KEY,
  name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 128),
  retention_days  integer NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 1 AND 36500),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX tenants_name_key ON tenants (lower(name));

-- Tenants are never deleted by the application: their audit logs must outlive them.
GRANT SELECT, INSERT, UPDATE ON tenants TO audit_application;
