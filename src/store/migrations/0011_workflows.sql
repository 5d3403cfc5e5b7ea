-- Workflows (issue 5; workflow-semantics.md §1): workflow job templates (WFJT), their nodes
-- (WFJTN) and edges, workflow approval templates (AT), workflow jobs (WJ), workflow job nodes
-- (WJN) and approvals (AP). The whole schema of the issue lands here so that launch, the
-- workflow manager and approvals need no further table changes.
--
-- Ids. WFJTs and ATs take their ids from unified_job_template_ids (0007), like job templates,
-- projects and inventory sources, so a node's unified_job_template_id names one template of any
-- kind: look its kind up in unified_job_template_ids.type ('job_template', 'project',
-- 'inventory_source', 'workflow_job_template', 'workflow_approval_template').
--
-- Graph. One edge table for both graphs: workflow_edges(owner_type, owner_id, parent_id,
-- child_id, type) with owner_type 'workflow_job_template' (owner_id = WFJT id, parent/child =
-- WFJTN ids) or 'workflow_job' (owner_id = WJ id, parent/child = WJN ids); type is 'success',
-- 'failure' or 'always'. A whole graph loads with one indexed query on (owner_type, owner_id).
-- The API keeps a (parent, child) pair to one type and every graph acyclic (DM-10, PF-1).
-- Deleting a node deletes its edges (triggers below), deleting a WFJT deletes its nodes, deleting
-- a WJ deletes its nodes; deleting any template nulls unified_job_template_id on the nodes that
-- pointed at it (DM-13).
--
-- Prompts. Nodes store their prompts in nullable columns (NULL = not set, PF-16): inventory_id,
-- execution_environment_id, scm_branch, job_type, job_tags, skip_tags, limit_, diff_mode,
-- verbosity, forks, job_slice_count, timeout; extra_data is a JSON object (password answers
-- encrypted, listed in survey_passwords as "$encrypted$"). Credentials and labels of a node are
-- rows of credential_attachments / label_attachments with owner_type 'workflow_job_template_node'
-- or 'workflow_job_node'; instance groups of nodes in instance_group_attachments (ordered).
-- The WFJT's own limit/scm_branch/job_tags/skip_tags are nullable columns too.
--
-- Workflow jobs are unified_jobs rows with type 'workflow_job' (view workflow_jobs): name,
-- description, status, launch_type, created_by_id, extra_vars (JSON text, password answers
-- encrypted), survey_passwords, allow_simultaneous, inventory_id, organization_id,
-- job_template_id (sliced WJs), webhook_service/webhook_credential_id/webhook_guid,
-- launch_config (the accepted prompts, DM-21), schedule_id, source_workflow_job_id (a WJ spawned
-- by a node of another WJ), ancestor_job_id (relaunch) already exist; added here:
-- workflow_job_template_id, is_sliced_job, is_bulk_job, and char_prompts, a JSON object holding
-- the WJ's limit / scm_branch / job_tags / skip_tags when set (absent key = null, as AWX stores
-- them; the shared NOT NULL limit_/scm_branch/job_tags/skip_tags columns cannot say null and stay
-- unused for WJs). cancel_requested (0004) is the WJ cancel flag the manager reads.
--
-- Workflow job nodes: workflow_job_nodes, one per WFJTN copied at launch (same identifier),
-- job_id = the unified job spawned for it (unique: a job belongs to at most one node; also the
-- lookup from a finished job to its node), do_not_run, ancestor_artifacts (JSON, EX rules) and
-- job_slice (slice number of a sliced WJ's node, PF-25; NULL otherwise). A spawned job points back
-- with unified_jobs.source_workflow_job_id = the WJ.
--
-- Approvals are unified_jobs rows with type 'workflow_approval' (view workflow_approvals):
-- unified_job_template_id = workflow_approval_template_id = the AT, timeout (0004's column,
-- copied from the AT), and added here: timed_out, approved_or_denied_by_id, expires (created +
-- timeout when timeout != 0, else NULL; DM-19), which the manager's expiry pass scans.
CREATE TABLE workflow_job_templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
  inventory_id INTEGER REFERENCES inventories(id) ON DELETE SET NULL,
  extra_vars TEXT NOT NULL DEFAULT '',
  survey_enabled INTEGER NOT NULL DEFAULT 0,
  survey_spec TEXT NOT NULL DEFAULT '{}',
  allow_simultaneous INTEGER NOT NULL DEFAULT 0,
  limit_ TEXT,
  scm_branch TEXT,
  job_tags TEXT,
  skip_tags TEXT,
  ask_variables_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_inventory_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_scm_branch_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_limit_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_labels_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_tags_on_launch INTEGER NOT NULL DEFAULT 0,
  ask_skip_tags_on_launch INTEGER NOT NULL DEFAULT 0,
  webhook_service TEXT NOT NULL DEFAULT '',
  webhook_credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL,
  webhook_key TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER
);
CREATE INDEX workflow_job_templates_org ON workflow_job_templates(organization_id);
CREATE INDEX workflow_job_templates_inventory ON workflow_job_templates(inventory_id);

-- Created only through a node's create_approval_template/ (DM-17); belongs to that node's WFJT.
CREATE TABLE workflow_approval_templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  timeout INTEGER NOT NULL DEFAULT 0,
  workflow_job_template_id INTEGER REFERENCES workflow_job_templates(id) ON DELETE CASCADE,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER
);
CREATE INDEX workflow_approval_templates_wfjt ON workflow_approval_templates(workflow_job_template_id);

CREATE TABLE workflow_job_template_nodes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow_job_template_id INTEGER NOT NULL REFERENCES workflow_job_templates(id) ON DELETE CASCADE,
  unified_job_template_id INTEGER,
  identifier TEXT NOT NULL,
  all_parents_must_converge INTEGER NOT NULL DEFAULT 0,
  extra_data TEXT NOT NULL DEFAULT '{}',
  survey_passwords TEXT NOT NULL DEFAULT '{}',
  inventory_id INTEGER REFERENCES inventories(id) ON DELETE SET NULL,
  execution_environment_id INTEGER,
  scm_branch TEXT,
  job_type TEXT,
  job_tags TEXT,
  skip_tags TEXT,
  limit_ TEXT,
  diff_mode INTEGER,
  verbosity INTEGER,
  forks INTEGER,
  job_slice_count INTEGER,
  timeout INTEGER,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  UNIQUE (workflow_job_template_id, identifier)
);
CREATE INDEX workflow_job_template_nodes_ujt ON workflow_job_template_nodes(unified_job_template_id);

CREATE TABLE workflow_edges (
  owner_type TEXT NOT NULL CHECK (owner_type IN ('workflow_job_template', 'workflow_job')),
  owner_id INTEGER NOT NULL,
  parent_id INTEGER NOT NULL,
  child_id INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('success', 'failure', 'always')),
  PRIMARY KEY (owner_type, parent_id, child_id, type)
);
CREATE INDEX workflow_edges_owner ON workflow_edges(owner_type, owner_id);
CREATE INDEX workflow_edges_child ON workflow_edges(owner_type, child_id);

-- Instance groups given as prompts (nodes, later schedules and jobs), in order.
CREATE TABLE instance_group_attachments (
  owner_type TEXT NOT NULL,
  owner_id INTEGER NOT NULL,
  instance_group_id INTEGER NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (owner_type, owner_id, instance_group_id)
);

-- Workflow jobs and approvals: their columns of unified_jobs.
ALTER TABLE unified_jobs ADD COLUMN workflow_job_template_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN is_sliced_job INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN is_bulk_job INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN char_prompts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE unified_jobs ADD COLUMN workflow_approval_template_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN timed_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unified_jobs ADD COLUMN approved_or_denied_by_id INTEGER;
ALTER TABLE unified_jobs ADD COLUMN expires TEXT;
CREATE INDEX unified_jobs_workflow_job_template ON unified_jobs(workflow_job_template_id);
CREATE INDEX unified_jobs_source_workflow_job ON unified_jobs(source_workflow_job_id);
CREATE INDEX unified_jobs_expires ON unified_jobs(expires) WHERE expires IS NOT NULL;

CREATE TABLE workflow_job_nodes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow_job_id INTEGER NOT NULL REFERENCES unified_jobs(id) ON DELETE CASCADE,
  unified_job_template_id INTEGER,
  job_id INTEGER REFERENCES unified_jobs(id) ON DELETE SET NULL,
  identifier TEXT NOT NULL DEFAULT '',
  all_parents_must_converge INTEGER NOT NULL DEFAULT 0,
  do_not_run INTEGER NOT NULL DEFAULT 0,
  extra_data TEXT NOT NULL DEFAULT '{}',
  survey_passwords TEXT NOT NULL DEFAULT '{}',
  inventory_id INTEGER REFERENCES inventories(id) ON DELETE SET NULL,
  execution_environment_id INTEGER,
  scm_branch TEXT,
  job_type TEXT,
  job_tags TEXT,
  skip_tags TEXT,
  limit_ TEXT,
  diff_mode INTEGER,
  verbosity INTEGER,
  forks INTEGER,
  job_slice_count INTEGER,
  timeout INTEGER,
  ancestor_artifacts TEXT NOT NULL DEFAULT '{}',
  job_slice INTEGER,
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
CREATE INDEX workflow_job_nodes_workflow_job ON workflow_job_nodes(workflow_job_id, id);
CREATE UNIQUE INDEX workflow_job_nodes_job ON workflow_job_nodes(job_id) WHERE job_id IS NOT NULL;
CREATE INDEX workflow_job_nodes_ujt ON workflow_job_nodes(unified_job_template_id);

CREATE VIEW workflow_jobs AS SELECT * FROM unified_jobs WHERE type = 'workflow_job';
CREATE TRIGGER workflow_jobs_delete INSTEAD OF DELETE ON workflow_jobs
BEGIN
  DELETE FROM unified_jobs WHERE id = OLD.id;
END;
CREATE VIEW workflow_approvals AS SELECT * FROM unified_jobs WHERE type = 'workflow_approval';
CREATE TRIGGER workflow_approvals_delete INSTEAD OF DELETE ON workflow_approvals
BEGIN
  DELETE FROM unified_jobs WHERE id = OLD.id;
END;

-- A node's edges go with it, in both directions (DM-13).
CREATE TRIGGER workflow_job_template_nodes_edges AFTER DELETE ON workflow_job_template_nodes
BEGIN
  DELETE FROM workflow_edges WHERE owner_type = 'workflow_job_template'
    AND (parent_id = OLD.id OR child_id = OLD.id);
END;
CREATE TRIGGER workflow_job_nodes_edges AFTER DELETE ON workflow_job_nodes
BEGIN
  DELETE FROM workflow_edges WHERE owner_type = 'workflow_job'
    AND (parent_id = OLD.id OR child_id = OLD.id);
END;
-- Labels and credentials of a deleted workflow job node go with it.
CREATE TRIGGER workflow_job_nodes_attachments AFTER DELETE ON workflow_job_nodes
BEGIN
  DELETE FROM credential_attachments WHERE owner_type = 'workflow_job_node' AND owner_id = OLD.id;
  DELETE FROM label_attachments WHERE owner_type = 'workflow_job_node' AND owner_id = OLD.id;
  DELETE FROM instance_group_attachments WHERE owner_type = 'workflow_job_node' AND owner_id = OLD.id;
END;

-- A deleted template leaves the nodes that pointed at it without one (DM-13).
CREATE TRIGGER job_templates_workflow_nodes AFTER DELETE ON job_templates
BEGIN
  UPDATE workflow_job_template_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
  UPDATE workflow_job_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER projects_workflow_nodes AFTER DELETE ON projects
BEGIN
  UPDATE workflow_job_template_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
  UPDATE workflow_job_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER inventory_sources_workflow_nodes AFTER DELETE ON inventory_sources
BEGIN
  UPDATE workflow_job_template_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
  UPDATE workflow_job_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER workflow_job_templates_workflow_nodes AFTER DELETE ON workflow_job_templates
BEGIN
  UPDATE workflow_job_template_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
  UPDATE workflow_job_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
  DELETE FROM workflow_edges WHERE owner_type = 'workflow_job_template' AND owner_id = OLD.id;
END;
CREATE TRIGGER workflow_approval_templates_workflow_nodes AFTER DELETE ON workflow_approval_templates
BEGIN
  UPDATE workflow_job_template_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
  UPDATE workflow_job_nodes SET unified_job_template_id = NULL WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER unified_jobs_workflow_edges AFTER DELETE ON unified_jobs WHEN OLD.type = 'workflow_job'
BEGIN
  DELETE FROM workflow_edges WHERE owner_type = 'workflow_job' AND owner_id = OLD.id;
END;
