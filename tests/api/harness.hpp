// In-process API client for tests: a fresh SQLite database per fixture, the real App, requests
// without a network. Usage: api.Post("/api/v2/teams/", body).As("alice").Expect(201).
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "api/app.hpp"
#include "app/bootstrap.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "scheduler/dispatcher.hpp"
#include "scheduler/schedule_manager.hpp"
#include "scheduler/workflow_manager.hpp"
#include "store/db.hpp"

namespace baton::testing {

struct Resp {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  json::value json;

  std::string Header(std::string_view name) const {
    for (auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool eq = true;
      for (size_t i = 0; i < k.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(k[i])) !=
            std::tolower(static_cast<unsigned char>(name[i])))
          eq = false;
      if (eq) return v;
    }
    return "";
  }
  const json::object& obj() const { return json.as_object(); }
  const json::value& operator[](std::string_view k) const { return json.as_object().at(k); }
  int64_t id() const { return json.as_object().at("id").as_int64(); }
  int64_t count() const { return json.as_object().at("count").as_int64(); }
  const json::array& results() const { return json.as_object().at("results").as_array(); }
};

class Api;

class Call {
 public:
  Call(Api& api, std::string method, std::string path, std::string body)
      : api_(api), method_(std::move(method)), path_(std::move(path)), body_(std::move(body)) {}
  Call& As(std::string user) {
    user_ = std::move(user);
    return *this;
  }
  Call& Anonymous() {
    user_.clear();
    anonymous_ = true;
    return *this;
  }
  Call& Token(std::string token) {
    token_ = std::move(token);
    return *this;
  }
  Call& Header(std::string k, std::string v) {
    headers_.emplace_back(std::move(k), std::move(v));
    return *this;
  }
  // The client address the server sees (default "127.0.0.1").
  Call& From(std::string address) {
    remote_ = std::move(address);
    return *this;
  }
  Call& ContentType(std::string ct) {
    content_type_ = std::move(ct);
    return *this;
  }
  // Sends and checks the status; prints the body on mismatch.
  Resp Expect(int status);
  Resp Send();

 private:
  Api& api_;
  std::string method_, path_, body_;
  std::string user_ = "admin";
  bool anonymous_ = false;
  std::string token_;
  std::string content_type_ = "application/json";
  std::string remote_ = "127.0.0.1";
  std::vector<std::pair<std::string, std::string>> headers_;
};

class Api {
 public:
  static constexpr const char* kPassword = "pass-W0rd";
  Api();
  ~Api();
  Call Get(std::string path) { return Call(*this, "GET", std::move(path), ""); }
  Call Head(std::string path) { return Call(*this, "HEAD", std::move(path), ""); }
  Call Options(std::string path) { return Call(*this, "OPTIONS", std::move(path), ""); }
  Call Delete(std::string path) { return Call(*this, "DELETE", std::move(path), ""); }
  Call Post(std::string path, const json::value& body) {
    return Call(*this, "POST", std::move(path), Dump(body));
  }
  Call PostRaw(std::string path, std::string body) {
    return Call(*this, "POST", std::move(path), std::move(body));
  }
  Call Patch(std::string path, const json::value& body) {
    return Call(*this, "PATCH", std::move(path), Dump(body));
  }
  Call Put(std::string path, const json::value& body) {
    return Call(*this, "PUT", std::move(path), Dump(body));
  }

  http::Response Raw(const http::Request& req) { return app_->HandleSync(req); }

  // Fixtures: create objects as admin, returning ids. Users get kPassword.
  int64_t User(const std::string& username, bool superuser = false, bool auditor = false);
  int64_t Org(const std::string& name);
  int64_t Team(const std::string& name, int64_t org);
  // Role id of an object's role field via summary_fields.object_roles.
  int64_t RoleOf(const std::string& url, const std::string& field);
  void Grant(const std::string& url, const std::string& field, int64_t user);
  std::string NewToken(const std::string& user, const std::string& scope = "write");

  store::Database& db() { return *db_; }
  int64_t DefaultOrg() { return 1; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path projects_root() const { return dir_ / "projects"; }
  // Runs the real dispatcher (project updates ...) against this database.
  scheduler::Dispatcher& StartDispatcher();
  // Stops the dispatcher started by StartDispatcher (a later StartDispatcher starts a new one,
  // as a restarted server would).
  void StopDispatcher();
  // Polls a unified job's detail until its status is final (bounded; returns the last body).
  Resp WaitFinished(const std::string& url, int max_seconds = 60);

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  SystemClock clock_;
  std::unique_ptr<scheduler::NodeSpawner> spawner_;
  std::unique_ptr<scheduler::WorkflowManager> workflows_;
  // The schedules pass as the server runs it (main.cpp): due schedules fire on every pass.
  std::unique_ptr<scheduler::ScheduleLauncher> schedule_launcher_;
  std::unique_ptr<scheduler::ScheduleManager> schedules_;
  std::unique_ptr<scheduler::Dispatcher> dispatcher_;
  std::string secret_key_;
  std::unique_ptr<api::App> app_;
};

}  // namespace baton::testing
