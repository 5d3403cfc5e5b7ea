-- Lookups the job read side makes per row: a template's latest job (status, last run in
-- /unified_job_templates/ and template summaries) and a host's recent job host summaries.
CREATE INDEX unified_jobs_template ON unified_jobs(unified_job_template_id, id);
CREATE INDEX job_host_summaries_host_created ON job_host_summaries(host_id, created);
