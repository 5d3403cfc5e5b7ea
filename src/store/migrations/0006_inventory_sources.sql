-- Inventory sources (api-resources.md §14) and inventory updates (§15), the second kind of
-- unified job. Hosts and groups remember the source that imported them, so an update with
-- `overwrite` can remove what its source no longer holds.
CREATE TABLE inventory_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  inventory_id INTEGER NOT NULL REFERENCES inventories(id) ON DELETE CASCADE,
  source TEXT NOT NULL DEFAULT '',
  source_path TEXT NOT NULL DEFAULT '',
  source_vars TEXT NOT NULL DEFAULT '',
  scm_branch TEXT NOT NULL DEFAULT '',
  credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL,
  enabled_var TEXT NOT NULL DEFAULT '',
  enabled_value TEXT NOT NULL DEFAULT '',
  host_filter TEXT NOT NULL DEFAULT '',
  limit_ TEXT NOT NULL DEFAULT '',
  overwrite INTEGER NOT NULL DEFAULT 0,
  overwrite_vars INTEGER NOT NULL DEFAULT 0,
  timeout INTEGER NOT NULL DEFAULT 0,
  verbosity INTEGER NOT NULL DEFAULT 1,
  source_project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL,
  update_on_launch INTEGER NOT NULL DEFAULT 0,
  update_cache_timeout INTEGER NOT NULL DEFAULT 0,
  execution_environment_id INTEGER,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (inventory_id, name)
);
CREATE INDEX inventory_sources_project ON inventory_sources(source_project_id);

ALTER TABLE hosts ADD COLUMN inventory_source_id INTEGER REFERENCES inventory_sources(id) ON DELETE SET NULL;
ALTER TABLE groups ADD COLUMN inventory_source_id INTEGER REFERENCES inventory_sources(id) ON DELETE SET NULL;

-- inventory updates
ALTER TABLE unified_jobs ADD COLUMN inventory_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN inventory_source_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN source_path TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN source_vars TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN overwrite INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN overwrite_vars INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN enabled_var TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN enabled_value TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN host_filter TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN limit_ TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN verbosity INTEGER NOT NULL DEFAULT 1;
ALTER TABLE unified_jobs ADD COLUMN source_project_update_id INTEGER;
CREATE INDEX unified_jobs_inventory_source ON unified_jobs(inventory_source_id);

CREATE VIEW inventory_updates AS SELECT * FROM unified_jobs WHERE type = 'inventory_update';
CREATE TRIGGER inventory_updates_delete INSTEAD OF DELETE ON inventory_updates
BEGIN
  DELETE FROM unified_jobs WHERE id = OLD.id;
END;
