// Run plans (runner/run_plan): a JobSpec in, the private data directory's files, the
// ansible-runner command and environment out. Golden cases live in tests/fixtures/run_plan/
// (one text rendering per case); BATON_UPDATE_GOLDEN=1 rewrites them from the current code, to
// be reviewed in the diff. Templates and password prompts are checked case by case.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/run_plan.hpp"

namespace baton::runner {
namespace {

namespace fs = std::filesystem;

std::string OctalMode(unsigned m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", m);
  return buf;
}

// A stable text rendering of a plan.
std::string Render(const RunPlan& p) {
  std::ostringstream o;
  o << "argv:";
  for (auto& a : p.argv) o << " " << a;
  o << "\ncwd: " << p.cwd << "\njob_cwd: " << p.job_cwd << "\nproject -> " << p.project_link
    << "\ncmdline: " << ShellJoin(p.cmdline) << "\npasswords:";
  for (auto& k : p.password_keys) o << " " << k;
  o << "\nenv:\n";
  for (auto& e : p.env) o << "  " << e << "\n";
  o << "job_env: " << Dump(p.job_env) << "\n";
  for (auto& f : p.files)
    o << "--- " << f.path << " " << OctalMode(f.mode) << "\n" << f.content << "\n";
  return o.str();
}

fs::path GoldenDir() {
  return fs::path(BATON_SOURCE_DIR) / "tests" / "fixtures" / "run_plan";
}

void ExpectGolden(const std::string& name, const RunPlan& plan) {
  std::string got = Render(plan);
  fs::path file = GoldenDir() / (name + ".txt");
  if (const char* u = std::getenv("BATON_UPDATE_GOLDEN"); u && *u == '1') {
    fs::create_directories(GoldenDir());
    std::ofstream(file) << got;
  }
  std::ifstream in(file);
  ASSERT_TRUE(in) << "missing golden file " << file << " (BATON_UPDATE_GOLDEN=1 writes it)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "golden " << file;
}

JobSpec BaseSpec() {
  JobSpec s;
  s.job_id = 42;
  s.private_dir = "/data/run/run-abc";
  s.project_dir = "/data/projects/demo";
  s.playbook = "site.yml";
  s.inventory =
      json::object{{"all", json::object{{"hosts", json::array{"h1"}}}},
                   {"_meta", json::object{{"hostvars", json::object{{"h1", json::object{}}}}}}};
  s.inventory_id = 3;
  s.project_revision = "abc123";
  s.base_env = {"PATH=/usr/bin:/bin", "HOME=/home/baton", "LANG=C.UTF-8"};
  s.meta_vars = json::object{{"awx_job_id", 42}, {"tower_job_id", 42}};
  return s;
}

json::object Schema(std::initializer_list<std::pair<const char*, bool>> fields) {
  json::array a;
  for (auto& [id, secret] : fields)
    a.push_back(json::object{{"id", id}, {"label", id}, {"type", "string"}, {"secret", secret}});
  return json::object{{"fields", std::move(a)}};
}

JobCredential Machine(json::object inputs) {
  JobCredential c;
  c.id = 5;
  c.name = "machine";
  c.kind = "ssh";
  c.type_namespace = "ssh";
  c.managed = true;
  c.inputs = std::move(inputs);
  c.schema = Schema({{"username", false}, {"password", true}, {"ssh_key_data", true}});
  return c;
}

TEST(RunPlan, GoldenMinimal) {
  auto plan = BuildRunPlan(BaseSpec());
  ASSERT_TRUE(plan.ok());
  ExpectGolden("minimal", plan.value());
}

TEST(RunPlan, GoldenEveryOption) {
  JobSpec s = BaseSpec();
  s.job_type = "check";
  s.diff_mode = true;
  s.become_enabled = true;
  s.forks = 7;
  s.limit = "web:&prod";
  s.verbosity = 9;
  s.job_tags = "a,b";
  s.skip_tags = "c";
  s.start_at_task = "the task's name";
  s.force_handlers = true;
  s.extra_vars = json::object{{"awx_job_id", "overridden"}, {"x", json::array{1, "two"}}};
  s.use_fact_cache = true;
  s.facts = {{"h1", json::object{{"foo", "bar"}}}, {"../escape", json::object{{"x", 1}}}};
  auto plan = BuildRunPlan(s);
  ASSERT_TRUE(plan.ok());
  ExpectGolden("every_option", plan.value());
}

TEST(RunPlan, GoldenMachineCredentialWithPromptsAndVaults) {
  JobSpec s = BaseSpec();
  s.become_enabled = true;
  s.credentials.push_back(Machine(json::object{{"username", "deploy"},
                                               {"password", "ASK"},
                                               {"ssh_key_data", "-----BEGIN KEY-----\nabc"},
                                               {"ssh_key_unlock", "ASK"},
                                               {"become_method", "su"},
                                               {"become_username", "admin"},
                                               {"become_password", "stored-become"}}));
  JobCredential v1;
  v1.id = 6;
  v1.kind = "vault";
  v1.managed = true;
  v1.type_namespace = "vault";
  v1.inputs = json::object{{"vault_password", "ASK"}, {"vault_id", "prod"}};
  JobCredential v2 = v1;
  v2.id = 7;
  v2.inputs = json::object{{"vault_password", "plain-vault"}};
  s.credentials.push_back(v1);
  s.credentials.push_back(v2);
  s.launch_passwords = json::object{
      {"ssh_password", "ssh-pw"}, {"ssh_key_unlock", "key-pw"}, {"vault_password.prod", "prod-pw"}};
  auto plan = BuildRunPlan(s);
  ASSERT_TRUE(plan.ok()) << Dump(plan.error().body);
  ExpectGolden("machine_and_vaults", plan.value());
}

TEST(RunPlan, GoldenCredentialInjectors) {
  JobSpec s = BaseSpec();
  JobCredential custom;
  custom.id = 11;
  custom.kind = "cloud";
  custom.inputs = json::object{{"user", "bob"}, {"token", "t0k3n"}, {"on", true}};
  custom.schema = Schema({{"user", false}, {"token", true}});
  custom.injectors = json::object{
      {"env", json::object{{"MY_TOKEN", "{{ token }}"},
                           {"MY_USER", "{{user}}"},
                           {"MY_CERT", "{{ tower.filename.cert }}"},
                           {"PATH", "/evil"}}},
      {"extra_vars",
       json::object{{"api", json::object{{"user", "{{ user }}"},
                                         {"flag", "{% if on %}yes{% else %}no{% endif %}"}}}}},
      {"file", json::object{{"template.cert", "user={{ user }} token={{ token }}"}}}};
  JobCredential aws;
  aws.id = 12;
  aws.kind = "cloud";
  aws.type_namespace = "aws";
  aws.managed = true;
  aws.inputs =
      json::object{{"username", "AKIA"}, {"password", "aws-secret"}, {"security_token", "tok"}};
  s.credentials = {custom, aws};
  auto plan = BuildRunPlan(s);
  ASSERT_TRUE(plan.ok()) << Dump(plan.error().body);
  ExpectGolden("injectors", plan.value());
}

TEST(RunPlan, RefusesJinjaInUsernamesAndDuplicateVaultIds) {
  JobSpec s = BaseSpec();
  s.credentials.push_back(Machine(json::object{{"username", "{{ lookup('pipe', 'id') }}"}}));
  EXPECT_FALSE(BuildRunPlan(s).ok());
  s = BaseSpec();
  JobCredential v;
  v.kind = "vault";
  v.inputs = json::object{{"vault_password", "x"}, {"vault_id", "same"}};
  s.credentials = {v, v};
  auto r = BuildRunPlan(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(Dump(r.error().body).find("--vault-id same@prompt"), std::string::npos);
}

TEST(RunPlan, PasswordPromptsAnswerWhatWasGiven) {
  json::object d = PasswordPrompts(
      json::object{{"ssh_password", "a"}, {"become_password", "b"}, {"vault_password.dev", "c"}});
  EXPECT_EQ(d.at(R"(SSH password:\s*?$)"), "a");
  EXPECT_EQ(d.at(R"(Password:\s*?$)"), "a");
  EXPECT_EQ(d.at(R"(BECOME password.*:\s*?$)"), "b");
  EXPECT_EQ(d.at(R"(sudo password.*:\s*?$)"), "b");
  EXPECT_EQ(d.at(R"(SUDO password.*:\s*?$)"), "b");
  EXPECT_EQ(d.at(R"(machinectl password.*:\s*?$)"), "b");
  EXPECT_EQ(d.at(R"(Vault password \(dev\):\s*?$)"), "c");
  EXPECT_EQ(d.at(R"(Vault password:\s*?$)"), "");
  EXPECT_EQ(d.at(R"(Enter passphrase for .*:\s*?$)"), "");
}

TEST(RunPlan, TemplatesRenderLikeJinja) {
  json::object ns{
      {"a", "x"},    {"n", 3},
      {"t", true},   {"f", false},
      {"empty", ""}, {"tower", json::object{{"filename", json::object{{"c", "/p/c"}}}}}};
  auto r = [&](std::string_view t) {
    auto v = RenderTemplate(t, ns);
    return v.ok() ? v.value() : "<error>";
  };
  EXPECT_EQ(r("{{a}}-{{ n }}-{{ t }}-{{ missing }}"), "x-3-True-");
  EXPECT_EQ(r("{{ tower.filename.c }}"), "/p/c");
  EXPECT_EQ(r("{% if t %}on{% endif %}{% if f %}no{% else %}off{% endif %}"), "onoff");
  EXPECT_EQ(r("{% if empty %}a{% if t %}b{% endif %}{% else %}c{% endif %}"), "c");
  EXPECT_EQ(r("{{ a"), "<error>");
  EXPECT_EQ(r("{% if a %}x"), "<error>");
  EXPECT_EQ(r("{% for x in y %}"), "<error>");
}

TEST(RunPlan, SafeEnvHidesSecrets) {
  EXPECT_EQ(SafeEnvValue("MY_TOKEN", "t"), "**********");
  EXPECT_EQ(SafeEnvValue("AWS_SECRET_ACCESS_KEY", "t"), "**********");
  EXPECT_EQ(SafeEnvValue("AWS_ACCESS_KEY_ID", "AKIA"), "AKIA");
  EXPECT_EQ(SafeEnvValue("ANSIBLE_PASSWORD_FILE", "/x"), "/x");
  EXPECT_EQ(SafeEnvValue("ANSIBLE_NET_PASSWORD", "p"), "**********");
  EXPECT_EQ(SafeEnvValue("PROXY", "http://u:secret@host:1/"), "http://u:**********@host:1/");
  EXPECT_EQ(SafeEnvValue("HOME", "/home/x"), "/home/x");
}

}  // namespace
}  // namespace baton::runner
