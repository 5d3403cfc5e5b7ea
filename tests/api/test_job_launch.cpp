// launch/ of job templates (contract §13.1, workflow-semantics.md LA-6..LA-11, LA-15): the
// launch requirements, prompts accepted or ignored, launch passwords, the job row a launch
// writes, and bad input leaving no job behind (survey answers: test_job_launch_survey.cpp).
#include "launch_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace launch;

TEST(JobLaunch, OptionsDescribesTheLaunchFields) {
  Api api;
  JtWorld w(api, "opt");
  Resp r = api.Options(JtUrl(w.jt, "launch")).Expect(200);
  const auto& post = r["actions"].as_object().at("POST").as_object();
  for (const char* f :
       {"extra_vars", "inventory", "limit", "job_tags", "skip_tags", "job_type", "verbosity",
        "diff_mode", "credentials", "forks", "job_slice_count", "timeout"}) {
    ASSERT_TRUE(post.contains(f)) << f << " " << r.body;
    EXPECT_EQ(post.at(f).as_object().at("required"), false) << f;
  }
  EXPECT_EQ(post.at("extra_vars").as_object().at("type"), "json");
}

TEST(JobLaunch, GetShowsTheRequirementsAndDefaults) {
  Api api;
  JtWorld w(api, "g", {{"limit", "web"}, {"extra_vars", "{\"a\": 1}"}});
  Resp r = api.Get(JtUrl(w.jt, "launch")).Expect(200);
  EXPECT_EQ(r["can_start_without_user_input"], true);
  EXPECT_EQ(r["passwords_needed_to_start"], json::array{});
  EXPECT_EQ(r["variables_needed_to_start"], json::array{});
  EXPECT_EQ(r["credential_needed_to_start"], false);
  EXPECT_EQ(r["inventory_needed_to_start"], false);
  EXPECT_EQ(r["survey_enabled"], false);
  EXPECT_EQ(r["ask_limit_on_launch"], false);
  EXPECT_EQ(r["job_template_data"],
            (json::object{{"name", "g-jt"}, {"id", w.jt}, {"description", ""}}));
  const auto& d = r["defaults"].as_object();
  EXPECT_EQ(d.at("extra_vars"), "{\"a\": 1}");
  EXPECT_EQ(d.at("limit"), "web");
  EXPECT_EQ(d.at("job_type"), "run");
  EXPECT_EQ(d.at("inventory"), (json::object{{"name", "g-inv"}, {"id", w.inventory}}));
  EXPECT_FALSE(d.contains("credentials"));
  EXPECT_FALSE(d.contains("labels"));
  EXPECT_EQ(d.at("forks"), 0);
  EXPECT_EQ(d.at("job_slice_count"), 1);
  EXPECT_EQ(d.at("instance_groups"), json::array{});

  // Asking for anything, launch passwords and required survey answers need user input.
  int64_t ask = MakeJt(api, "ask", w.project, 0, {{"ask_inventory_on_launch", true}});
  Resp a = api.Get(JtUrl(ask, "launch")).Expect(200);
  EXPECT_EQ(a["can_start_without_user_input"], false);
  EXPECT_EQ(a["inventory_needed_to_start"], true);
  EXPECT_EQ(a["defaults"].as_object().at("inventory"),
            (json::object{{"name", nullptr}, {"id", nullptr}}));
  int64_t cred = MachineCred(api, "ask-pw", w.org,
                             {{"username", "u"}, {"password", "ASK"}, {"become_password", "ASK"}});
  int64_t vault =
      MakeCred(api, "ask-vault", "Vault", w.org, {{"vault_password", "ASK"}, {"vault_id", "prod"}});
  int64_t pw = MakeJt(api, "pw", w.project, w.inventory);
  AttachCred(api, pw, cred);
  AttachCred(api, pw, vault);
  Resp p = api.Get(JtUrl(pw, "launch")).Expect(200);
  EXPECT_EQ(p["can_start_without_user_input"], false);
  EXPECT_EQ(Strs(p["passwords_needed_to_start"]),
            (std::vector<std::string>{"ssh_password", "become_password", "vault_password.prod"}));
  const auto& creds = p["defaults"].as_object().at("credentials").as_array();
  ASSERT_EQ(creds.size(), 2u);
  EXPECT_EQ(creds[0].as_object().at("name"), "ask-pw");
  EXPECT_EQ(creds[1].as_object().at("vault_id"), "prod");
  int64_t sv = MakeJt(api, "sv", w.project, w.inventory);
  SetSurvey(api, sv, json::array{Q("text", "who", true), Q("text", "opt", false)});
  Resp s = api.Get(JtUrl(sv, "launch")).Expect(200);
  EXPECT_EQ(s["survey_enabled"], true);
  EXPECT_EQ(Strs(s["variables_needed_to_start"]), std::vector<std::string>{"who"});
  EXPECT_EQ(s["can_start_without_user_input"], false);
}

TEST(JobLaunch, PlainLaunchWritesTheJobRow) {
  Api api;
  JtWorld w(api, "p",
            {{"limit", "h1"},
             {"forks", 3},
             {"verbosity", 2},
             {"job_tags", "t1"},
             {"skip_tags", "s1"},
             {"start_at_task", "go"},
             {"timeout", 30},
             {"become_enabled", true},
             {"diff_mode", true},
             {"force_handlers", true},
             {"use_fact_cache", true},
             {"allow_simultaneous", true},
             {"extra_vars", "a: 1"},
             {"job_type", "check"}});
  int64_t m = MachineCred(api, "pm", w.org);
  AttachCred(api, w.jt, m);
  int64_t label =
      api.Post(JtUrl(w.jt, "labels"), json::object{{"name", "lab"}, {"organization", w.org}})
          .Expect(201)
          .id();
  Resp r = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(201);
  int64_t job = r["job"].as_int64();
  EXPECT_EQ(r.Header("Location"), "/api/v2/jobs/" + std::to_string(job) + "/");
  EXPECT_EQ(r["ignored_fields"], json::object{});
  EXPECT_EQ(JobColumn(api, job, "type"), "job");
  EXPECT_EQ(JobColumn(api, job, "status"), "pending");
  EXPECT_EQ(JobColumn(api, job, "name"), "p-jt");
  EXPECT_EQ(JobColumn(api, job, "launch_type"), "manual");
  EXPECT_EQ(JobInt(api, job, "job_template_id"), w.jt);
  EXPECT_EQ(JobInt(api, job, "unified_job_template_id"), w.jt);
  EXPECT_EQ(JobInt(api, job, "organization_id"), w.org);
  EXPECT_EQ(JobInt(api, job, "project_id"), w.project);
  EXPECT_EQ(JobInt(api, job, "inventory_id"), w.inventory);
  EXPECT_EQ(JobColumn(api, job, "playbook"), "site.yml");
  EXPECT_EQ(JobColumn(api, job, "limit_"), "h1");
  EXPECT_EQ(JobInt(api, job, "forks"), 3);
  EXPECT_EQ(JobInt(api, job, "verbosity"), 2);
  EXPECT_EQ(JobColumn(api, job, "job_type"), "check");
  EXPECT_EQ(JobColumn(api, job, "job_tags"), "t1");
  EXPECT_EQ(JobColumn(api, job, "skip_tags"), "s1");
  EXPECT_EQ(JobColumn(api, job, "start_at_task"), "go");
  EXPECT_EQ(JobInt(api, job, "timeout"), 30);
  for (const char* b :
       {"become_enabled", "diff_mode", "force_handlers", "use_fact_cache", "allow_simultaneous"})
    EXPECT_EQ(JobInt(api, job, b), 1) << b;
  EXPECT_EQ(JobColumn(api, job, "extra_vars"), "{\"a\": 1}");
  EXPECT_EQ(JobInt(api, job, "job_slice_number"), 0);
  EXPECT_EQ(JobInt(api, job, "job_slice_count"), 1);
  EXPECT_EQ(JobColumn(api, job, "survey_passwords"), "{}");
  EXPECT_EQ(JobColumn(api, job, "launch_config"), "{}");
  EXPECT_EQ(JobColumn(api, job, "start_args"), "");
  EXPECT_EQ(JobInt(api, job, "task_impact"), 3);  // min(2 hosts, 3 forks) + 1
  EXPECT_EQ(JobInt(api, job, "created_by_id"), 1);
  EXPECT_EQ(JobCredentials(api, job), std::vector<int64_t>{m});
  EXPECT_EQ(JobLabels(api, job), std::vector<int64_t>{label});
  // forks 0 counts as 5: min(2, 5) + 1.
  api.Patch(JtUrl(w.jt), json::object{{"forks", 0}}).Expect(200);
  EXPECT_EQ(JobInt(api, Launch(api, w.jt), "task_impact"), 3);
}

TEST(JobLaunch, UnpromptedValuesAreIgnoredAndEchoed) {
  Api api;
  JtWorld w(api, "ig", {{"extra_vars", "{\"keep\": 1}"}});
  int64_t inv2 = MakeInventory(api, "ig-inv2", w.org);
  int64_t m = MachineCred(api, "igm", w.org);
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "x"}, {"organization", w.org}})
                      .Expect(201)
                      .id();
  Resp r = api.Post(JtUrl(w.jt, "launch"),
                    json::object{{"limit", "h2"},
                                 {"inventory", inv2},
                                 {"job_type", "check"},
                                 {"verbosity", 3},
                                 {"diff_mode", true},
                                 {"credentials", json::array{m}},
                                 {"labels", json::array{label}},
                                 {"forks", 9},
                                 {"timeout", 5},
                                 {"job_tags", "a"},
                                 {"skip_tags", "b"},
                                 {"extra_vars", json::object{{"keep", 1}, {"new", 2}}}})
               .Expect(201);
  const auto& ig = r["ignored_fields"].as_object();
  EXPECT_EQ(ig.at("limit"), "h2");
  EXPECT_EQ(ig.at("inventory"), inv2);
  EXPECT_EQ(ig.at("job_type"), "check");
  EXPECT_EQ(ig.at("verbosity"), 3);
  EXPECT_EQ(ig.at("diff_mode"), true);
  EXPECT_EQ(ig.at("credentials"), json::array{m});
  EXPECT_EQ(ig.at("labels"), json::array{label});
  EXPECT_EQ(ig.at("forks"), 9);
  EXPECT_EQ(ig.at("timeout"), 5);
  EXPECT_EQ(ig.at("job_tags"), "a");
  EXPECT_EQ(ig.at("skip_tags"), "b");
  // A var equal to the template's is dropped silently; the new one is ignored.
  EXPECT_EQ(ig.at("extra_vars"), (json::object{{"new", 2}}));
  int64_t job = r["job"].as_int64();
  EXPECT_EQ(JobColumn(api, job, "limit_"), "");
  EXPECT_EQ(JobInt(api, job, "inventory_id"), w.inventory);
  EXPECT_EQ(JobColumn(api, job, "job_type"), "run");
  EXPECT_EQ(JobColumn(api, job, "extra_vars"), "{\"keep\": 1}");
  EXPECT_EQ(JobCredentials(api, job), std::vector<int64_t>{});
  // Values equal to the template's are neither accepted nor ignored.
  Resp same = api.Post(JtUrl(w.jt, "launch"),
                       json::object{{"limit", ""}, {"job_type", "run"}, {"inventory", w.inventory}})
                  .Expect(201);
  EXPECT_EQ(same["ignored_fields"], json::object{});
}

TEST(JobLaunch, PromptedValuesReachTheJobAndItsLaunchConfig) {
  Api api;
  json::object asks;
  for (const char* a :
       {"ask_diff_mode_on_launch", "ask_variables_on_launch", "ask_limit_on_launch",
        "ask_tags_on_launch", "ask_skip_tags_on_launch", "ask_job_type_on_launch",
        "ask_verbosity_on_launch", "ask_inventory_on_launch", "ask_credential_on_launch",
        "ask_labels_on_launch", "ask_forks_on_launch", "ask_timeout_on_launch"})
    asks[a] = true;
  asks["extra_vars"] = "{\"a\": 1, \"b\": 1}";
  JtWorld w(api, "pr", asks);
  int64_t inv2 = MakeInventory(api, "pr-inv2", w.org, 4);
  int64_t m1 = MachineCred(api, "pr-m1", w.org);
  int64_t m2 = MachineCred(api, "pr-m2", w.org);
  int64_t aws =
      MakeCred(api, "pr-aws", "Amazon Web Services", w.org, {{"username", "u"}, {"password", "p"}});
  AttachCred(api, w.jt, m1);
  int64_t l1 =
      api.Post(JtUrl(w.jt, "labels"), json::object{{"name", "l1"}, {"organization", w.org}})
          .Expect(201)
          .id();
  int64_t l2 = api.Post("/api/v2/labels/", json::object{{"name", "l2"}, {"organization", w.org}})
                   .Expect(201)
                   .id();
  int64_t job = Launch(api, w.jt,
                       {{"limit", "h3"},
                        {"inventory", inv2},
                        {"job_type", "check"},
                        {"verbosity", 4},
                        {"diff_mode", true},
                        {"credentials", json::array{m2, aws}},
                        {"labels", json::array{l2}},
                        {"forks", 7},
                        {"timeout", 11},
                        {"job_tags", "jt"},
                        {"skip_tags", "st"},
                        {"extra_vars", "b: 2\nc: 3"}});
  EXPECT_EQ(JobColumn(api, job, "limit_"), "h3");
  EXPECT_EQ(JobInt(api, job, "inventory_id"), inv2);
  EXPECT_EQ(JobColumn(api, job, "job_type"), "check");
  EXPECT_EQ(JobInt(api, job, "verbosity"), 4);
  EXPECT_EQ(JobInt(api, job, "diff_mode"), 1);
  EXPECT_EQ(JobInt(api, job, "forks"), 7);
  EXPECT_EQ(JobInt(api, job, "timeout"), 11);
  EXPECT_EQ(JobColumn(api, job, "job_tags"), "jt");
  EXPECT_EQ(JobColumn(api, job, "skip_tags"), "st");
  EXPECT_EQ(JobInt(api, job, "task_impact"), 5);  // min(4 hosts, 7) + 1
  // LA-11: template vars under runtime vars.
  EXPECT_EQ(JobJson(api, job, "extra_vars"), (json::object{{"a", 1}, {"b", 2}, {"c", 3}}));
  // The prompted machine credential replaces the template's at its place.
  EXPECT_EQ(JobCredentials(api, job), (std::vector<int64_t>{m2, aws}));
  EXPECT_EQ(JobLabels(api, job), (std::vector<int64_t>{l1, l2}));
  json::object config = JobJson(api, job, "launch_config");
  EXPECT_EQ(config.at("limit"), "h3");
  EXPECT_EQ(config.at("inventory"), inv2);
  EXPECT_EQ(config.at("extra_vars"), (json::object{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(config.at("credentials"), (json::array{m2, aws}));
  EXPECT_EQ(config.at("labels"), json::array{l2});
  EXPECT_EQ(config.at("forks"), 7);
  EXPECT_FALSE(config.contains("scm_branch"));
}

TEST(JobLaunch, PromptedCredentialRules) {
  Api api;
  JtWorld w(api, "pc", {{"ask_credential_on_launch", true}});
  int64_t m1 = MachineCred(api, "pc-m1", w.org);
  int64_t m2 = MachineCred(api, "pc-m2", w.org);
  int64_t m3 = MachineCred(api, "pc-m3", w.org);
  int64_t scm = MakeCred(api, "pc-scm", "Source Control", w.org);
  AttachCred(api, w.jt, m1);
  int64_t before = CountJobs(api);
  Resp two = api.Post(JtUrl(w.jt, "launch"), json::object{{"credentials", json::array{m2, m3}}})
                 .Expect(400);
  EXPECT_EQ(Msg(two, "credentials"), "Cannot assign multiple Machine credentials.");
  Resp kind = api.Post(JtUrl(w.jt, "launch"), json::object{{"credentials", json::array{m1, scm}}})
                  .Expect(400);
  EXPECT_EQ(Msg(kind, "credentials"), "Cannot assign a Credential of kind `scm`");
  Resp removed =
      api.Post(JtUrl(w.jt, "launch"), json::object{{"credentials", json::array{}}}).Expect(400);
  EXPECT_EQ(Msg(removed, "credentials"),
            "Removing Machine credential at launch time without replacement is not supported. "
            "Provided list lacked credential(s): pc-m1-" +
                std::to_string(m1) + ".");
  Resp missing = api.Post(JtUrl(w.jt, "launch"), json::object{{"credentials", json::array{99999}}})
                     .Expect(400);
  EXPECT_EQ(Msg(missing, "credentials"), "Invalid pk \"99999\" - object does not exist.");
  Resp notlist = api.Post(JtUrl(w.jt, "launch"), json::object{{"credentials", m2}}).Expect(400);
  EXPECT_EQ(Msg(notlist, "credentials"), "Expected a list of items but got type \"int\".");
  EXPECT_EQ(CountJobs(api), before);
  // The same list as the template's is a no-op.
  EXPECT_EQ(JobCredentials(api, Launch(api, w.jt, {{"credentials", json::array{m1}}})),
            std::vector<int64_t>{m1});
}

TEST(JobLaunch, LaunchPasswords) {
  Api api;
  JtWorld w(api, "lp");
  int64_t m = MachineCred(api, "lp-m", w.org,
                          {{"username", "u"}, {"password", "ASK"}, {"become_password", "ASK"}});
  int64_t v = MakeCred(api, "lp-v", "Vault", w.org, {{"vault_password", "ASK"}});
  AttachCred(api, w.jt, m);
  AttachCred(api, w.jt, v);
  int64_t before = CountJobs(api);
  Resp none = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(400);
  EXPECT_EQ(Strs(none["passwords_needed_to_start"]),
            (std::vector<std::string>{"ssh_password", "become_password", "vault_password"}));
  Resp some = api.Post(JtUrl(w.jt, "launch"),
                       json::object{{"credential_passwords", json::object{{"ssh_password", "a"}}}})
                  .Expect(400);
  EXPECT_EQ(Strs(some["passwords_needed_to_start"]),
            (std::vector<std::string>{"become_password", "vault_password"}));
  Resp blank =
      api.Post(JtUrl(w.jt, "launch"),
               json::object{{"credential_passwords", json::object{{"ssh_password", ""},
                                                                  {"become_password", "b"},
                                                                  {"vault_password", "v"}}}})
          .Expect(400);
  EXPECT_TRUE(blank.obj().contains("passwords_needed_to_start"));
  EXPECT_EQ(CountJobs(api), before);
  int64_t job = Launch(api, w.jt,
                       {{"credential_passwords", json::object{{"ssh_password", "sp"},
                                                              {"become_password", "bp"},
                                                              {"vault_password", "vp"},
                                                              {"unrelated", "x"}}}});
  std::string start_args = JobColumn(api, job, "start_args").value_or("");
  EXPECT_EQ(start_args.rfind("$encrypted$AESGCM$", 0), 0u);
  EXPECT_EQ(
      ParseJson(Plain(api, start_args)).value(),
      (json::object{{"ssh_password", "sp"}, {"become_password", "bp"}, {"vault_password", "vp"}}));
  EXPECT_EQ(JobColumn(api, job, "launch_config"), "{}");
  // Passwords may also come as top-level keys.
  Launch(api, w.jt, {{"ssh_password", "a"}, {"become_password", "b"}, {"vault_password", "c"}});
}

TEST(JobLaunch, InventoryRules) {
  Api api;
  int64_t org = api.Org("ir");
  int64_t project = MakeProject(api, "ir-proj", org);
  int64_t inv = MakeInventory(api, "ir-inv", org, 1);
  int64_t jt = MakeJt(api, "ir-jt", project, 0, {{"ask_inventory_on_launch", true}});
  int64_t before = CountJobs(api);
  Resp need = api.Post(JtUrl(jt, "launch"), json::object{}).Expect(400);
  EXPECT_EQ(Strs(need["resources_needed_to_start"]),
            std::vector<std::string>{"Job Template inventory is missing or undefined."});
  Resp bad = api.Post(JtUrl(jt, "launch"), json::object{{"inventory", 99999}}).Expect(400);
  EXPECT_EQ(Msg(bad, "inventory"), "Invalid pk \"99999\" - object does not exist.");
  Resp type = api.Post(JtUrl(jt, "launch"), json::object{{"inventory", "x"}}).Expect(400);
  EXPECT_EQ(Msg(type, "inventory"), "Incorrect type. Expected pk value, received str.");
  Resp null = api.Post(JtUrl(jt, "launch"), json::object{{"inventory", nullptr}}).Expect(400);
  EXPECT_EQ(Msg(null, "inventory"), "This field may not be null.");
  api.db().Local().Exec("UPDATE inventories SET pending_deletion = 1 WHERE id = ?", {inv});
  Resp gone = api.Post(JtUrl(jt, "launch"), json::object{{"inventory", inv}}).Expect(400);
  EXPECT_EQ(Msg(gone, "inventory"), "The provided inventory is being deleted.");
  api.db().Local().Exec("UPDATE inventories SET pending_deletion = 0 WHERE id = ?", {inv});
  EXPECT_EQ(CountJobs(api), before);
  // inventory_id is the legacy alias.
  EXPECT_EQ(JobInt(api, Launch(api, jt, {{"inventory_id", inv}}), "inventory_id"), inv);
}

TEST(JobLaunch, FieldErrorsAndProjectState) {
  Api api;
  JtWorld w(api, "fe",
            {{"ask_job_type_on_launch", true},
             {"ask_verbosity_on_launch", true},
             {"ask_forks_on_launch", true}});
  int64_t before = CountJobs(api);
  struct C {
    json::object body;
    std::string field, msg;
  };
  for (const C& c : std::vector<C>{
           {{{"job_type", "scan"}}, "job_type", "\"scan\" is not a valid choice."},
           {{{"verbosity", 9}}, "verbosity", "\"9\" is not a valid choice."},
           {{{"forks", -1}}, "forks", "Ensure this value is greater than or equal to 0."},
           {{{"forks", "x"}}, "forks", "A valid integer is required."},
           {{{"limit", nullptr}}, "limit", "This field may not be null."},
           {{{"limit", json::array{}}}, "limit", "Not a valid string."},
           {{{"diff_mode", "maybe"}}, "diff_mode", "Must be a valid boolean."},
           {{{"extra_vars", "{not: [valid"}}, "extra_vars", ""},
           {{{"labels", json::array{99999}}},
            "labels",
            "Invalid pk \"99999\" - object does not exist."},
       }) {
    SCOPED_TRACE(Dump(c.body));
    Resp r = api.Post(JtUrl(w.jt, "launch"), c.body).Expect(400);
    if (c.msg.empty())
      EXPECT_TRUE(r.obj().contains(c.field)) << r.body;
    else
      EXPECT_EQ(Msg(r, c.field), c.msg) << r.body;
  }
  // A project whose last update failed has no revision to run.
  api.db().Local().Exec("UPDATE projects SET scm_type = 'git', scm_url = 'file:///x' WHERE id = ?",
                        {w.project});
  api.db().Local().Exec(
      "INSERT INTO unified_jobs (type, status, project_id, created, modified) VALUES "
      "('project_update', 'failed', ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
      {w.project});
  Resp failed = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(400);
  EXPECT_EQ(Msg(failed, "playbook"), "Missing a revision to run due to failed project update.");
  // A template whose project is gone.
  api.db().Local().Exec("UPDATE job_templates SET project_id = NULL WHERE id = ?", {w.jt});
  Resp noproj = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(400);
  EXPECT_EQ(Msg(noproj, "project"), "A project is required to run a job.");
  EXPECT_EQ(Strs(noproj["resources_needed_to_start"]),
            std::vector<std::string>{"Job Template project is missing or undefined."});
  EXPECT_EQ(CountJobs(api), before);
}

TEST(JobLaunch, ScmBranchPrompt) {
  Api api;
  int64_t org = api.Org("br");
  int64_t inv = MakeInventory(api, "br-inv", org);
  int64_t p = api.Post("/api/v2/projects/", json::object{{"name", "br-p"},
                                                         {"organization", org},
                                                         {"scm_type", "git"},
                                                         {"scm_url", "file:///nowhere"},
                                                         {"scm_branch", "main"},
                                                         {"allow_override", true}})
                  .Expect(201)
                  .id();
  // Let the project update be considered done.
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE project_id = ?", {p});
  int64_t jt =
      MakeJt(api, "br-jt", p, inv, {{"playbook", "x.yml"}, {"ask_scm_branch_on_launch", true}});
  EXPECT_EQ(JobColumn(api, Launch(api, jt, {{"scm_branch", "dev"}}), "scm_branch"), "dev");
  // The project's own branch while the template has none is "not provided".
  int64_t same = Launch(api, jt, {{"scm_branch", "main"}});
  EXPECT_EQ(JobColumn(api, same, "scm_branch"), "");
  // The project stops allowing overrides: the prompt is an error even though it is asked.
  api.db().Local().Exec("UPDATE projects SET allow_override = 0 WHERE id = ?", {p});
  Resp r = api.Post(JtUrl(jt, "launch"), json::object{{"scm_branch", "dev"}}).Expect(400);
  EXPECT_EQ(Msg(r, "scm_branch"), "Project does not allow override of branch.");
}

TEST(JobLaunch, PermissionsOfTheLaunchAndItsPrompts) {
  Api api;
  JtWorld w(api, "pm",
            {{"ask_inventory_on_launch", true},
             {"ask_credential_on_launch", true},
             {"ask_labels_on_launch", true}});
  int64_t other_org = api.Org("pm-other");
  int64_t inv2 = MakeInventory(api, "pm-inv2", w.org);
  int64_t m = MachineCred(api, "pm-m", w.org);
  int64_t foreign_label =
      api.Post("/api/v2/labels/", json::object{{"name", "fl"}, {"organization", other_org}})
          .Expect(201)
          .id();
  int64_t ex = api.User("executor");
  api.Grant(JtUrl(w.jt), "execute_role", ex);
  int64_t rd = api.User("reader");
  api.Grant(JtUrl(w.jt), "read_role", rd);
  api.User("nobody");
  int64_t before = CountJobs(api);
  api.Get(JtUrl(w.jt, "launch")).As("reader").Expect(200);
  api.Post(JtUrl(w.jt, "launch"), json::object{}).As("reader").Expect(403);
  api.Get(JtUrl(w.jt, "launch")).As("nobody").Expect(403);
  api.Post(JtUrl(w.jt, "launch"), json::object{}).As("nobody").Expect(403);
  api.Post(JtUrl(w.jt, "launch"), json::object{{"inventory", inv2}}).As("executor").Expect(403);
  api.Post(JtUrl(w.jt, "launch"), json::object{{"credentials", json::array{m}}})
      .As("executor")
      .Expect(403);
  api.Post(JtUrl(w.jt, "launch"), json::object{{"labels", json::array{foreign_label}}})
      .As("executor")
      .Expect(403);
  EXPECT_EQ(CountJobs(api), before);
  int64_t job = Launch(api, w.jt, {}, "executor");
  EXPECT_EQ(JobInt(api, job, "created_by_id"), ex);
  api.Grant(InvUrl2(inv2), "use_role", ex);
  api.Grant(CredUrl(m), "use_role", ex);
  job = Launch(api, w.jt, {{"inventory", inv2}, {"credentials", json::array{m}}}, "executor");
  EXPECT_EQ(JobInt(api, job, "inventory_id"), inv2);
  // A read-only token may not launch.
  std::string tok = api.NewToken("executor", "read");
  api.Post(JtUrl(w.jt, "launch"), json::object{}).Token(tok).Expect(403);
}

TEST(JobLaunch, JobSliceCountPrompt) {
  Api api;
  JtWorld w(api, "sl", {{"ask_job_slice_count_on_launch", true}});
  int64_t small = MakeInventory(api, "sl-small", w.org, 1);
  (void)small;
  api.Patch(JtUrl(w.jt), json::object{{"inventory", small}}).Expect(200);
  Resp r = api.Post(JtUrl(w.jt, "launch"), json::object{{"job_slice_count", 3}}).Expect(400);
  EXPECT_EQ(Msg(r, "job_slice_count"), "Job inventory does not have enough hosts for slicing");
  // Two slices make a sliced workflow job (RL-8; tests/api/test_workflow_slicing.cpp).
  api.Patch(JtUrl(w.jt), json::object{{"inventory", w.inventory}}).Expect(200);
  Resp sliced = api.Post(JtUrl(w.jt, "launch"), json::object{{"job_slice_count", 2}}).Expect(201);
  EXPECT_EQ(sliced["type"], "workflow_job");
  EXPECT_EQ(sliced["is_sliced_job"], true);
}

}  // namespace
}  // namespace baton::testing
