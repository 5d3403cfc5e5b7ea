-- Identity and access: organizations, users, teams, roles, tokens, sessions, activity stream.
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  max_hosts INTEGER NOT NULL DEFAULT 0,
  default_environment_id INTEGER,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  is_superuser INTEGER NOT NULL DEFAULT 0,
  is_system_auditor INTEGER NOT NULL DEFAULT 0,
  password TEXT NOT NULL DEFAULT '',
  last_login TEXT,
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (organization_id, name)
);
CREATE INDEX teams_org ON teams(organization_id);

-- One row per role field of every object (content_type = the object's type name), plus the
-- singletons system_administrator and system_auditor (content_type '' and object_id NULL).
CREATE TABLE roles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role_field TEXT NOT NULL,
  content_type TEXT NOT NULL DEFAULT '',
  object_id INTEGER,
  singleton_name TEXT
);
CREATE UNIQUE INDEX roles_object ON roles(content_type, object_id, role_field);

-- parent_id's holders also hold role_id.
CREATE TABLE role_parents (
  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  parent_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  PRIMARY KEY (role_id, parent_id)
);
CREATE INDEX role_parents_parent ON role_parents(parent_id);

-- Transitive closure of role_parents, including (role, role).
CREATE TABLE role_ancestors (
  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  ancestor_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  PRIMARY KEY (role_id, ancestor_id)
);
CREATE INDEX role_ancestors_anc ON role_ancestors(ancestor_id);

CREATE TABLE role_members (
  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (role_id, user_id)
);
CREATE INDEX role_members_user ON role_members(user_id);

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  description TEXT NOT NULL DEFAULT '',
  application_id INTEGER,
  scope TEXT NOT NULL DEFAULT 'write',
  token_hash TEXT NOT NULL UNIQUE,
  expires TEXT NOT NULL,
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE sessions (
  key_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires TEXT NOT NULL
);

CREATE TABLE activity_stream (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT NOT NULL,
  operation TEXT NOT NULL,
  changes TEXT NOT NULL DEFAULT '{}',
  object1 TEXT NOT NULL,
  object1_id INTEGER,
  object2 TEXT NOT NULL DEFAULT '',
  object2_id INTEGER,
  object_relationship_type TEXT NOT NULL DEFAULT '',
  actor_id INTEGER,
  actor_username TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX activity_object1 ON activity_stream(object1, object1_id);
CREATE INDEX activity_object2 ON activity_stream(object2, object2_id);

CREATE TABLE credential_types (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  namespace TEXT,
  managed INTEGER NOT NULL DEFAULT 0,
  inputs TEXT NOT NULL DEFAULT '{}',
  injectors TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (name, kind)
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
