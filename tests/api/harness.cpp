#include "harness.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <stdexcept>

#include "core/secrets.hpp"
#include "runner/inventory_update.hpp"
#include "runner/playbook_run.hpp"
#include "runner/project_update.hpp"
#include "service/schedule_launch.hpp"
#include "service/workflow_spawn.hpp"

namespace baton::testing {

Api::Api() {
  setenv("BATON_PBKDF2_ITERATIONS", "1000", 0);
  setenv("BATON_ADMIN_PASSWORD", kPassword, 1);
  dir_ = std::filesystem::temp_directory_path() / ("baton-test-" + RandomAlnum(10));
  std::filesystem::create_directories(dir_);
  db_ = store::OpenSqlite((dir_ / "baton.db").string());
  db_->Migrate();
  app::Seed(*db_, clock_);
  api::Config cfg;
  cfg.data_dir = dir_.string();
  cfg.node_name = "test-node";
  auto key = LoadOrCreateKey(dir_.string());
  if (!key.ok()) throw std::runtime_error("cannot create the secret key");
  cfg.secret_key = key.value();
  secret_key_ = key.value();
  cfg.projects_root = projects_root().string();
  std::filesystem::create_directories(projects_root());
  cfg.wake_dispatcher = [this] {
    if (dispatcher_) dispatcher_->Wake();
  };
  app_ = std::make_unique<api::App>(*db_, cfg, clock_);
}

scheduler::Dispatcher& Api::StartDispatcher() {
  if (!dispatcher_) {
    scheduler::Options o;
    o.node_name = "test-node";
    o.data_dir = dir_.string();
    o.projects_root = projects_root().string();
    o.secret_key = secret_key_;
    o.safety_pass_ms = 200;
    o.cancel_grace_ms = 1000;
    api::Config cfg;
    cfg.data_dir = dir_.string();
    cfg.node_name = "test-node";
    cfg.secret_key = secret_key_;
    cfg.projects_root = projects_root().string();
    spawner_ = std::make_unique<service::WorkflowNodeSpawner>(cfg, clock_);
    workflows_ = std::make_unique<scheduler::WorkflowManager>(*db_, clock_, *spawner_);
    dispatcher_ = std::make_unique<scheduler::Dispatcher>(*db_, clock_, o);
    dispatcher_->SetWorkflowManager(workflows_.get());
    schedule_launcher_ = std::make_unique<service::ScheduleJobLauncher>(cfg);
    schedules_ = std::make_unique<scheduler::ScheduleManager>(*db_, clock_, *schedule_launcher_);
    dispatcher_->AddPass("schedules", [this] { schedules_->Pass(); });
    dispatcher_->Register(std::make_unique<runner::ProjectUpdateRunner>());
    dispatcher_->Register(std::make_unique<runner::InventoryUpdateRunner>());
    dispatcher_->Register(std::make_unique<runner::PlaybookRunner>());
    dispatcher_->Start();
  }
  return *dispatcher_;
}

void Api::StopDispatcher() {
  if (dispatcher_) dispatcher_->Stop();
  dispatcher_.reset();
  schedules_.reset();
  schedule_launcher_.reset();
  workflows_.reset();
  spawner_.reset();
}

Resp Api::WaitFinished(const std::string& url, int max_seconds) {
  Resp r;
  for (int i = 0; i < max_seconds * 20; ++i) {
    r = Get(url).Header("Cache-Control", "no-cache").Send();
    if (r.status != 200) return r;
    std::string st(r["status"].as_string());
    if (st != "new" && st != "pending" && st != "waiting" && st != "running") return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << url << " did not finish within " << max_seconds << " s: " << r.body;
  return r;
}

Api::~Api() {
  if (dispatcher_) dispatcher_->Stop();
  dispatcher_.reset();
  app_.reset();
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Resp Call::Send() {
  http::Request req;
  req.method = method_;
  req.target = path_;
  size_t q = path_.find('?');
  req.path = path_.substr(0, q);
  if (q != std::string::npos) req.query = path_.substr(q + 1);
  req.body = body_;
  req.remote = remote_;
  if (!body_.empty() && !content_type_.empty())
    req.headers.emplace_back("content-type", content_type_);
  if (!token_.empty()) {
    req.headers.emplace_back("authorization", "Bearer " + token_);
  } else if (!anonymous_ && !user_.empty()) {
    req.headers.emplace_back("authorization",
                             "Basic " + Base64Encode(user_ + ":" + Api::kPassword));
  }
  for (auto& [k, v] : headers_) {
    std::string lk = k;
    for (auto& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(lk, v);
  }
  http::Response r = api_.Raw(req);
  Resp out;
  out.status = r.status;
  out.body = r.shared_body ? *r.shared_body : r.body;
  out.headers = r.headers;
  out.headers.emplace_back("Content-Type", r.content_type);
  if (!out.body.empty() && r.content_type.find("json") != std::string::npos) {
    auto v = ParseJson(out.body);
    if (v) out.json = *v;
  }
  return out;
}

Resp Call::Expect(int status) {
  Resp r = Send();
  EXPECT_EQ(r.status, status) << method_ << " " << path_ << " -> " << r.body;
  return r;
}

int64_t Api::User(const std::string& username, bool superuser, bool auditor) {
  return Post("/api/v2/users/", json::object{{"username", username},
                                             {"password", kPassword},
                                             {"is_superuser", superuser},
                                             {"is_system_auditor", auditor}})
      .Expect(201)
      .id();
}

int64_t Api::Org(const std::string& name) {
  return Post("/api/v2/organizations/", json::object{{"name", name}}).Expect(201).id();
}

int64_t Api::Team(const std::string& name, int64_t org) {
  return Post("/api/v2/teams/", json::object{{"name", name}, {"organization", org}})
      .Expect(201)
      .id();
}

int64_t Api::RoleOf(const std::string& url, const std::string& field) {
  Resp r = Get(url).Expect(200);
  return r["summary_fields"]
      .as_object()
      .at("object_roles")
      .as_object()
      .at(field)
      .as_object()
      .at("id")
      .as_int64();
}

void Api::Grant(const std::string& url, const std::string& field, int64_t user) {
  Post("/api/v2/roles/" + std::to_string(RoleOf(url, field)) + "/users/",
       json::object{{"id", user}})
      .Expect(204);
}

std::string Api::NewToken(const std::string& user, const std::string& scope) {
  Resp r = Post("/api/v2/tokens/",
                json::object{{"description", "t"}, {"application", nullptr}, {"scope", scope}})
               .As(user)
               .Expect(201);
  return std::string(r["token"].as_string());
}

}  // namespace baton::testing
