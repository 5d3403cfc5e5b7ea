// Job templates (api-resources.md §16): fields, AWX's validation messages, organization from the
// project, summaries, credentials/ and labels/ sub-lists, survey_spec/, copy/, delete.
#include "job_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace jt;

TEST(JobTemplates, CreateShowsEveryFieldAndTheProjectsOrganization) {
  Api api;
  JtWorld w(api, "c");
  Resp r = api.Get(JtUrl(w.jt)).Expect(200);
  EXPECT_EQ(r["type"], "job_template");
  EXPECT_EQ(r["organization"], w.org);
  EXPECT_EQ(r["job_type"], "run");
  EXPECT_EQ(r["playbook"], "site.yml");
  EXPECT_EQ(r["forks"], 0);
  EXPECT_EQ(r["limit"], "");
  EXPECT_EQ(r["verbosity"], 0);
  EXPECT_EQ(r["extra_vars"], "");
  EXPECT_EQ(r["job_slice_count"], 1);
  EXPECT_EQ(r["status"], "never updated");
  EXPECT_EQ(r["last_job_run"], nullptr);
  EXPECT_EQ(r["last_job_failed"], false);
  EXPECT_EQ(r["custom_virtualenv"], nullptr);
  EXPECT_EQ(r["webhook_service"], "");
  EXPECT_EQ(r["webhook_credential"], nullptr);
  for (const char* ask : {"ask_scm_branch_on_launch",
                          "ask_diff_mode_on_launch",
                          "ask_variables_on_launch",
                          "ask_limit_on_launch",
                          "ask_tags_on_launch",
                          "ask_skip_tags_on_launch",
                          "ask_job_type_on_launch",
                          "ask_verbosity_on_launch",
                          "ask_inventory_on_launch",
                          "ask_credential_on_launch",
                          "ask_execution_environment_on_launch",
                          "ask_labels_on_launch",
                          "ask_forks_on_launch",
                          "ask_job_slice_count_on_launch",
                          "ask_timeout_on_launch",
                          "ask_instance_groups_on_launch",
                          "survey_enabled",
                          "become_enabled",
                          "diff_mode",
                          "allow_simultaneous",
                          "prevent_instance_group_fallback",
                          "use_fact_cache",
                          "force_handlers"})
    EXPECT_EQ(r[ask], false) << ask;
  EXPECT_FALSE(r.obj().contains("survey_spec"));
  const auto& rel = r["related"].as_object();
  EXPECT_EQ(rel.at("named_url"), "/api/v2/job_templates/c-jt++c-org/");
  EXPECT_EQ(rel.at("launch"), json::value(JtUrl(w.jt, "launch")));
  EXPECT_EQ(rel.at("project"), json::value(ProjUrl(w.project)));
  EXPECT_EQ(rel.at("organization"), json::value(OrgUrl(w.org)));
  for (const char* k : {"credentials", "labels", "jobs", "survey_spec", "copy", "object_roles",
                        "access_list", "activity_stream", "inventory"})
    EXPECT_TRUE(rel.contains(k)) << k;
  const auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(sf.at("project").as_object().at("name"), "c-proj");
  EXPECT_EQ(sf.at("inventory").as_object().at("total_hosts"), 2);
  EXPECT_EQ(sf.at("organization").as_object().at("name"), "c-org");
  EXPECT_EQ(sf.at("labels"), (json::object{{"count", 0}, {"results", json::array{}}}));
  EXPECT_EQ(sf.at("recent_jobs"), json::array{});
  EXPECT_EQ(sf.at("credentials"), json::array{});
  EXPECT_FALSE(sf.contains("survey"));
  for (const char* role : {"admin_role", "execute_role", "read_role"})
    EXPECT_TRUE(sf.at("object_roles").as_object().contains(role)) << role;
  EXPECT_EQ(
      sf.at("user_capabilities"),
      (json::object{
          {"start", true}, {"schedule", true}, {"copy", true}, {"edit", true}, {"delete", true}}));
  // The named URL and the list find it.
  api.Get("/api/v2/job_templates/c-jt++c-org/").Expect(200);
  EXPECT_EQ(api.Get("/api/v2/job_templates/?name=c-jt").Expect(200).count(), 1);
  // An organization sent by the client is ignored: the project's wins.
  int64_t other = api.Org("other");
  Resp o = api.Post("/api/v2/job_templates/", json::object{{"name", "x"},
                                                           {"project", w.project},
                                                           {"inventory", w.inventory},
                                                           {"playbook", "site.yml"},
                                                           {"organization", other}})
               .Expect(201);
  EXPECT_EQ(o["organization"], w.org);
  // Ids come from the shared unified job template sequence.
  EXPECT_GT(o.id(), w.project);
}

struct BadCase {
  std::string what;
  json::object body;  // merged over a valid body; null values remove the key
  std::string field, message;
};

TEST(JobTemplates, ValidationMessages) {
  Api api;
  int64_t org = api.Org("v");
  int64_t project = MakeProject(api, "vp", org, {"site.yml", "other.yml"});
  int64_t inv = MakeInventory(api, "vi", org);
  int64_t scm = api.Post("/api/v2/projects/", json::object{{"name", "scm"},
                                                           {"organization", org},
                                                           {"scm_type", "git"},
                                                           {"scm_url", "file:///nowhere"}})
                    .Expect(201)
                    .id();
  api.db().Local().Exec("UPDATE projects SET playbook_files = '[\"a.yml\"]' WHERE id = ?", {scm});
  int64_t gh = MakeCred(api, "gh", "GitHub Personal Access Token", org, {{"token", "t"}});
  int64_t machine = MachineCred(api, "m", org);
  std::vector<BadCase> cases = {
      {"no project",
       {{"project", nullptr}},
       "project",
       "Job Templates must have a project assigned."},
      {"no inventory",
       {{"inventory", nullptr}},
       "inventory",
       "You must either set a default value or ask to prompt on launch."},
      {"playbook not in project",
       {{"playbook", "nope.yml"}},
       "playbook",
       "Playbook not found for project."},
      {"empty playbook", {{"playbook", ""}}, "playbook", "Must select playbook for project."},
      {"scm playbook",
       {{"project", scm}, {"playbook", "site.yml"}},
       "playbook",
       "Playbook not found for project."},
      {"branch",
       {{"scm_branch", "dev"}},
       "scm_branch",
       "Project does not allow overriding branch."},
      {"ask branch",
       {{"ask_scm_branch_on_launch", true}},
       "ask_scm_branch_on_launch",
       "Project does not allow overriding branch."},
      {"forks", {{"forks", 201}}, "forks", "Maximum number of forks (200) exceeded."},
      {"negative forks",
       {{"forks", -1}},
       "forks",
       "Ensure this value is greater than or equal to 0."},
      {"callback",
       {{"inventory", nullptr}, {"ask_inventory_on_launch", true}, {"host_config_key", "k"}},
       "host_config_key",
       "Cannot enable provisioning callback without an inventory set."},
      {"job type", {{"job_type", "scan"}}, "job_type", "\"scan\" is not a valid choice."},
      {"verbosity", {{"verbosity", 6}}, "verbosity", "\"6\" is not a valid choice."},
      {"webhook kind",
       {{"webhook_service", "github"}, {"webhook_credential", machine}},
       "webhook_credential",
       "Must be a Personal Access Token."},
      {"webhook service",
       {{"webhook_service", "gitlab"}, {"webhook_credential", gh}},
       "webhook_credential",
       "Must match the selected webhook service."},
      {"webhook no service",
       {{"webhook_credential", gh}},
       "webhook_credential",
       "Must match the selected webhook service."},
      {"missing project pk",
       {{"project", 99999}},
       "project",
       "Invalid pk \"99999\" - object does not exist."},
      {"extra vars", {{"extra_vars", "[1, 2"}}, "extra_vars", ""},
  };
  int64_t before = api.db().Local().QueryInt("SELECT COUNT(*) FROM job_templates").value_or(0);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json::object body{
        {"name", "bad"}, {"project", project}, {"inventory", inv}, {"playbook", "site.yml"}};
    for (auto& kv : c.body) {
      if (kv.value().is_null())
        body.erase(kv.key());
      else
        body[kv.key()] = kv.value();
    }
    Resp r = api.Post("/api/v2/job_templates/", body).Expect(400);
    if (!c.message.empty()) {
      EXPECT_EQ(Msg(r, c.field), c.message) << r.body;
    } else {
      EXPECT_TRUE(r.obj().contains(c.field)) << r.body;
    }
  }
  EXPECT_EQ(api.db().Local().QueryInt("SELECT COUNT(*) FROM job_templates").value_or(0), before);
  // Valid variants: ask for the inventory instead; a webhook credential matching its service;
  // the other playbook; an SCM project's recorded playbook.
  MakeJt(api, "ask-inv", project, 0, {{"ask_inventory_on_launch", true}});
  MakeJt(api, "hook", project, inv, {{"webhook_service", "github"}, {"webhook_credential", gh}});
  MakeJt(api, "other", project, inv, {{"playbook", "other.yml"}});
  MakeJt(api, "scm-jt", scm, inv, {{"playbook", "a.yml"}});
  // Unique per organization.
  Resp dup = api.Post("/api/v2/job_templates/", json::object{{"name", "other"},
                                                             {"project", project},
                                                             {"inventory", inv},
                                                             {"playbook", "site.yml"}})
                 .Expect(400);
  EXPECT_EQ(Msg(dup, "__all__"),
            "JobTemplate with this (name, organization) combination already exists.");
  // A project allowing overrides takes a branch; one that does not lets PATCH fail.
  int64_t ovr = api.Post("/api/v2/projects/", json::object{{"name", "ovr"},
                                                           {"organization", org},
                                                           {"scm_type", "git"},
                                                           {"scm_url", "file:///nowhere"},
                                                           {"allow_override", true}})
                    .Expect(201)
                    .id();
  int64_t b = MakeJt(
      api, "branch", ovr, inv,
      {{"playbook", "anything.yml"}, {"scm_branch", "dev"}, {"ask_scm_branch_on_launch", true}});
  Resp p = api.Patch(JtUrl(b), json::object{{"project", project}}).Expect(400);
  EXPECT_EQ(Msg(p, "playbook"), "Playbook not found for project.");
}

TEST(JobTemplates, UpdateMovesTheOrganizationWithTheProject) {
  Api api;
  JtWorld a(api, "ua");
  int64_t org_b = api.Org("ub-org");
  int64_t proj_b = MakeProject(api, "ub-proj", org_b);
  Resp r = api.Patch(JtUrl(a.jt), json::object{{"project", proj_b}}).Expect(200);
  EXPECT_EQ(r["organization"], org_b);
  EXPECT_EQ(api.Get(JtUrl(a.jt)).Expect(200)["organization"], org_b);
  // The roles follow: an admin of the new organization administers it, the old one no more.
  int64_t u = api.User("b-admin");
  api.Grant(OrgUrl(org_b), "admin_role", u);
  api.Patch(JtUrl(a.jt), json::object{{"description", "mine"}}).As("b-admin").Expect(200);
  int64_t v = api.User("a-admin");
  api.Grant(OrgUrl(a.org), "admin_role", v);
  api.Get(JtUrl(a.jt)).As("a-admin").Expect(403);
  // PUT needs the whole body; a missing name is an error.
  Resp put = api.Put(JtUrl(a.jt),
                     json::object{
                         {"project", proj_b}, {"inventory", a.inventory}, {"playbook", "site.yml"}})
                 .Expect(400);
  EXPECT_EQ(Msg(put, "name"), "This field is required.");
}

TEST(JobTemplates, CredentialsOnePerTypeAndOnlyJobKinds) {
  Api api;
  JtWorld w(api, "cr");
  int64_t m1 = MachineCred(api, "m1", w.org);
  int64_t m2 = MachineCred(api, "m2", w.org);
  int64_t v1 = MakeCred(api, "v1", "Vault", w.org, {{"vault_password", "x"}, {"vault_id", "a"}});
  int64_t v2 = MakeCred(api, "v2", "Vault", w.org, {{"vault_password", "x"}, {"vault_id", "b"}});
  int64_t v3 = MakeCred(api, "v3", "Vault", w.org, {{"vault_password", "x"}, {"vault_id", "a"}});
  int64_t scm = MakeCred(api, "s", "Source Control", w.org);
  int64_t aws =
      MakeCred(api, "aws", "Amazon Web Services", w.org, {{"username", "u"}, {"password", "p"}});
  std::string url = JtUrl(w.jt, "credentials");
  AttachCred(api, w.jt, m1);
  Resp dup = api.Post(url, json::object{{"id", m2}}).Expect(400);
  EXPECT_EQ(dup["error"], "Cannot assign multiple Machine credentials.");
  Resp again = api.Post(url, json::object{{"id", m1}}).Expect(400);
  EXPECT_EQ(again["error"], "Cannot assign multiple Machine credentials.");
  AttachCred(api, w.jt, v1);
  AttachCred(api, w.jt, v2);  // another vault id
  Resp vdup = api.Post(url, json::object{{"id", v3}}).Expect(400);
  EXPECT_EQ(vdup["error"], "Cannot assign multiple Vault (id=a) credentials.");
  Resp kind = api.Post(url, json::object{{"id", scm}}).Expect(400);
  EXPECT_EQ(kind["error"], "Cannot assign a Credential of kind `scm`.");
  AttachCred(api, w.jt, aws);
  Resp list = api.Get(url).Expect(200);
  EXPECT_EQ(list.count(), 4);
  Resp d = api.Get(JtUrl(w.jt)).Expect(200);
  const auto& creds = d["summary_fields"].as_object().at("credentials").as_array();
  ASSERT_EQ(creds.size(), 4u);
  EXPECT_EQ(creds[0].as_object().at("id"), m1);
  EXPECT_EQ(creds[0].as_object().at("kind"), "ssh");
  EXPECT_EQ(creds[0].as_object().at("cloud"), false);
  EXPECT_EQ(creds[3].as_object().at("kind"), "aws");
  EXPECT_EQ(creds[3].as_object().at("cloud"), true);
  // Detach, then the other machine credential fits.
  api.Post(url, json::object{{"id", m1}, {"disassociate", true}}).Expect(204);
  AttachCred(api, w.jt, m2);
  // Create through the sub-list: made and attached; a refused kind leaves nothing behind.
  Resp made = api.Post(url, json::object{{"name", "made"},
                                         {"credential_type", TypeId(api, "Network")},
                                         {"organization", w.org},
                                         {"inputs", json::object{{"username", "u"}}}})
                  .Expect(201);
  EXPECT_EQ(api.Get(url).Expect(200).count(), 5);
  Resp bad = api.Post(url, json::object{{"name", "made-scm"},
                                        {"credential_type", TypeId(api, "Source Control")},
                                        {"organization", w.org}})
                 .Expect(400);
  EXPECT_EQ(bad["error"], "Cannot assign a Credential of kind `scm`.");
  EXPECT_EQ(api.Get("/api/v2/credentials/?name=made-scm").Expect(200).count(), 0);
  // Missing credential.
  Resp missing = api.Post(url, json::object{{"id", 99999}}).Expect(400);
  EXPECT_EQ(missing["detail"], "Credential matching query does not exist.");
  (void)made;
}

TEST(JobTemplates, LabelsCreateOrAttachAndGoWithTheirLastUser) {
  Api api;
  JtWorld w(api, "lb");
  int64_t jt2 = MakeJt(api, "lb-jt2", w.project, w.inventory);
  std::string url = JtUrl(w.jt, "labels");
  Resp made = api.Post(url, json::object{{"name", "blue"}, {"organization", w.org}}).Expect(201);
  int64_t blue = made.id();
  // The same name and organization attaches the existing label (204 on an attach).
  api.Post(JtUrl(jt2, "labels"), json::object{{"name", "blue"}, {"organization", w.org}})
      .Expect(204);
  EXPECT_EQ(api.Get(JtUrl(jt2, "labels")).Expect(200).results()[0].as_object().at("id"), blue);
  Resp d = api.Get(JtUrl(w.jt)).Expect(200);
  EXPECT_EQ(d["summary_fields"].as_object().at("labels"),
            (json::object{{"count", 1},
                          {"results", json::array{json::object{{"id", blue}, {"name", "blue"}}}}}));
  // Detaching from one template keeps the label; from its last user deletes it.
  api.Post(url, json::object{{"id", blue}, {"disassociate", true}}).Expect(204);
  api.Get("/api/v2/labels/" + std::to_string(blue) + "/").Expect(200);
  api.Post(JtUrl(jt2, "labels"), json::object{{"id", blue}, {"disassociate", true}}).Expect(204);
  api.Get("/api/v2/labels/" + std::to_string(blue) + "/").Expect(404);
  // More than 100 labels: refused.
  for (int i = 0; i < 101; ++i) {
    int64_t l = api.Post("/api/v2/labels/",
                         json::object{{"name", "l" + std::to_string(i)}, {"organization", w.org}})
                    .Expect(201)
                    .id();
    api.db().Local().Exec(
        "INSERT INTO label_attachments (owner_type, owner_id, label_id) VALUES ('job_template', ?, "
        "?)",
        {w.jt, l});
  }
  Resp full =
      api.Post(url, json::object{{"name", "one-more"}, {"organization", w.org}}).Expect(400);
  EXPECT_EQ(full["msg"], "Maximum number of labels for job template reached.");
}

TEST(JobTemplates, SurveySpecStoresMasksAndDeletes) {
  Api api;
  JtWorld w(api, "sv");
  std::string url = JtUrl(w.jt, "survey_spec");
  EXPECT_EQ(api.Get(url).Expect(200).json, json::object{});
  json::object spec{{"name", "S"},
                    {"description", "D"},
                    {"spec", json::array{json::object{{"type", "password"},
                                                      {"question_name", "pw"},
                                                      {"variable", "pw"},
                                                      {"required", false},
                                                      {"default", "s3cret"}},
                                         json::object{{"type", "text"},
                                                      {"question_name", "t"},
                                                      {"variable", "t"},
                                                      {"required", true}}}}};
  Resp ok = api.Post(url, spec).Expect(200);
  EXPECT_TRUE(ok.body.empty());
  Resp got = api.Get(url).Expect(200);
  const auto& q0 = got["spec"].as_array()[0].as_object();
  EXPECT_EQ(q0.at("default"), "$encrypted$");
  std::string stored =
      api.db()
          .Local()
          .QueryString("SELECT survey_spec FROM job_templates WHERE id = ?", {w.jt})
          .value_or("");
  EXPECT_EQ(stored.find("s3cret"), std::string::npos);
  EXPECT_NE(stored.find("$encrypted$AESGCM$"), std::string::npos);
  // survey summary and the unchanged survey_enabled flag.
  Resp d = api.Get(JtUrl(w.jt)).Expect(200);
  EXPECT_EQ(d["summary_fields"].as_object().at("survey"),
            (json::object{{"title", "S"}, {"description", "D"}}));
  EXPECT_EQ(d["survey_enabled"], false);
  // Posting back the masked spec keeps the encrypted default.
  api.Post(url, got.json).Expect(200);
  EXPECT_EQ(api.db()
                .Local()
                .QueryString("SELECT survey_spec FROM job_templates WHERE id = ?", {w.jt})
                .value_or(""),
            stored);
  // Invalid specs.
  json::object no_name = spec;
  no_name.erase("name");
  Resp bad = api.Post(url, no_name).Expect(400);
  EXPECT_EQ(bad["error"], "Field 'name' is missing from survey spec.");
  Resp empty =
      api.Post(url, json::object{{"name", "n"}, {"description", "D"}, {"spec", json::array{}}})
          .Expect(400);
  EXPECT_EQ(empty["error"], "'spec' doesn't contain any items.");
  // Roles: execute and read may not edit; admin may.
  int64_t ex = api.User("ex");
  api.Grant(JtUrl(w.jt), "execute_role", ex);
  api.Post(url, spec).As("ex").Expect(403);
  api.Delete(url).As("ex").Expect(403);
  api.Get(url).As("ex").Expect(200);
  int64_t ad = api.User("ad");
  api.Grant(JtUrl(w.jt), "admin_role", ad);
  api.Post(url, spec).As("ad").Expect(200);
  Resp del = api.Delete(url).As("ad").Expect(200);
  EXPECT_TRUE(del.body.empty());
  EXPECT_EQ(api.Get(url).Expect(200).json, json::object{});
}

TEST(JobTemplates, CopyTakesCredentialsLabelsAndSurvey) {
  Api api;
  JtWorld w(api, "cp", {{"survey_enabled", true}, {"extra_vars", "a: 1"}});
  int64_t m = MachineCred(api, "cpm", w.org);
  AttachCred(api, w.jt, m);
  int64_t label =
      api.Post(JtUrl(w.jt, "labels"), json::object{{"name", "red"}, {"organization", w.org}})
          .Expect(201)
          .id();
  api.Post(JtUrl(w.jt, "survey_spec"),
           json::object{{"name", "S"},
                        {"description", ""},
                        {"spec", json::array{json::object{{"type", "text"},
                                                          {"question_name", "q"},
                                                          {"variable", "q"},
                                                          {"required", false}}}}})
      .Expect(200);
  EXPECT_EQ(api.Get(JtUrl(w.jt, "copy")).Expect(200)["can_copy"], true);
  Resp same = api.Post(JtUrl(w.jt, "copy"), json::object{{"name", "cp-jt"}}).Expect(400);
  EXPECT_EQ(
      Msg(same, "name"),
      "The original object is already named cp-jt, a copy from it cannot have the same name.");
  Resp c = api.Post(JtUrl(w.jt, "copy"), json::object{{"name", "cp-copy"}}).Expect(201);
  int64_t id = c.id();
  EXPECT_EQ(c["extra_vars"], "a: 1");
  EXPECT_EQ(c["survey_enabled"], true);
  EXPECT_EQ(api.Get(JtUrl(id, "credentials")).Expect(200).results()[0].as_object().at("id"), m);
  EXPECT_EQ(api.Get(JtUrl(id, "labels")).Expect(200).results()[0].as_object().at("id"), label);
  EXPECT_EQ(api.Get(JtUrl(id, "survey_spec")).Expect(200)["name"], "S");
  // A user who may not use the credential cannot copy.
  int64_t u = api.User("copier");
  api.Grant(JtUrl(w.jt), "admin_role", u);
  api.Grant(ProjUrl(w.project), "use_role", u);
  api.Grant(InvUrl2(w.inventory), "use_role", u);
  EXPECT_EQ(api.Get(JtUrl(w.jt, "copy")).As("copier").Expect(200)["can_copy"], false);
  Resp denied =
      api.Post(JtUrl(w.jt, "copy"), json::object{{"name", "nope"}}).As("copier").Expect(403);
  EXPECT_EQ(denied["detail"], "Insufficient access to Job Template credentials.");
  EXPECT_EQ(api.Get("/api/v2/job_templates/?name=nope").Expect(200).count(), 0);
  api.Grant(CredUrl(m), "use_role", u);
  api.Post(JtUrl(w.jt, "copy"), json::object{{"name", "yes"}}).As("copier").Expect(201);
}

TEST(JobTemplates, DeleteRefusedWhileAJobIsActiveThenJobsOutliveIt) {
  Api api;
  JtWorld w(api, "del");
  int64_t job = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(201)["job"].as_int64();
  Resp busy = api.Delete(JtUrl(w.jt)).Expect(409);
  EXPECT_EQ(busy["error"], "Resource is being used by running jobs.");
  EXPECT_EQ(busy["active_jobs"], (json::array{json::object{{"id", job}, {"type", "job"}}}));
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE id = ?", {job});
  api.Delete(JtUrl(w.jt)).Expect(204);
  api.Get(JtUrl(w.jt)).Expect(404);
  EXPECT_EQ(JobInt(api, job, "COALESCE(job_template_id, 0)"), 0);
  EXPECT_EQ(api.db().Local().QueryInt(
                "SELECT COUNT(*) FROM roles WHERE content_type = 'job_template' AND object_id = ?",
                {w.jt}),
            0);
}

TEST(JobTemplates, StatusAndRecentJobsFollowItsJobs) {
  Api api;
  JtWorld w(api, "st");
  int64_t j1 = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(201)["job"].as_int64();
  Resp d = api.Get(JtUrl(w.jt)).Expect(200);
  EXPECT_EQ(d["status"], "pending");
  EXPECT_EQ(d["summary_fields"].as_object().at("current_job").as_object().at("id"), j1);
  EXPECT_EQ(d["related"].as_object().at("current_job"),
            json::value("/api/v2/jobs/" + std::to_string(j1) + "/"));
  api.db().Local().Exec(
      "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = "
      "'2024-01-01T00:00:00.000000Z' "
      "WHERE id = ?",
      {j1});
  d = api.Get(JtUrl(w.jt)).Expect(200);
  EXPECT_EQ(d["status"], "failed");
  EXPECT_EQ(d["last_job_failed"], true);
  EXPECT_EQ(d["last_job_run"], "2024-01-01T00:00:00.000000Z");
  const auto& recent = d["summary_fields"].as_object().at("recent_jobs").as_array();
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].as_object().at("status"), "failed");
  EXPECT_EQ(recent[0].as_object().at("type"), "job");
  EXPECT_FALSE(d["summary_fields"].as_object().contains("current_job"));
  EXPECT_EQ(api.Get(JtUrl(w.jt, "jobs")).Expect(200).count(), 1);
}

}  // namespace
}  // namespace baton::testing
