-- Scheduler state of a pending job: whether its dependencies (a project update when the project
-- asks for scm_update_on_launch) were decided; the update it waits for is dependent_job_id.
ALTER TABLE unified_jobs ADD COLUMN dependencies_processed INTEGER NOT NULL DEFAULT 0;
