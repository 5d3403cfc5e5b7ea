// Every route of the table answers: GET as the superuser (200), anonymously (401 unless the route
// is anonymous), OPTIONS with an Allow header, and a method it lacks with 405.
#include "api/router.hpp"
#include "harness.hpp"

namespace baton::testing {
namespace {

TEST(EveryRoute, AnswersGetOptionsAndRefusesAnonymous) {
  Api api;
  int64_t org = api.Org("Routes");
  int64_t team = api.Team("rt", org);
  int64_t user = api.User("ru");
  api.Post("/api/v2/organizations/" + std::to_string(org) + "/users/", json::object{{"id", user}})
      .Expect(204);
  Resp tok = api.Post("/api/v2/tokens/", json::object{{"scope", "write"}}).Expect(201);
  int64_t role = api.RoleOf("/api/v2/organizations/" + std::to_string(org) + "/", "admin_role");
  std::filesystem::create_directories(api.projects_root() / "manual");
  int64_t project =
      api.Post("/api/v2/projects/", json::object{{"name", "p"}, {"local_path", "manual"}})
          .Expect(201)
          .id();
  Resp scm =
      api.Post("/api/v2/projects/",
               json::object{{"name", "g"}, {"scm_type", "git"}, {"scm_url", "file:///nonexistent"}})
          .Expect(201);
  int64_t update =
      scm["summary_fields"].as_object().at("current_update").as_object().at("id").as_int64();
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "l"}, {"organization", org}})
                      .Expect(201)
                      .id();
  std::map<std::string, int64_t> ids = {
      {"organizations", org}, {"teams", team},       {"users", user},
      {"tokens", tok.id()},   {"roles", role},       {"credential_types", 1},
      {"activity_stream", 1}, {"projects", project}, {"project_updates", update},
      {"labels", label}};
  int64_t inv =
      api.Post("/api/v2/inventories/", json::object{{"name", "ri"}, {"organization", org}})
          .Expect(201)
          .id();
  ids["inventories"] = inv;
  ids["hosts"] =
      api.Post("/api/v2/hosts/", json::object{{"name", "rh"}, {"inventory", inv}}).Expect(201).id();
  ids["groups"] = api.Post("/api/v2/groups/", json::object{{"name", "rg"}, {"inventory", inv}})
                      .Expect(201)
                      .id();
  ids["inventory_sources"] =
      api.Post("/api/v2/inventory_sources/",
               json::object{{"name", "ris"}, {"inventory", inv}, {"source", "ec2"}})
          .Expect(201)
          .id();
  ids["inventory_updates"] =
      api.Post("/api/v2/inventory_sources/" + std::to_string(ids["inventory_sources"]) + "/update/",
               json::object{})
          .Expect(202)["inventory_update"]
          .as_int64();
  ids["credentials"] =
      api.Post("/api/v2/credentials/",
               json::object{{"name", "rc"}, {"credential_type", 1}, {"organization", org}})
          .Expect(201)
          .id();
  // No input source can be made through the API (there are no external credential types).
  ids["credential_input_sources"] = api.db().Local().Insert(
      "INSERT INTO credential_input_sources (input_field_name, target_credential_id, "
      "source_credential_id, created, modified) VALUES ('password', ?, ?, '2024-01-01T00:00:00Z', "
      "'2024-01-01T00:00:00Z') RETURNING id",
      {ids["credentials"], ids["credentials"]});
  // A job as a run leaves it (launching is tested elsewhere), with one event and one summary.
  ids["jobs"] = api.db().Local().Insert(
      "INSERT INTO unified_jobs (type, name, status, created, modified) VALUES ('job', 'rj', "
      "'successful', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {});
  ids["job_events"] = api.db().Local().Insert(
      "INSERT INTO job_events (job_id, event, counter, created, modified) VALUES (?, "
      "'playbook_on_start', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {ids["jobs"]});
  ids["job_host_summaries"] = api.db().Local().Insert(
      "INSERT INTO job_host_summaries (job_id, host_id, host_name, created, modified) VALUES (?, "
      "?, "
      "'rh', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {ids["jobs"], ids["hosts"]});
  ids["unified_jobs"] = ids["jobs"];
  ids["unified_job_templates"] = project;
  ids["job_templates"] = api.db().Local().Insert(
      "INSERT INTO job_templates (name, project_id, playbook, created, modified) VALUES ('rjt', ?, "
      "'site.yml', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {project});
  // A workflow job template with a node whose template is an approval template, and workflow
  // job and approval rows as a launch leaves them.
  ids["workflow_job_templates"] = api.Post("/api/v2/workflow_job_templates/",
                                           json::object{{"name", "rwf"}, {"organization", org}})
                                      .Expect(201)
                                      .id();
  ids["workflow_job_template_nodes"] =
      api.Post("/api/v2/workflow_job_templates/" + std::to_string(ids["workflow_job_templates"]) +
                   "/workflow_nodes/",
               json::object{})
          .Expect(201)
          .id();
  ids["workflow_approval_templates"] =
      api.Post("/api/v2/workflow_job_template_nodes/" +
                   std::to_string(ids["workflow_job_template_nodes"]) +
                   "/create_approval_template/",
               json::object{{"name", "rat"}})
          .Expect(201)
          .id();
  ids["workflow_jobs"] = api.db().Local().Insert(
      "INSERT INTO unified_jobs (type, name, status, unified_job_template_id, "
      "workflow_job_template_id, created, modified) VALUES ('workflow_job', 'rwj', 'successful', "
      "?, "
      "?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {ids["workflow_job_templates"], ids["workflow_job_templates"]});
  ids["workflow_approvals"] = api.db().Local().Insert(
      "INSERT INTO unified_jobs (type, name, status, unified_job_template_id, "
      "workflow_approval_template_id, created, modified) VALUES ('workflow_approval', 'rap', "
      "'successful', ?, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {ids["workflow_approval_templates"], ids["workflow_approval_templates"]});
  ids["workflow_job_nodes"] = api.db().Local().Insert(
      "INSERT INTO workflow_job_nodes (workflow_job_id, identifier, created, modified) VALUES (?, "
      "'rn', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {ids["workflow_jobs"]});
  ids["schedules"] =
      api.Post("/api/v2/schedules/",
               json::object{{"name", "rs"},
                            {"unified_job_template", ids["workflow_job_templates"]},
                            {"rrule", "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1"}})
          .Expect(201)
          .id();
  ids["notification_templates"] =
      api.Post("/api/v2/notification_templates/",
               json::object{{"name", "rnt"},
                            {"organization", org},
                            {"notification_type", "slack"},
                            {"notification_configuration",
                             json::object{{"token", "t"}, {"channels", json::array{"#a"}}}}})
          .Expect(201)
          .id();
  ids["notifications"] = api.Post("/api/v2/notification_templates/" +
                                      std::to_string(ids["notification_templates"]) + "/test/",
                                  json::object{})
                             .Expect(202)["notification"]
                             .as_int64();
  ids["instance_groups"] =
      api.Post("/api/v2/instance_groups/", json::object{{"name", "rig"}}).Expect(201).id();
  // A throwaway app to read the route table.
  store::Database& db = api.db();
  SystemClock clock;
  api::App app(db, api::Config{}, clock);
  int checked = 0;
  for (const auto& r : app.router().routes()) {
    std::string path;
    bool skip = false;
    for (const auto& seg : r.segs) {
      if (!seg.empty() && seg.front() == '{') {
        std::string res = seg.substr(1, seg.size() - 2);
        if (!ids.count(res)) {
          skip = true;
          break;
        }
        path += "/" + std::to_string(ids[res]);
      } else {
        path += "/" + seg;
      }
    }
    path += "/";
    ASSERT_FALSE(skip) << "no sample object for " << r.pattern;
    SCOPED_TRACE(r.pattern);
    if (r.handlers.count("GET")) {
      Resp g = api.Get(path).Send();
      EXPECT_TRUE(g.status == 200 || (r.pattern == "/api/logout/" && g.status == 302))
          << path << " " << g.body;
      if (!r.anonymous) {
        EXPECT_EQ(api.Get(path).Anonymous().Send().status, 401) << path;
      }
    }
    Resp o = api.Options(path).Send();
    EXPECT_EQ(o.status, 200) << path;
    EXPECT_FALSE(o.Header("Allow").empty()) << path;
    if (!r.handlers.count("DELETE")) {
      EXPECT_EQ(api.Delete(path).Send().status, 405) << path;
    }
    ++checked;
  }
  EXPECT_GT(checked, 40);
}

}  // namespace
}  // namespace baton::testing
