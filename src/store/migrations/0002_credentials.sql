-- Credentials and their input sources. Secret inputs are stored encrypted
-- ("$encrypted$AESGCM$..." strings inside the inputs JSON, core/secrets.hpp).
CREATE TABLE credentials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER REFERENCES organizations(id) ON DELETE CASCADE,
  credential_type_id INTEGER NOT NULL REFERENCES credential_types(id),
  inputs TEXT NOT NULL DEFAULT '{}',
  managed INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  -- Not enforced when organization_id is NULL (NULLs are distinct), as in AWX.
  UNIQUE (organization_id, name, credential_type_id)
);
CREATE INDEX credentials_org ON credentials(organization_id);
CREATE INDEX credentials_type ON credentials(credential_type_id);
CREATE INDEX credentials_name ON credentials(name);

CREATE TABLE credential_input_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  description TEXT NOT NULL DEFAULT '',
  input_field_name TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  target_credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  source_credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (target_credential_id, input_field_name)
);
CREATE INDEX credential_input_sources_source ON credential_input_sources(source_credential_id);
