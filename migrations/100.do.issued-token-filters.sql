-- A viewer token's fixed filters (its `filters` claim), so an admin listing a tenant's tokens sees
-- what each viewer can read. NULL for tokens without filters.
ALTER TABLE issued_tokens ADD COLUMN filters jsonb;
