// Instance groups (api-resources.md §33) and the instance_groups/ sub-list of workflow job
// template nodes (workflow-semantics.md Appendix C).
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

const char* kGroups = "/api/v2/instance_groups/";

std::string GroupUrl(int64_t id, const std::string& sub = "") {
  return std::string(kGroups) + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

TEST(InstanceGroups, BuiltInGroupsExistAndCannotBeRenamedOrDeleted) {
  Api api;
  Resp list = api.Get(std::string(kGroups) + "?order_by=name").Expect(200);
  ASSERT_EQ(list.count(), 2);
  auto& first = list["results"].as_array()[0].as_object();
  EXPECT_EQ(first.at("name"), "controlplane");
  EXPECT_EQ(first.at("type"), "instance_group");
  for (const char* f :
       {"capacity", "consumed_capacity", "percent_capacity_remaining", "jobs_running", "jobs_total",
        "instances", "max_concurrent_jobs", "max_forks", "is_container_group", "credential",
        "policy_instance_percentage", "policy_instance_minimum", "policy_instance_list",
        "pod_spec_override"})
    EXPECT_TRUE(first.contains(f)) << f;
  EXPECT_FALSE(first.contains("description"));
  int64_t id = first.at("id").as_int64();
  Resp rename = api.Patch(GroupUrl(id), json::object{{"name", "other"}}).Expect(400);
  EXPECT_EQ(rename["name"].as_array()[0], "controlplane instance group name may not be changed.");
  api.Delete(GroupUrl(id)).Expect(403);
  EXPECT_EQ(api.Patch(GroupUrl(id), json::object{{"max_forks", 10}}).Expect(200)["max_forks"], 10);
}

TEST(InstanceGroups, CreateValidateAndDelete) {
  Api api;
  Resp g = api.Post(kGroups, json::object{{"name", "east"}, {"policy_instance_percentage", 50}})
               .Expect(201);
  EXPECT_EQ(g["policy_instance_percentage"], 50);
  EXPECT_EQ(g["instances"], 0);
  EXPECT_EQ(g["summary_fields"].as_object().at("user_capabilities"),
            (json::value(json::object{{"edit", true}, {"delete", true}})));
  Resp dup = api.Post(kGroups, json::object{{"name", "east"}}).Expect(400);
  EXPECT_TRUE(dup.json.as_object().contains("name"));
  api.Post(kGroups, json::object{{"name", "x"}, {"policy_instance_percentage", 101}}).Expect(400);
  api.Post(kGroups, json::object{{"name", "x"}, {"max_forks", -1}}).Expect(400);
  api.Post(kGroups, json::object{{"name", "x"}, {"credential", 1}})
      .Expect(400);  // not a Kubernetes credential
  api.Delete(GroupUrl(g.id())).Expect(204);
  api.Get(GroupUrl(g.id())).Expect(404);
}

TEST(InstanceGroups, OnlySuperusersCreateAndUseRoleHoldersSeeThem) {
  Api api;
  int64_t u = api.User("igu");
  api.Post(kGroups, json::object{{"name", "mine"}}).As("igu").Expect(403);
  Resp g = api.Post(kGroups, json::object{{"name", "shared"}}).Expect(201);
  EXPECT_EQ(api.Get(kGroups).As("igu").Expect(200).count(), 0);
  api.Grant(GroupUrl(g.id()), "use_role", u);
  EXPECT_EQ(api.Get(kGroups).As("igu").Expect(200).count(), 1);
  api.Patch(GroupUrl(g.id()), json::object{{"max_forks", 3}}).As("igu").Expect(403);
}

TEST(InstanceGroups, WorkflowNodesCarryThemInOrder) {
  Api api;
  JtWorld w(api, "ig");
  int64_t wfjt =
      api.Post(kWfjts, json::object{{"name", "ig wf"}, {"organization", w.org}}).Expect(201).id();
  int64_t node =
      api.Post(WfjtUrl(wfjt, "workflow_nodes"), json::object{{"unified_job_template", w.jt}})
          .Expect(201)
          .id();
  int64_t a = api.Post(kGroups, json::object{{"name", "a"}}).Expect(201).id();
  int64_t b = api.Post(kGroups, json::object{{"name", "b"}}).Expect(201).id();
  api.Post(NodeUrl(node, "instance_groups"), json::object{{"id", b}}).Expect(204);
  api.Post(NodeUrl(node, "instance_groups"), json::object{{"id", a}}).Expect(204);
  EXPECT_EQ(api.Get(NodeUrl(node, "instance_groups")).Expect(200).count(), 2);
  EXPECT_EQ(
      api.db()
          .Local()
          .QueryInt("SELECT instance_group_id FROM instance_group_attachments WHERE owner_type = "
                    "'workflow_job_template_node' AND owner_id = ? AND position = 0",
                    {node})
          .value_or(0),
      b);
  api.Post(NodeUrl(node, "instance_groups"), json::object{{"id", 999}}).Expect(400);
  // A user who may edit the node (RB-11: WFJT admin who may start its template) but not use
  // the group.
  int64_t u = api.User("igw");
  api.Grant("/api/v2/workflow_job_templates/" + std::to_string(wfjt) + "/", "admin_role", u);
  api.Grant("/api/v2/job_templates/" + std::to_string(w.jt) + "/", "execute_role", u);
  api.Post(NodeUrl(node, "instance_groups"), json::object{{"id", a}, {"disassociate", true}})
      .As("igw")
      .Expect(204);
  api.Post(NodeUrl(node, "instance_groups"), json::object{{"id", a}}).As("igw").Expect(403);
  EXPECT_EQ(api.Get(NodeUrl(node, "instance_groups")).Expect(200).count(), 1);
  // Deleting a group detaches it.
  api.Delete(GroupUrl(b)).Expect(204);
  EXPECT_EQ(api.Get(NodeUrl(node, "instance_groups")).Expect(200).count(), 0);
}

}  // namespace
}  // namespace baton::testing
