-- Projects and the unified job table every kind of job shares (project updates first; inventory
-- updates, jobs and workflow jobs join later). One row per job; kind-specific columns are NULL
-- for the other kinds. Each kind is exposed through a view filtered on `type`.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER REFERENCES organizations(id) ON DELETE CASCADE,
  local_path TEXT NOT NULL DEFAULT '',
  scm_type TEXT NOT NULL DEFAULT '',
  scm_url TEXT NOT NULL DEFAULT '',
  scm_branch TEXT NOT NULL DEFAULT '',
  scm_refspec TEXT NOT NULL DEFAULT '',
  scm_clean INTEGER NOT NULL DEFAULT 0,
  scm_delete_on_update INTEGER NOT NULL DEFAULT 0,
  scm_track_submodules INTEGER NOT NULL DEFAULT 0,
  credential_id INTEGER,
  timeout INTEGER NOT NULL DEFAULT 0,
  scm_revision TEXT NOT NULL DEFAULT '',
  scm_update_on_launch INTEGER NOT NULL DEFAULT 0,
  scm_update_cache_timeout INTEGER NOT NULL DEFAULT 0,
  allow_override INTEGER NOT NULL DEFAULT 0,
  default_environment_id INTEGER,
  signature_validation_credential_id INTEGER,
  playbook_files TEXT NOT NULL DEFAULT '[]',
  inventory_files TEXT NOT NULL DEFAULT '[]',
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER
);
CREATE INDEX projects_org ON projects(organization_id);

CREATE TABLE unified_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  unified_job_template_id INTEGER,
  launch_type TEXT NOT NULL DEFAULT 'manual',
  status TEXT NOT NULL DEFAULT 'new',
  failed INTEGER NOT NULL DEFAULT 0,
  started TEXT,
  finished TEXT,
  canceled_on TEXT,
  elapsed REAL NOT NULL DEFAULT 0,
  job_args TEXT NOT NULL DEFAULT '',
  job_cwd TEXT NOT NULL DEFAULT '',
  job_env TEXT NOT NULL DEFAULT '{}',
  job_explanation TEXT NOT NULL DEFAULT '',
  result_traceback TEXT NOT NULL DEFAULT '',
  execution_node TEXT NOT NULL DEFAULT '',
  controller_node TEXT NOT NULL DEFAULT '',
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  pid INTEGER,
  event_processing_finished INTEGER NOT NULL DEFAULT 1,
  -- project updates
  project_id INTEGER,
  job_type TEXT NOT NULL DEFAULT '',
  local_path TEXT NOT NULL DEFAULT '',
  scm_type TEXT NOT NULL DEFAULT '',
  scm_url TEXT NOT NULL DEFAULT '',
  scm_branch TEXT NOT NULL DEFAULT '',
  scm_refspec TEXT NOT NULL DEFAULT '',
  scm_clean INTEGER NOT NULL DEFAULT 0,
  scm_delete_on_update INTEGER NOT NULL DEFAULT 0,
  scm_track_submodules INTEGER NOT NULL DEFAULT 0,
  credential_id INTEGER,
  timeout INTEGER NOT NULL DEFAULT 0,
  scm_revision TEXT NOT NULL DEFAULT '',
  job_tags TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER
);
CREATE INDEX unified_jobs_status ON unified_jobs(status, id);
CREATE INDEX unified_jobs_type ON unified_jobs(type, id);
CREATE INDEX unified_jobs_project ON unified_jobs(project_id);

-- Output of a job as it was produced, in order.
CREATE TABLE job_output (
  job_id INTEGER NOT NULL REFERENCES unified_jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  chunk TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE VIEW project_updates AS SELECT * FROM unified_jobs WHERE type = 'project_update';
CREATE TRIGGER project_updates_delete INSTEAD OF DELETE ON project_updates
BEGIN
  DELETE FROM unified_jobs WHERE id = OLD.id;
END;
