-- Instance groups (api-resources.md §33): stored and attached (ordered, instance_group_attachments
-- of 0011) so that clients configure them as on AWX. baton runs each job on the instance that
-- claims it; groups do not route jobs yet (docs/compat.md). The built-in `controlplane` and
-- `default` groups are made at startup (app/bootstrap.cpp) with their roles.
CREATE TABLE instance_groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  is_container_group INTEGER NOT NULL DEFAULT 0,
  credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL,
  policy_instance_percentage INTEGER NOT NULL DEFAULT 0,
  policy_instance_minimum INTEGER NOT NULL DEFAULT 0,
  max_concurrent_jobs INTEGER NOT NULL DEFAULT 0,
  max_forks INTEGER NOT NULL DEFAULT 0,
  pod_spec_override TEXT NOT NULL DEFAULT '',
  managed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX instance_group_attachments_group ON instance_group_attachments(instance_group_id);
