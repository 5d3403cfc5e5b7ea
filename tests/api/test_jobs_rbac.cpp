// The jobs RBAC matrix (AWX JobAccess): who lists, reads, deletes, cancels and may start again.
#include "job_rows.hpp"

namespace baton::testing {
namespace {

using namespace jobs;

struct Matrix {
  Api api;
  JobRows rows{api, "RbacOrg"};
  JobRows other{api, "OtherOrg"};
  int64_t running = 0, done = 0, foreign = 0;

  Matrix() {
    api.User("su", true);
    api.User("aud", false, true);
    int64_t oadmin = api.User("oadmin");
    int64_t oaud = api.User("oaud");
    int64_t jtadmin = api.User("jtadmin");
    int64_t jtexec = api.User("jtexec");
    int64_t jtread = api.User("jtread");
    int64_t creator = api.User("creator");
    api.User("nobody");
    std::string org = "/api/v2/organizations/" + std::to_string(rows.org) + "/";
    api.Grant(org, "admin_role", oadmin);
    api.Grant(org, "auditor_role", oaud);
    rows.GrantTemplate(rows.job_template, "admin_role", jtadmin);
    rows.GrantTemplate(rows.job_template, "execute_role", jtexec);
    rows.GrantTemplate(rows.job_template, "read_role", jtread);
    auto spec = rows.Spec();
    spec.status = "running";
    spec.created_by = creator;
    running = rows.Job(spec);
    spec = rows.Spec();
    done = rows.Job(spec);
    foreign = other.Job(other.Spec());
  }
};

TEST(JobsRbac, ListAndReadFollowTemplateOrganizationAndLauncher) {
  Matrix m;
  auto count = [&](const std::string& u) {
    return m.api.Get("/api/v2/jobs/").As(u).Expect(200).count();
  };
  EXPECT_EQ(count("admin"), 3);
  EXPECT_EQ(count("su"), 3);
  EXPECT_EQ(count("aud"), 3);
  EXPECT_EQ(count("oadmin"), 2);
  EXPECT_EQ(count("oaud"), 2);
  EXPECT_EQ(count("jtadmin"), 2);
  EXPECT_EQ(count("jtexec"), 2);
  EXPECT_EQ(count("jtread"), 2);
  EXPECT_EQ(count("creator"), 1);
  EXPECT_EQ(count("nobody"), 0);
  for (const char* u : {"su", "aud", "oadmin", "oaud", "jtadmin", "jtexec", "jtread"})
    m.api.Get(JobUrl(m.done)).As(u).Expect(200);
  for (const char* u : {"creator", "nobody"}) m.api.Get(JobUrl(m.done)).As(u).Expect(403);
  m.api.Get(JobUrl(m.running)).As("creator").Expect(200);
  m.api.Get(JobUrl(m.foreign)).As("oadmin").Expect(403);
  // Sub-lists follow the job.
  m.api.Get(JobUrl(m.done, "job_events")).As("nobody").Expect(403);
  m.api.Get(JobUrl(m.done, "job_events")).As("jtread").Expect(200);
  m.api.Get(JobUrl(m.done, "stdout")).As("nobody").Expect(403);
}

TEST(JobsRbac, DeleteNeedsOrganizationAdmin) {
  Matrix m;
  for (const char* u : {"aud", "oaud", "jtadmin", "jtexec", "jtread", "creator", "nobody"})
    m.api.Delete(JobUrl(m.done)).As(u).Expect(403);
  auto caps = [&](const std::string& u) {
    return m.api.Get(JobUrl(m.done))
        .As(u)
        .Expect(200)["summary_fields"]
        .as_object()
        .at("user_capabilities");
  };
  EXPECT_EQ(caps("oadmin"), (json::object{{"delete", true}, {"start", true}}));
  EXPECT_EQ(caps("jtexec"), (json::object{{"delete", false}, {"start", true}}));
  EXPECT_EQ(caps("jtadmin"), (json::object{{"delete", false}, {"start", true}}));
  EXPECT_EQ(caps("jtread"), (json::object{{"delete", false}, {"start", false}}));
  EXPECT_EQ(caps("oaud"), (json::object{{"delete", false}, {"start", false}}));
  EXPECT_EQ(caps("aud"), (json::object{{"delete", false}, {"start", false}}));
  // A read-scoped token may do nothing.
  std::string tok = m.api.NewToken("oadmin", "read");
  EXPECT_EQ(m.api.Get(JobUrl(m.done))
                .As("")
                .Token(tok)
                .Expect(200)["summary_fields"]
                .as_object()
                .at("user_capabilities"),
            (json::object{{"delete", false}, {"start", false}}));
  m.api.Delete(JobUrl(m.done)).As("oadmin").Expect(204);
  m.api.Delete(JobUrl(m.foreign)).As("su").Expect(204);
}

TEST(JobsRbac, CancelByLauncherTemplateAdminOrSuperuser) {
  Matrix m;
  for (const char* u : {"aud", "oaud", "jtexec", "jtread"})
    m.api.Post(JobUrl(m.running, "cancel"), json::object{}).As(u).Expect(403);
  m.api.Post(JobUrl(m.running, "cancel"), json::object{}).As("nobody").Expect(403);
  for (const char* u : {"creator", "jtadmin", "oadmin", "su"})
    m.api.Post(JobUrl(m.running, "cancel"), json::object{}).As(u).Expect(202);
  // GET cancel/ is a read.
  EXPECT_EQ(m.api.Get(JobUrl(m.running, "cancel")).As("jtread").Expect(200)["can_cancel"], true);
  m.api.Get(JobUrl(m.running, "cancel")).As("nobody").Expect(403);
}

}  // namespace
}  // namespace baton::testing
