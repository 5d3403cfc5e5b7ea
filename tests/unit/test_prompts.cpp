// Launch prompt decisions (domain/prompts.hpp; workflow-semantics.md LA-6, LA-7, LA-11, RL-6),
// table-driven over a job template state.
#include <gtest/gtest.h>

#include <functional>

#include "domain/prompts.hpp"

namespace baton::domain {
namespace {

LaunchCredential Cred(int64_t id, int64_t type, std::string kind, std::string type_name,
                      std::string vault_id = "", std::vector<std::string> pw = {}) {
  LaunchCredential c;
  c.id = id;
  c.type_id = type;
  c.kind = std::move(kind);
  c.type_name = std::move(type_name);
  c.name = "c" + std::to_string(id);
  c.vault_id = std::move(vault_id);
  c.passwords_needed = std::move(pw);
  return c;
}

JobTemplateState Base() {
  JobTemplateState t;
  t.inventory = 1;
  t.project = 2;
  t.limit = "all";
  t.extra_vars = json::object{{"a", 1}};
  t.credentials = {Cred(10, 1, "ssh", "Machine")};
  t.labels = {5};
  t.inventory_hosts = {{1, 3}, {7, 1}};
  t.project_scm_branch = "main";
  return t;
}

struct Case {
  std::string name;
  std::set<std::string, std::less<>> asks;
  LaunchPrompts given;
  bool prompt_errors = false;
  json::object want_ignored;
  json::object want_errors;
  std::function<void(const PromptDecision&)> check;
};

TEST(Prompts, AcceptOrIgnoreTable) {
  std::vector<Case> cases;
  {
    Case c;
    c.name = "unprompted limit ignored without error on manual launch";
    c.given.limit = "web";
    c.want_ignored = {{"limit", "web"}};
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "unprompted limit is an error when prompts count";
    c.given.limit = "web";
    c.prompt_errors = true;
    c.want_ignored = {{"limit", "web"}};
    c.want_errors = {{"limit", json::array{"Field is not configured to prompt on launch."}}};
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "asked limit accepted";
    c.asks = {"limit"};
    c.given.limit = "web";
    c.check = [](const PromptDecision& d) { EXPECT_EQ(d.accepted.limit, "web"); };
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "equal to the template is a no-op";
    c.given.limit = "all";
    c.given.inventory = 1;
    c.given.labels = std::vector<int64_t>{5};
    c.given.credentials = std::vector<LaunchCredential>{Cred(10, 1, "ssh", "Machine")};
    c.check = [](const PromptDecision& d) {
      EXPECT_FALSE(d.accepted.limit);
      EXPECT_FALSE(d.accepted.credentials);
    };
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "unprompted vars rejected, template-equal ones dropped";
    c.given.extra_vars = json::object{{"a", 1}, {"b", 2}, {"c", 3}};
    c.prompt_errors = true;
    c.want_ignored = {{"extra_vars", json::object{{"b", 2}, {"c", 3}}}};
    c.want_errors = {
        {"extra_vars",
         json::array{"Variables b, c are not allowed on launch. Check the Prompt on "
                     "Launch setting on the Job Template to include Extra Variables."}}};
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "asked vars accepted";
    c.asks = {"extra_vars"};
    c.given.extra_vars = json::object{{"b", 2}};
    c.check = [](const PromptDecision& d) {
      EXPECT_EQ(*d.accepted.extra_vars, (json::object{{"b", 2}}));
    };
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "only added credentials count";
    c.asks = {"credentials"};
    c.given.credentials =
        std::vector<LaunchCredential>{Cred(10, 1, "ssh", "Machine"), Cred(11, 3, "vault", "Vault")};
    c.check = [](const PromptDecision& d) {
      ASSERT_TRUE(d.accepted.credentials);
      ASSERT_EQ(d.accepted.credentials->size(), 1u);
      EXPECT_EQ((*d.accepted.credentials)[0].id, 11);
    };
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "branch of a project without override";
    c.asks = {"scm_branch"};
    c.given.scm_branch = "dev";
    c.want_ignored = {{"scm_branch", "dev"}};
    c.want_errors = {{"scm_branch", json::array{"Project does not allow override of branch."}}};
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "project default branch is no prompt";
    c.given.scm_branch = "main";
    cases.push_back(c);
  }
  {
    Case c;
    c.name = "slicing beyond the hosts";
    c.asks = {"job_slice_count", "inventory"};
    c.given.job_slice_count = 2;
    c.given.inventory = 7;  // one host
    c.want_ignored = {{"job_slice_count", 2}};
    c.want_errors = {
        {"job_slice_count", json::array{"Job inventory does not have enough hosts for slicing"}}};
    cases.push_back(c);
  }
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    JobTemplateState t = Base();
    t.asks = c.asks;
    PromptOptions o;
    o.prompt_errors = c.prompt_errors;
    PromptDecision d = AcceptJobPrompts(t, c.given, o);
    EXPECT_EQ(d.ignored, c.want_ignored) << Dump(d.ignored);
    EXPECT_EQ(d.errors, c.want_errors) << Dump(d.errors);
    if (c.check) c.check(d);
  }
}

TEST(Prompts, ResourcesNeededAndSavedPasswords) {
  JobTemplateState t = Base();
  t.inventory.reset();
  t.project.reset();
  t.credentials = {Cred(10, 1, "ssh", "Machine", "", {"ssh_password"})};
  PromptDecision d = AcceptJobPrompts(t, {}, {});
  EXPECT_EQ(d.errors.at("resources_needed_to_start"),
            (json::array{"Job Template project is missing or undefined.",
                         "Job Template inventory is missing or undefined."}));
  EXPECT_EQ(d.errors.at("passwords_needed_to_start"),
            json::array{"Saved launch configurations cannot provide passwords needed to start."});
  t.asks = {"inventory", "credentials"};
  LaunchPrompts g;
  g.inventory = 7;
  d = AcceptJobPrompts(t, g, {});
  EXPECT_EQ(d.errors.at("resources_needed_to_start"),
            json::array{"Job Template project is missing or undefined."});
  EXPECT_FALSE(d.errors.contains("passwords_needed_to_start"));
}

TEST(Prompts, CredentialRulesOfALaunch) {
  JobTemplateState t = Base();
  t.asks = {"credentials"};
  t.credentials = {Cred(10, 1, "ssh", "Machine"),
                   Cred(20, 3, "vault", "Vault", "a", {"vault_password.a"})};
  struct C {
    std::string name;
    std::vector<LaunchCredential> given;
    json::object passwords;
    json::value credentials_errors;  // null = none
    std::vector<std::string> lacking;
  };
  std::vector<C> cases = {
      {"two of a type",
       {Cred(10, 1, "ssh", "Machine"), Cred(20, 3, "vault", "Vault", "a"),
        Cred(11, 1, "ssh", "Machine"), Cred(12, 1, "ssh", "Machine")},
       {{"vault_password.a", "x"}},
       json::array{"Cannot assign multiple Machine credentials."},
       {}},
      {"scm kind",
       {Cred(10, 1, "ssh", "Machine"), Cred(20, 3, "vault", "Vault", "a"),
        Cred(13, 2, "scm", "Source Control")},
       {{"vault_password.a", "x"}},
       json::array{"Cannot assign a Credential of kind `scm`"},
       {}},
      {"removed without replacement",
       {Cred(20, 3, "vault", "Vault", "a")},
       {{"vault_password.a", "x"}},
       json::array{"Removing Machine credential at launch time without replacement is not "
                   "supported. Provided list lacked credential(s): c10-10."},
       {}},
      {"replaced machine, password lacking",
       {Cred(11, 1, "ssh", "Machine", "", {"ssh_password"}),
        Cred(20, 3, "vault", "Vault", "a", {"vault_password.a"})},
       {{"vault_password.a", "x"}},
       nullptr,
       {"ssh_password"}},
      {"all fine",
       {Cred(10, 1, "ssh", "Machine"), Cred(20, 3, "vault", "Vault", "a"),
        Cred(21, 3, "vault", "Vault", "b")},
       {{"vault_password.a", "x"}},
       nullptr,
       {}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    LaunchPrompts g;
    g.credentials = c.given;
    PromptOptions o;
    o.prompt_errors = false;
    PromptDecision d = AcceptJobPrompts(t, g, o);
    json::object errors;
    json::object used = CheckLaunchCredentials(t, g, d, c.passwords, errors);
    if (c.credentials_errors.is_null())
      EXPECT_FALSE(errors.contains("credentials")) << Dump(errors);
    else
      EXPECT_EQ(errors.at("credentials"), c.credentials_errors);
    if (c.lacking.empty()) {
      EXPECT_FALSE(errors.contains("passwords_needed_to_start")) << Dump(errors);
    } else {
      json::array want;
      for (auto& s : c.lacking) want.push_back(json::string(s));
      EXPECT_EQ(errors.at("passwords_needed_to_start"), want);
    }
  }
}

TEST(Prompts, MergeCredentialsKeepsPositions) {
  std::vector<LaunchCredential> jt = {
      Cred(1, 1, "ssh", "Machine"), Cred(2, 3, "vault", "Vault", "a"), Cred(3, 4, "cloud", "AWS")};
  auto merged =
      MergeCredentials(jt, {Cred(9, 3, "vault", "Vault", "a"), Cred(8, 3, "vault", "Vault", "b")});
  std::vector<int64_t> ids;
  for (auto& c : merged) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 9, 3, 8}));
}

TEST(Prompts, CanStartWithoutUserInput) {
  JobTemplateState t = Base();
  EXPECT_TRUE(CanStartWithoutUserInput(t));
  t.asks = {"limit"};
  EXPECT_FALSE(CanStartWithoutUserInput(t));
  t.asks.clear();
  t.credentials = {Cred(1, 1, "ssh", "Machine", "", {"become_password"})};
  EXPECT_FALSE(CanStartWithoutUserInput(t));
  t.credentials.clear();
  t.survey_enabled = true;
  t.survey_spec = json::object{
      {"name", ""},
      {"description", ""},
      {"spec",
       json::array{json::object{
           {"type", "text"}, {"question_name", "q"}, {"variable", "q"}, {"required", true}}}}};
  EXPECT_EQ(VariablesNeededToStart(t), std::vector<std::string>{"q"});
  EXPECT_FALSE(CanStartWithoutUserInput(t));
  t.survey_enabled = false;
  EXPECT_TRUE(CanStartWithoutUserInput(t));
}

TEST(Prompts, ExtraVarsPrecedence) {
  JobTemplateState t = Base();
  t.extra_vars = json::object{{"a", "jt"}, {"b", "jt"}, {"c", "jt"}};
  t.survey_enabled = true;
  t.survey_spec = json::object{{"name", ""},
                               {"description", ""},
                               {"spec", json::array{json::object{{"type", "text"},
                                                                 {"question_name", "b"},
                                                                 {"variable", "b"},
                                                                 {"required", false},
                                                                 {"default", "survey"}},
                                                    json::object{{"type", "text"},
                                                                 {"question_name", "c"},
                                                                 {"variable", "c"},
                                                                 {"required", false},
                                                                 {"default", "survey"}}}}};
  auto enc = [](std::string_view p) { return "$encrypted$X" + std::string(p); };
  auto dec = [](std::string_view s) -> std::optional<std::string> {
    return std::string(s.substr(12));
  };
  json::object vars = BuildJobExtraVars(t, json::object{{"c", "run"}, {"d", "run"}}, enc, dec);
  EXPECT_EQ(vars, (json::object{{"a", "jt"}, {"b", "survey"}, {"c", "run"}, {"d", "run"}}));
}

TEST(Prompts, UserPromptsOfAStoredConfig) {
  JobTemplateState t = Base();
  EXPECT_FALSE(HasUserPrompts(t, json::object{}, false));
  EXPECT_TRUE(HasUserPrompts(t, json::object{{"limit", "x"}}, false));
  EXPECT_TRUE(HasUserPrompts(t, json::object{{"limit", "x"}}, true));
  t.asks = {"limit"};
  EXPECT_FALSE(HasUserPrompts(t, json::object{{"limit", "x"}}, true));
  // Survey variables without ask_variables_on_launch: prompts, but not unprompted ones.
  t.survey_enabled = true;
  t.survey_spec = json::object{
      {"spec",
       json::array{json::object{
           {"type", "text"}, {"question_name", "q"}, {"variable", "q"}, {"required", false}}}}};
  json::object cfg{{"extra_vars", json::object{{"q", "v"}}}};
  EXPECT_TRUE(HasUserPrompts(t, cfg, false));
  EXPECT_FALSE(HasUserPrompts(t, cfg, true));
  cfg["extra_vars"].as_object()["other"] = 1;
  EXPECT_TRUE(HasUserPrompts(t, cfg, true));
  EXPECT_TRUE(VarsAreEncrypted(json::object{{"a", "$encrypted$AESGCM$x"}}));
  EXPECT_FALSE(VarsAreEncrypted(json::object{{"a", "plain"}, {"b", 1}}));
}

}  // namespace
}  // namespace baton::domain
