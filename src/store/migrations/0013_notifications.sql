-- Notification templates, the notifications sent from them, where templates are attached, and
-- the bookkeeping that turns each job's start and finish into notifications exactly once
-- (api-resources.md §21, §22).
CREATE TABLE notification_templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  notification_type TEXT NOT NULL,
  -- JSON object; password-typed values encrypted (core/secrets.hpp)
  notification_configuration TEXT NOT NULL DEFAULT '{}',
  -- JSON object or NULL (the type's default messages)
  messages TEXT,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (organization_id, name)
);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notification_template_id INTEGER NOT NULL REFERENCES notification_templates(id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'pending',  -- pending | successful | failed
  error TEXT NOT NULL DEFAULT '',
  notifications_sent INTEGER NOT NULL DEFAULT 0,
  notification_type TEXT NOT NULL,
  recipients TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  -- the unified job (or approval) it is about, and which of its events: started, success,
  -- error, running, approved, denied, timed_out; '' for test/ notifications
  unified_job_id INTEGER REFERENCES unified_jobs(id) ON DELETE SET NULL,
  event TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  -- when the next delivery attempt is due (NULL = now); also the lease of a claimed send
  next_attempt TEXT,
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
CREATE INDEX notifications_template ON notifications(notification_template_id, id);
CREATE INDEX notifications_job ON notifications(unified_job_id);
CREATE INDEX notifications_pending ON notifications(status, next_attempt) WHERE status = 'pending';
CREATE UNIQUE INDEX notifications_once ON notifications(unified_job_id, event, notification_template_id)
  WHERE unified_job_id IS NOT NULL AND event <> '';

-- notification_templates_started|success|error|approvals of organizations, projects, inventory
-- sources, job templates and workflow job templates.
CREATE TABLE notification_template_attachments (
  owner_type TEXT NOT NULL,  -- organization, project, inventory_source, job_template, workflow_job_template
  owner_id INTEGER NOT NULL,
  kind TEXT NOT NULL,        -- started, success, error, approvals
  notification_template_id INTEGER NOT NULL REFERENCES notification_templates(id) ON DELETE CASCADE,
  PRIMARY KEY (owner_type, owner_id, kind, notification_template_id)
);
CREATE INDEX notification_template_attachments_template
  ON notification_template_attachments(notification_template_id);

-- Which lifecycle events of a unified job were already turned into notifications
-- ('started', 'finished'); the pass inserts here first and creates notifications only when the
-- insert took, so each happens once even with several instances.
CREATE TABLE notification_job_events (
  unified_job_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  created TEXT NOT NULL,
  PRIMARY KEY (unified_job_id, event)
);

-- Jobs below the watermark have all their events recorded; jobs that existed before this
-- migration never notify.
CREATE TABLE notification_state (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO notification_state (key, value)
  SELECT 'job_watermark', COALESCE(MAX(id), 0) + 1 FROM unified_jobs;
