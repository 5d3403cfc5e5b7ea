// /api/v2/unified_job_templates/ and /api/v2/unified_jobs/ (api-resources.md §25, contract
// §7.4): every kind in one list, each item serialized as its own kind, type filters mixing kinds.
#include <set>

#include "job_rows.hpp"

namespace baton::testing {
namespace {

using namespace jobs;

std::set<std::string> Types(const Resp& l) {
  std::set<std::string> out;
  for (auto& r : l.results()) out.insert(S(r.as_object().at("type")));
  return out;
}
std::vector<std::string> TypeSeq(const Resp& l) {
  std::vector<std::string> out;
  for (auto& r : l.results()) out.push_back(S(r.as_object().at("type")));
  return out;
}

struct World {
  Api api;
  JobRows rows{api, "UOrg"};
  JobRows other{api, "VOrg"};
  int64_t scm_project = 0, source = 0, inv_update = 0, project_update = 0, job = 0;

  World() {
    Resp scm = api.Post("/api/v2/projects/", json::object{{"name", "UScm"},
                                                          {"organization", rows.org},
                                                          {"scm_type", "git"},
                                                          {"scm_url", "file:///nonexistent"}})
                   .Expect(201);
    scm_project = scm.id();
    project_update =
        scm["summary_fields"].as_object().at("current_update").as_object().at("id").as_int64();
    source =
        api.Post("/api/v2/inventory_sources/",
                 json::object{{"name", "USrc"}, {"inventory", rows.inventory}, {"source", "ec2"}})
            .Expect(201)
            .id();
    inv_update =
        api.Post("/api/v2/inventory_sources/" + std::to_string(source) + "/update/", json::object{})
            .Expect(202)["inventory_update"]
            .as_int64();
    auto spec = rows.Spec();
    spec.status = "failed";
    job = rows.Job(spec);
    other.Job(other.Spec());
  }
  int64_t TemplateCount() {
    return *api.db().Local().QueryInt("SELECT COUNT(*) FROM job_templates", {}) +
           api.Get("/api/v2/projects/").Expect(200).count() +
           api.Get("/api/v2/inventory_sources/").Expect(200).count();
  }
};

TEST(UnifiedLists, TemplatesOfEveryKindWithTypeFilters) {
  World w;
  const std::string url = "/api/v2/unified_job_templates/";
  Resp all = w.api.Get(url + "?page_size=200").Expect(200);
  EXPECT_EQ(all.count(), w.TemplateCount());
  EXPECT_EQ(Types(all), (std::set<std::string>{"job_template", "project", "inventory_source"}));
  Resp mixed = w.api.Get(url + "?type=job_template,project&page_size=200").Expect(200);
  EXPECT_EQ(Types(mixed), (std::set<std::string>{"job_template", "project"}));
  EXPECT_EQ(mixed.count(), all.count() - 1);
  Resp src = w.api.Get(url + "?type=inventory_source").Expect(200);
  ASSERT_EQ(src.count(), 1);
  // Serialized as the kind's own list item.
  const auto& item = src.results()[0].as_object();
  Resp own = w.api.Get("/api/v2/inventory_sources/").Expect(200);
  EXPECT_EQ(Keys(src.results()[0]), Keys(own.results()[0]));
  EXPECT_EQ(item.at("id"), w.source);
  EXPECT_EQ(item.at("url"),
            json::value("/api/v2/inventory_sources/" + std::to_string(w.source) + "/"));
  EXPECT_EQ(item.at("source"), "ec2");
  EXPECT_EQ(w.api.Get(url + "?type=workflow_approval").Expect(200).count(), 0);
  EXPECT_EQ(w.api.Get(url + "?type=bogus").Expect(200).count(), 0);
  EXPECT_EQ(w.api.Get(url + "?type=").Expect(200).count(), 0);
  // Projects are serialized as projects (status computed by the project resource).
  Resp projects = w.api.Get(url + "?type=project&name=UScm").Expect(200);
  ASSERT_EQ(projects.count(), 1);
  EXPECT_EQ(projects.results()[0].as_object().at("scm_type"), "git");
  EXPECT_TRUE(
      projects.results()[0].as_object().at("summary_fields").as_object().contains("object_roles"));
}

TEST(UnifiedLists, TemplateFiltersSearchOrderAndPages) {
  World w;
  const std::string url = "/api/v2/unified_job_templates/";
  Resp named = w.api.Get(url + "?name=Deploy%20UOrg").Expect(200);
  ASSERT_EQ(named.count(), 1);
  EXPECT_EQ(named.results()[0].as_object().at("id"), w.rows.job_template);
  EXPECT_EQ(named.results()[0].as_object().at("type"), "job_template");
  // The collection's lookup form.
  std::string id = std::to_string(w.source);
  EXPECT_EQ(Ids(w.api.Get(url + "?or__id=" + id + "&or__name=" + id).Expect(200)),
            std::vector<int64_t>{w.source});
  // Organization: inventory sources inherit their inventory's.
  Resp org = w.api.Get(url + "?organization=" + std::to_string(w.rows.org)).Expect(200);
  EXPECT_EQ(Types(org), (std::set<std::string>{"job_template", "project", "inventory_source"}));
  EXPECT_EQ(org.count(), 4);  // template, manual project, git project, source
  // Search covers the job templates' playbook.
  w.rows.Template("Other playbook", "special.yml");
  Resp found = w.api.Get(url + "?search=special.yml").Expect(200);
  ASSERT_EQ(found.count(), 1);
  EXPECT_EQ(found.results()[0].as_object().at("type"), "job_template");
  // Status of a template is its last job's.
  EXPECT_EQ(Ids(w.api.Get(url + "?status=failed").Expect(200)),
            std::vector<int64_t>{w.rows.job_template});
  // Ordering by type (name as the tiebreak), both ways.
  auto seq = TypeSeq(w.api.Get(url + "?order_by=type&page_size=200").Expect(200));
  EXPECT_TRUE(std::is_sorted(seq.begin(), seq.end()));
  auto rev = TypeSeq(w.api.Get(url + "?order_by=-type&page_size=200").Expect(200));
  EXPECT_TRUE(std::is_sorted(rev.rbegin(), rev.rend()));
  Resp page = w.api.Get(url + "?page_size=2&order_by=name").Expect(200);
  EXPECT_EQ(page.results().size(), 2u);
  EXPECT_EQ(page["next"], json::value(url + "?page_size=2&order_by=name&page=2"));
  w.api.Get(url + "?order_by=nope").Expect(400);
  w.api.Get(url + "?nope=1").Expect(400);
  w.api.Post(url, json::object{{"name", "x"}}).Expect(405);
}

TEST(UnifiedLists, TemplatesReadFilterIsEachKindsOwn) {
  World w;
  int64_t u = w.api.User("projreader");
  w.api.Grant("/api/v2/projects/" + std::to_string(w.scm_project) + "/", "read_role", u);
  Resp l = w.api.Get("/api/v2/unified_job_templates/").As("projreader").Expect(200);
  EXPECT_EQ(Ids(l), std::vector<int64_t>{w.scm_project});
  w.rows.GrantTemplate(w.rows.job_template, "execute_role", u);
  Resp l2 = w.api.Get("/api/v2/unified_job_templates/?order_by=type").As("projreader").Expect(200);
  EXPECT_EQ(Types(l2), (std::set<std::string>{"job_template", "project"}));
  EXPECT_EQ(l2.count(), 2);
  w.api.User("nobody");
  EXPECT_EQ(w.api.Get("/api/v2/unified_job_templates/").As("nobody").Expect(200).count(), 0);
  EXPECT_EQ(w.api.Get("/api/v2/unified_jobs/").As("nobody").Expect(200).count(), 0);
}

TEST(UnifiedLists, JobsOfEveryKindSerializedAsTheirKind) {
  World w;
  const std::string url = "/api/v2/unified_jobs/";
  Resp all = w.api.Get(url + "?page_size=200").Expect(200);
  int64_t expected = w.api.Get("/api/v2/jobs/").Expect(200).count() +
                     w.api.Get("/api/v2/project_updates/").Expect(200).count() +
                     w.api.Get("/api/v2/inventory_updates/").Expect(200).count();
  EXPECT_EQ(all.count(), expected);
  EXPECT_EQ(Types(all), (std::set<std::string>{"job", "project_update", "inventory_update"}));
  // Default order id.
  auto ids = Ids(all);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  for (const auto& r : all.results()) {
    const auto& o = r.as_object();
    std::string type = S(o.at("type"));
    std::string kind = type == "job" ? "jobs" : type + "s";
    Resp own =
        w.api.Get("/api/v2/" + kind + "/?id=" + std::to_string(o.at("id").as_int64())).Expect(200);
    ASSERT_EQ(own.count(), 1);
    EXPECT_EQ(Keys(r), Keys(own.results()[0])) << type;
    EXPECT_EQ(o.at("url"), own.results()[0].as_object().at("url"));
  }
  Resp mixed = w.api.Get(url + "?type=job,project_update&page_size=200").Expect(200);
  EXPECT_EQ(Types(mixed), (std::set<std::string>{"job", "project_update"}));
  Resp upd = w.api.Get(url + "?type=inventory_update").Expect(200);
  EXPECT_EQ(Ids(upd), std::vector<int64_t>{w.inv_update});
  EXPECT_EQ(w.api.Get(url + "?type=workflow_job").Expect(200).count(), 0);
  // Organization: project updates through their project, inventory updates their inventory.
  Resp org = w.api.Get(url + "?organization=" + std::to_string(w.rows.org)).Expect(200);
  EXPECT_EQ(Ids(org), (std::vector<int64_t>{w.project_update, w.inv_update, w.job}));
  EXPECT_EQ(Ids(w.api.Get(url + "?status=failed").Expect(200)), std::vector<int64_t>{w.job});
  EXPECT_EQ(w.api.Get(url + "?status=pending&type=job").Expect(200).count(), 0);
  EXPECT_EQ(Ids(w.api.Get(url + "?unified_job_template=" + std::to_string(w.source)).Expect(200)),
            std::vector<int64_t>{w.inv_update});
  auto rev = TypeSeq(w.api.Get(url + "?order_by=-type&page_size=200").Expect(200));
  EXPECT_TRUE(std::is_sorted(rev.rbegin(), rev.rend()));
  EXPECT_EQ(Ids(w.api.Get(url + "?search=USrc").Expect(200)), std::vector<int64_t>{w.inv_update});
  w.api.Get(url + "?job_env__icontains=x").Expect(403);
  w.api.Delete(url).Expect(405);
}

TEST(UnifiedLists, JobsReadFilterIsEachKindsOwn) {
  World w;
  int64_t u = w.api.User("reader");
  w.rows.GrantTemplate(w.rows.job_template, "read_role", u);
  EXPECT_EQ(Ids(w.api.Get("/api/v2/unified_jobs/").As("reader").Expect(200)),
            std::vector<int64_t>{w.job});
  w.api.Grant("/api/v2/inventories/" + std::to_string(w.rows.inventory) + "/", "read_role", u);
  EXPECT_EQ(Ids(w.api.Get("/api/v2/unified_jobs/").As("reader").Expect(200)),
            (std::vector<int64_t>{w.inv_update, w.job}));
  EXPECT_EQ(w.api.Get("/api/v2/unified_jobs/").As("admin").Expect(200).count(), 4);
}

}  // namespace
}  // namespace baton::testing
