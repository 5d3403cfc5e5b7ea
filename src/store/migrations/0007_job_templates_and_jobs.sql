-- Job templates, jobs (rows of unified_jobs with type 'job'), their events and host summaries,
-- and the generic attachment tables for credentials and labels that templates, jobs, and later
-- workflow nodes and schedules share (owner_type names the owning resource's type).
-- One id sequence for every kind of unified job template (job templates, projects, inventory
-- sources, workflow job templates), so that an id names one template as in AWX, where
-- workflow nodes and /unified_job_templates/ refer to templates by id alone.
CREATE TABLE unified_job_template_ids (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL
);
INSERT INTO unified_job_template_ids (id, type) SELECT id, 'project' FROM projects;
INSERT INTO unified_job_template_ids (id, type)
  SELECT id, 'inventory_source' FROM inventory_sources WHERE id NOT IN (SELECT id FROM projects);

CREATE TABLE job_templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
  job_type TEXT NOT NULL DEFAULT 'run',
  inventory_id INTEGER REFERENCES inventories(id) ON DELETE SET NULL,
  project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL,
  playbook TEXT NOT NULL DEFAULT '',
  scm_branch TEXT NOT NULL DEFAULT '',
  forks INTEGER NOT NULL DEFAULT 0,
  limit_ TEXT NOT NULL DEFAULT '',
  verbosity INTEGER NOT NULL DEFAULT 0,
  extra_vars TEXT NOT NULL DEFAULT '',
  job_tags TEXT NOT NULL DEFAULT '',
  force_handlers INTEGER NOT NULL DEFAULT 0,
  skip_tags TEXT NOT NULL DEFAULT '',
  start_at_task TEXT NOT NULL DEFAULT '',
  timeout INTEGER NOT NULL DEFAULT 0,
  use_fact_cache INTEGER NOT NULL DEFAULT 0,
  execution_environment_id INTEGER,
  host_config_key TEXT NOT NULL DEFAULT '',
  ask_scm_branch_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_diff_mode_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_variables_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_limit_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_tags_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_skip_tags_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_job_type_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_verbosity_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_inventory_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_credential_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_execution_environment_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_labels_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_forks_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_job_slice_count_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_timeout_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_instance_groups_on_launch INTEGER NOT NULL DEFAULT 0,
  survey_enabled INTEGER NOT NULL DEFAULT 0,
  survey_spec TEXT NOT NULL DEFAULT '{}',
  become_enabled INTEGER NOT NULL DEFAULT 0,
  diff_mode INTEGER NOT NULL DEFAULT 0,
  allow_simultaneous INTEGER NOT NULL DEFAULT 0,
  job_slice_count INTEGER NOT NULL DEFAULT 1,
  webhook_service TEXT NOT NULL DEFAULT '',
  webhook_credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL,
  webhook_key TEXT NOT NULL DEFAULT '',
  prevent_instance_group_fallback INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER
);
CREATE INDEX job_templates_org ON job_templates(organization_id);
CREATE INDEX job_templates_project ON job_templates(project_id);
CREATE INDEX job_templates_inventory ON job_templates(inventory_id);

-- Credentials attached to a template, job, node or schedule (ordered by position).
CREATE TABLE credential_attachments (
  owner_type TEXT NOT NULL,
  owner_id INTEGER NOT NULL,
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (owner_type, owner_id, credential_id)
);
CREATE INDEX credential_attachments_credential ON credential_attachments(credential_id);

-- Labels attached to a template, job, inventory, node or schedule.
CREATE TABLE label_attachments (
  owner_type TEXT NOT NULL,
  owner_id INTEGER NOT NULL,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  PRIMARY KEY (owner_type, owner_id, label_id)
);
CREATE INDEX label_attachments_label ON label_attachments(label_id);

-- Job columns of unified_jobs (inventory_id, limit_, verbosity, timeout, job_type, scm_branch,
-- job_tags, scm_revision and project_id already exist for the update kinds).
ALTER TABLE unified_jobs ADD COLUMN job_template_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN organization_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN playbook TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN forks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN extra_vars TEXT NOT NULL DEFAULT '{}';
ALTER TABLE unified_jobs ADD COLUMN force_handlers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN skip_tags TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN start_at_task TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN use_fact_cache INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN become_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN diff_mode INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN allow_simultaneous INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN artifacts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE unified_jobs ADD COLUMN job_slice_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN job_slice_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE unified_jobs ADD COLUMN survey_passwords TEXT NOT NULL DEFAULT '{}';
ALTER TABLE unified_jobs ADD COLUMN webhook_service TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN webhook_credential_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN webhook_guid TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN execution_environment_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN instance_group_id INTEGER;
-- The prompts a job was launched with ({"limit": ..., "credentials": [...]}), for relaunch and
-- its permission rules (RL-6); launch passwords are never stored.
ALTER TABLE unified_jobs ADD COLUMN launch_config TEXT NOT NULL DEFAULT '{}';
-- Launch-time credential passwords (a JSON object encrypted with the secret key): kept only
-- while the job waits for a worker, cleared when the run reads them.
ALTER TABLE unified_jobs ADD COLUMN start_args TEXT NOT NULL DEFAULT '';
ALTER TABLE unified_jobs ADD COLUMN dependent_job_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN ancestor_job_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN source_workflow_job_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN schedule_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN task_impact INTEGER NOT NULL DEFAULT 1;
CREATE INDEX unified_jobs_job_template ON unified_jobs(job_template_id);

CREATE VIEW jobs AS SELECT * FROM unified_jobs WHERE type = 'job';
CREATE TRIGGER jobs_delete INSTEAD OF DELETE ON jobs
BEGIN
  DELETE FROM unified_jobs WHERE id = OLD.id;
END;

CREATE TABLE job_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES unified_jobs(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  counter INTEGER NOT NULL,
  event_data TEXT NOT NULL DEFAULT '{}',
  event_level INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  uuid TEXT NOT NULL DEFAULT '',
  parent_uuid TEXT NOT NULL DEFAULT '',
  host_id INTEGER,
  host_name TEXT NOT NULL DEFAULT '',
  playbook TEXT NOT NULL DEFAULT '',
  play TEXT NOT NULL DEFAULT '',
  task TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  stdout TEXT NOT NULL DEFAULT '',
  start_line INTEGER NOT NULL DEFAULT 0,
  end_line INTEGER NOT NULL DEFAULT 0,
  verbosity INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  UNIQUE (job_id, counter)
);
CREATE INDEX job_events_host ON job_events(host_id);
CREATE INDEX job_events_parent ON job_events(job_id, parent_uuid);

CREATE TABLE job_host_summaries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES unified_jobs(id) ON DELETE CASCADE,
  host_id INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
  host_name TEXT NOT NULL DEFAULT '',
  changed INTEGER NOT NULL DEFAULT 0,
  dark INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  ok INTEGER NOT NULL DEFAULT 0,
  processed INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  ignored INTEGER NOT NULL DEFAULT 0,
  rescued INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  UNIQUE (job_id, host_name)
);
CREATE INDEX job_host_summaries_host ON job_host_summaries(host_id);
