// Role ancestry closure (rbac/roles.cpp) against a real SQLite database.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/crypto.hpp"
#include "rbac/roles.hpp"

namespace baton::rbac {
namespace {

class Roles : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("roles-" + RandomAlnum(8) + ".db");
    db_ = store::OpenSqlite(path_.string());
    db_->Migrate();
    c().Exec(
        "INSERT INTO users (id, username, created, modified) VALUES (1, 'u', '', ''), (2, 'v', '', "
        "'')");
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove(path_);
  }
  store::Connection& c() { return db_->Local(); }
  Caller U(int64_t id) {
    Caller x;
    x.id = id;
    return x;
  }
  std::filesystem::path path_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(Roles, OrgAdminImpliesEveryOrgRole) {
  CreateObjectRoles(c(), "organization", 7, {});
  AddMember(c(), *RoleId(c(), "organization", 7, "admin_role"), 1);
  for (const auto& def : RoleFields("organization")) {
    bool expected = def.field != "auditor_role";
    EXPECT_EQ(HasObjectRole(c(), U(1), "organization", 7, def.field), expected) << def.field;
  }
  EXPECT_FALSE(HasObjectRole(c(), U(2), "organization", 7, "read_role"));
}

TEST_F(Roles, TeamInheritsFromOrganizationAndPropagatesGrants) {
  CreateObjectRoles(c(), "organization", 1, {});
  CreateObjectRoles(c(), "organization", 2, {});
  CreateObjectRoles(c(), "team", 5, {{"organization", 1}});
  AddMember(c(), *RoleId(c(), "organization", 1, "admin_role"), 1);
  EXPECT_TRUE(HasObjectRole(c(), U(1), "team", 5, "admin_role"));
  // Team members get what the team is granted.
  AddMember(c(), *RoleId(c(), "team", 5, "member_role"), 2);
  int64_t target = *RoleId(c(), "organization", 2, "auditor_role");
  EXPECT_FALSE(HasObjectRole(c(), U(2), "organization", 2, "read_role"));
  AddParent(c(), target, *RoleId(c(), "team", 5, "member_role"));
  EXPECT_TRUE(HasObjectRole(c(), U(2), "organization", 2, "read_role"));
  RemoveParent(c(), target, *RoleId(c(), "team", 5, "member_role"));
  EXPECT_FALSE(HasObjectRole(c(), U(2), "organization", 2, "read_role"));
}

TEST_F(Roles, MovingATeamRepointsItsParents) {
  CreateObjectRoles(c(), "organization", 1, {});
  CreateObjectRoles(c(), "organization", 2, {});
  CreateObjectRoles(c(), "team", 5, {{"organization", 1}});
  AddMember(c(), *RoleId(c(), "organization", 1, "admin_role"), 1);
  UpdateObjectRoleParents(c(), "team", 5, {{"organization", 2}});
  EXPECT_FALSE(HasObjectRole(c(), U(1), "team", 5, "admin_role"));
  AddMember(c(), *RoleId(c(), "organization", 2, "admin_role"), 2);
  EXPECT_TRUE(HasObjectRole(c(), U(2), "team", 5, "admin_role"));
}

TEST_F(Roles, DeletingObjectRolesRevokesInheritedAccess) {
  CreateObjectRoles(c(), "organization", 2, {});
  CreateObjectRoles(c(), "team", 5, {{"organization", 2}});
  AddMember(c(), *RoleId(c(), "team", 5, "member_role"), 2);
  CreateObjectRoles(c(), "organization", 3, {});
  AddParent(c(), *RoleId(c(), "organization", 3, "read_role"),
            *RoleId(c(), "team", 5, "member_role"));
  EXPECT_TRUE(HasObjectRole(c(), U(2), "organization", 3, "read_role"));
  DeleteObjectRoles(c(), "team", 5);
  EXPECT_FALSE(HasObjectRole(c(), U(2), "organization", 3, "read_role"));
}

TEST_F(Roles, AccessibleIdsSql) {
  CreateObjectRoles(c(), "organization", 1, {});
  CreateObjectRoles(c(), "organization", 2, {});
  AddMember(c(), *RoleId(c(), "organization", 2, "member_role"), 1);
  store::Params p;
  std::string sql = AccessibleIdsSql("organization", "read_role", 1, p);
  auto rows = c().Query(sql, p);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(store::AsInt(rows.rows[0][0]), 2);
}

TEST_F(Roles, Descriptions) {
  EXPECT_EQ(RoleDescription("admin_role", "job_template"),
            "Can manage all aspects of the job template");
  EXPECT_EQ(RoleDescription("execute_role", "organization"),
            "May run any executable resources in the organization");
  EXPECT_EQ(RoleName("adhoc_role"), "Ad Hoc");
  EXPECT_EQ(ContentTypeDisplay("workflow_job_template"), "Workflow Job Template");
}

}  // namespace
}  // namespace baton::rbac
