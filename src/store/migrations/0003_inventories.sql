-- Inventories, hosts and groups (api-resources.md §11-§13).
-- An inventory outlives its organization (AWX: on_delete SET NULL); hosts and groups go with
-- their inventory.
CREATE TABLE inventories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
  kind TEXT NOT NULL DEFAULT '',
  host_filter TEXT,
  variables TEXT NOT NULL DEFAULT '',
  pending_deletion INTEGER NOT NULL DEFAULT 0,
  prevent_instance_group_fallback INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (organization_id, name)
);
CREATE INDEX inventories_org ON inventories(organization_id);

CREATE TABLE hosts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  inventory_id INTEGER NOT NULL REFERENCES inventories(id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL DEFAULT 1,
  instance_id TEXT NOT NULL DEFAULT '',
  variables TEXT NOT NULL DEFAULT '',
  last_job_id INTEGER,
  last_job_host_summary_id INTEGER,
  ansible_facts TEXT NOT NULL DEFAULT '{}',
  ansible_facts_modified TEXT,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (inventory_id, name)
);
CREATE INDEX hosts_name ON hosts(name);

CREATE TABLE groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  inventory_id INTEGER NOT NULL REFERENCES inventories(id) ON DELETE CASCADE,
  variables TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (inventory_id, name)
);

-- Direct membership of hosts in groups.
CREATE TABLE group_hosts (
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, host_id)
);
CREATE INDEX group_hosts_host ON group_hosts(host_id);

-- child_id is a direct child group of parent_id (same inventory, no cycles).
CREATE TABLE group_children (
  parent_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  child_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX group_children_child ON group_children(child_id);
