// baton: an AWX-compatible automation controller. Commands: serve, migrate, version.
#include <signal.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/app.hpp"
#include "app/bootstrap.hpp"
#include "app/demo_data.hpp"
#include "app/tls.hpp"
#include "core/log.hpp"
#include "core/secrets.hpp"
#include "http/server.hpp"
#include "notify/notifier.hpp"
#include "runner/inventory_update.hpp"
#include "runner/playbook_run.hpp"
#include "runner/project_update.hpp"
#include "scheduler/dispatcher.hpp"
#include "scheduler/schedule_manager.hpp"
#include "scheduler/webhook_status.hpp"
#include "scheduler/workflow_manager.hpp"
#include "service/schedule_launch.hpp"
#include "service/workflow_spawn.hpp"
#include "store/db.hpp"

namespace baton::api {
// api/resources/inventory/inventory_script.cpp: the hosts of an inventory (smart ones through their
// host_filter) for the job runner.
runner::HostsSqlFn RunnerInventoryHosts(const Config& cfg);
}  // namespace baton::api

namespace {

using namespace baton;

std::unique_ptr<store::Database> OpenData(const std::string& data_dir, int* version) {
  std::filesystem::create_directories(data_dir);
  auto db = store::OpenSqlite((std::filesystem::path(data_dir) / "baton.db").string());
  *version = db->Migrate();
  return db;
}

bool ParseListen(const std::string& listen, std::string& host, unsigned short& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<unsigned short>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

}  // namespace

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread starts: every thread inherits the mask and only
  // the waiter thread below receives them (sigwait).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  CLI::App cli{"baton: an AWX-compatible automation controller"};
  cli.require_subcommand(1);
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:8013";
  std::string tls_cert, tls_key, log_level = "info";
  std::string product_version = "21.14.0";
  std::string projects_root;
  bool self_signed = false;
  bool no_auth_throttle = false;
  int threads = 0;
  int capacity = 0;
  size_t body_limit = 1 << 20;

  auto* serve = cli.add_subcommand("serve", "Serve the AWX v2 API");
  serve->add_option("--listen", listen, "Address to listen on (host:port)")->capture_default_str();
  serve->add_option("--data-dir", data_dir, "Directory holding baton.db and run data")
      ->capture_default_str();
  serve->add_option("--tls-cert", tls_cert, "PEM certificate: serve HTTPS");
  serve->add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
  serve->add_flag("--tls-self-signed", self_signed,
                  "Serve HTTPS with a self-signed pair kept in the data dir");
  serve->add_option("--threads", threads, "I/O threads (default: number of cores)");
  serve->add_option("--body-limit", body_limit, "Largest accepted request body in bytes")
      ->capture_default_str();
  serve->add_option("--product-version", product_version, "X-API-Product-Version to announce")
      ->capture_default_str();
  serve->add_option("--capacity", capacity,
                    "Jobs' task impact this instance runs at once (default: 4 per CPU core)");
  serve->add_option("--projects-root", projects_root,
                    "Directory of project checkouts (default DATA_DIR/projects)");
  serve->add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  serve->add_flag("--no-auth-throttle", no_auth_throttle,
                  "Do not throttle failed password checks (for a proxy that limits them itself)");

  auto* migrate = cli.add_subcommand("migrate", "Create or upgrade the database and exit");
  migrate->add_option("--data-dir", data_dir, "Directory holding baton.db")->capture_default_str();
  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);
  InitLogging(log_level);

  if (version->parsed()) {
    std::cout << "baton " << BATON_VERSION << std::endl;
    return 0;
  }
  try {
    if (migrate->parsed()) {
      int v = 0;
      auto db = OpenData(data_dir, &v);
      std::cout << "database " << data_dir << "/baton.db at schema version " << v << std::endl;
      return 0;
    }
    // serve
    std::string host;
    unsigned short port = 0;
    if (!ParseListen(listen, host, port)) {
      std::cerr << "invalid --listen address: " << listen << std::endl;
      return 2;
    }
    if (tls_cert.empty() != tls_key.empty()) {
      std::cerr << "--tls-cert and --tls-key go together" << std::endl;
      return 2;
    }
    int v = 0;
    auto db = OpenData(data_dir, &v);
    SystemClock clock;
    auto seed = app::Seed(*db, clock);
    if (seed.created_admin) {
      std::cout << "created superuser '" << seed.admin_user << "'";
      if (!seed.admin_password.empty()) std::cout << " with password: " << seed.admin_password;
      std::cout << std::endl;
    }
    if (self_signed && tls_cert.empty())
      std::tie(tls_cert, tls_key) = app::EnsureSelfSigned(data_dir);

    api::Config cfg;
    cfg.product_version = product_version;
    cfg.data_dir = data_dir;
    cfg.body_limit = body_limit;
    cfg.auth_throttle = !no_auth_throttle;
    cfg.install_uuid = seed.install_uuid;
    auto secret_key = LoadOrCreateKey(data_dir);
    if (!secret_key.ok()) {
      std::cerr << GetString(secret_key.error().body.as_object(), "detail") << std::endl;
      return 1;
    }
    cfg.secret_key = secret_key.value();
    char hostname[256] = "baton";
    gethostname(hostname, sizeof hostname);
    cfg.node_name = hostname;
    if (projects_root.empty())
      projects_root = (std::filesystem::path(data_dir) / "projects").string();
    std::filesystem::create_directories(projects_root);
    app::SeedDemoData(*db, clock, projects_root);
    cfg.projects_root = projects_root;

    scheduler::Options sopts;
    sopts.node_name = hostname;
    sopts.data_dir = data_dir;
    sopts.projects_root = projects_root;
    sopts.secret_key = cfg.secret_key;
    if (capacity > 0) sopts.capacity = capacity;
    // Notifications: recorded by a dispatcher pass, delivered by the notifier's own thread.
    // Declared before the dispatcher, so it outlives the loop.
    notify::NotifierOptions nopts;
    nopts.secret_key = cfg.secret_key;
    nopts.backend = notify::BackendOptionsFromEnv();
    notify::Notifier notifier(*db, clock, nopts);
    service::WorkflowNodeSpawner spawner(cfg, clock);
    scheduler::WorkflowManager workflows(*db, clock, spawner);
    // Webhook commit statuses (AWX update_webhook_status): recorded by a dispatcher pass, posted
    // by the poster's own thread. Declared before the dispatcher, so it outlives the loop.
    scheduler::WebhookStatusOptions wopts;
    wopts.secret_key = cfg.secret_key;
    scheduler::WebhookStatusPoster webhook_status(*db, clock, wopts);
    scheduler::Dispatcher dispatcher(*db, clock, sopts);
    dispatcher.AddPass("webhook_status", [&webhook_status] { webhook_status.Pass(); });
    // Schedules: due ones fire on every dispatcher pass; the timer wakes the dispatcher when the
    // next one comes due (declared after the dispatcher, so it stops first).
    service::ScheduleJobLauncher schedule_launcher(cfg);
    scheduler::ScheduleManager schedules(*db, clock, schedule_launcher);
    scheduler::WakeTimer schedule_timer([&dispatcher] { dispatcher.Wake(); });
    dispatcher.AddPass("schedules", [&] { schedule_timer.ArmAt(schedules.Pass().next_due); });
    dispatcher.SetWorkflowManager(&workflows);
    dispatcher.AddPass("notifications", [&notifier] {
      notifier.RecordEvents();
      notifier.Wake();
    });
    dispatcher.Register(std::make_unique<runner::ProjectUpdateRunner>());
    dispatcher.Register(std::make_unique<runner::InventoryUpdateRunner>());
    dispatcher.Register(std::make_unique<runner::PlaybookRunner>(api::RunnerInventoryHosts(cfg)));
    cfg.wake_dispatcher = [&dispatcher] { dispatcher.Wake(); };
    api::App app(*db, cfg, clock);

    http::ServerOptions opts;
    opts.host = host;
    opts.port = port;
    opts.threads = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    opts.body_limit = body_limit;
    opts.tls_cert_file = tls_cert;
    opts.tls_key_file = tls_key;
    http::Server server(opts, [&app](http::Request&& req, http::Done done) {
      app.Handle(std::move(req), std::move(done));
    });

    unsigned short bound = server.Listen();
    std::thread waiter([&server, set]() {
      int sig = 0;
      sigwait(&set, &sig);
      spdlog::info("signal {} received: shutting down", sig);
      server.Shutdown();
    });
    waiter.detach();
    std::cout << "baton " << BATON_VERSION << " serving " << (tls_cert.empty() ? "http" : "https")
              << "://" << host << ":" << bound << "/api/ (data: " << data_dir << "/baton.db)"
              << std::endl;
    notifier.Start();
    dispatcher.Start();
    server.Run();
    dispatcher.Stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "baton: " << e.what() << std::endl;
    return 1;
  }
}
