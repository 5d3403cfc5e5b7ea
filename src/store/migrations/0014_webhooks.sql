-- Webhooks (workflow-semantics.md DM-4, Appendix C). Templates already hold webhook_service,
-- webhook_credential_id and webhook_key (0007, 0011); jobs hold webhook_service,
-- webhook_credential_id and webhook_guid (0007).

-- One launch per delivery: a template never gets two webhook-launched jobs with the same guid
-- (the receivers check first; this guards concurrent deliveries on a shared database).
CREATE UNIQUE INDEX unified_jobs_webhook_guid ON unified_jobs(unified_job_template_id,
  webhook_service, webhook_guid) WHERE webhook_guid != '' AND launch_type = 'webhook';

-- Commit status post-back (AWX WebhookMixin.update_webhook_status): the job status the
-- webhook_status pass last looked at. A job with a webhook credential whose status differs has a
-- status change to report; jobs that existed before this migration have nothing to report.
ALTER TABLE unified_jobs ADD COLUMN webhook_status_recorded TEXT NOT NULL DEFAULT '';
UPDATE unified_jobs SET webhook_status_recorded = status;
CREATE INDEX unified_jobs_webhook_status ON unified_jobs(id)
  WHERE webhook_credential_id IS NOT NULL AND webhook_status_recorded != status;

-- One row per commit status to post: the job, the job status it reports, and the delivery
-- outcome. `claimed` is set when an instance hands the post to its sender (a claim older than a
-- few minutes without `sent` is taken again, so a crash mid-post retries it); `sent` is set once
-- the attempt ended, with the HTTP status (0 when none arrived) and the transport error.
CREATE TABLE webhook_status_posts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unified_job_id INTEGER NOT NULL REFERENCES unified_jobs(id) ON DELETE CASCADE,
  job_status TEXT NOT NULL,
  created TEXT NOT NULL,
  claimed TEXT,
  sent TEXT,
  response_code INTEGER,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_status_posts_unsent ON webhook_status_posts(id) WHERE sent IS NULL;
CREATE INDEX webhook_status_posts_job ON webhook_status_posts(unified_job_id);
