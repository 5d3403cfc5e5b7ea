-- Schedules (issue 6; api-resources.md §20): a rule (rrule, the text AWX stores, naive UNTILs
-- already coerced to UTC) that launches a unified job template with saved prompts.
--
-- dtstart, dtend and next_run are computed from the rule (domain/rrule.hpp) on every write and,
-- for next_run, by the scheduler pass that fires the schedule (scheduler/schedule_manager.hpp);
-- they are AWX timestamps (FormatIso) so that text order is time order. next_run is NULL when the
-- schedule is disabled or its rule is exhausted. The pass claims a firing with a conditional
-- UPDATE on (id, next_run), so each occurrence fires once across instances; last_fired and
-- last_job_id record the last claim and the job it made.
--
-- Prompts as on workflow nodes (0011): NULL = not set (the template's value); extra_data is a
-- JSON object with survey password answers encrypted, named in survey_passwords. Credentials and
-- labels are rows of credential_attachments / label_attachments with owner_type 'schedule';
-- instance groups of instance_group_attachments with owner_type 'schedule'.
--
-- Deleting a template deletes its schedules (AWX: on_delete CASCADE); deleting a schedule
-- removes its attachments and leaves its jobs with schedule_id NULL (AWX: SET_NULL).
CREATE TABLE schedules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  unified_job_template_id INTEGER NOT NULL,
  rrule TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  dtstart TEXT,
  dtend TEXT,
  next_run TEXT,
  timezone TEXT NOT NULL DEFAULT '',
  until TEXT NOT NULL DEFAULT '',
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
  last_fired TEXT,
  last_job_id INTEGER,
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by_id INTEGER,
  modified_by_id INTEGER,
  UNIQUE (unified_job_template_id, name)
);
CREATE INDEX schedules_next_run ON schedules(enabled, next_run);
CREATE INDEX unified_jobs_schedule ON unified_jobs(schedule_id);

CREATE TRIGGER schedules_delete AFTER DELETE ON schedules
BEGIN
  DELETE FROM credential_attachments WHERE owner_type = 'schedule' AND owner_id = OLD.id;
  DELETE FROM label_attachments WHERE owner_type = 'schedule' AND owner_id = OLD.id;
  DELETE FROM instance_group_attachments WHERE owner_type = 'schedule' AND owner_id = OLD.id;
  UPDATE unified_jobs SET schedule_id = NULL WHERE schedule_id = OLD.id;
END;

CREATE TRIGGER job_templates_schedules AFTER DELETE ON job_templates
BEGIN
  DELETE FROM schedules WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER projects_schedules AFTER DELETE ON projects
BEGIN
  DELETE FROM schedules WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER inventory_sources_schedules AFTER DELETE ON inventory_sources
BEGIN
  DELETE FROM schedules WHERE unified_job_template_id = OLD.id;
END;
CREATE TRIGGER workflow_job_templates_schedules AFTER DELETE ON workflow_job_templates
BEGIN
  DELETE FROM schedules WHERE unified_job_template_id = OLD.id;
END;
