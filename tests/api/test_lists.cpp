// List endpoints: field lookups, prefixes, search, ordering, pagination, type filter, RBAC
// filtering (api-contract.md §6, §7, §8, §11).
#include "list_fixtures.hpp"

namespace baton::testing {
namespace {

// ---------------------------------------------------------------------------------------------
// Field lookups on /organizations/.

class ListsOrgLookup : public ::testing::TestWithParam<LookupCase> {};

TEST_P(ListsOrgLookup, Filters) {
  OrgWorld w;
  const LookupCase& c = GetParam();
  std::string path = "/api/v2/organizations/?" + Fill(c.query, w.ids);
  Resp r = w.api.Get(path).Expect(c.status);
  if (r.status != c.status) return;
  if (c.status != 200) {
    if (c.detail) ExpectDetail(r, c.detail);
    return;
  }
  EXPECT_EQ(Sorted(Col(r, "name")), Sorted(c.expect)) << path;
  EXPECT_EQ(r.count(), static_cast<int64_t>(c.expect.size())) << path;
}

INSTANTIATE_TEST_SUITE_P(
    ListsOrg, ListsOrgLookup,
    ::testing::ValuesIn(std::vector<LookupCase>{
        {"implicit_exact", "name=Alpha", {"Alpha"}},
        {"exact", "name__exact=Alpha", {"Alpha"}},
        {"exact_is_case_sensitive", "name__exact=alpha", {}},
        {"iexact", "name__iexact=alpha", {"Alpha"}},
        {"iexact_upper", "name__iexact=ALPHABET", {"alphabet"}},
        {"contains", "name__contains=lpha", {"Alpha", "alphabet"}},
        {"contains_is_case_sensitive", "name__contains=LPHA", {}},
        {"icontains", "name__icontains=LPHA", {"Alpha", "alphabet"}},
        {"startswith_upper", "name__startswith=A", {"Alpha"}},
        {"startswith_lower", "name__startswith=a", {"alphabet"}},
        {"istartswith", "name__istartswith=a", {"Alpha", "alphabet"}},
        {"endswith", "name__endswith=ta", {"Beta"}},
        {"endswith_is_case_sensitive", "name__endswith=TA", {}},
        {"iendswith", "name__iendswith=TA", {"Beta"}},
        {"iendswith_t", "name__iendswith=T", {"Default", "alphabet"}},
        {"underscore_is_literal", "name__contains=_", {"Gamma_1"}},
        {"percent_is_literal_in_name", "name__contains=%25", {}},
        {"percent_is_literal_in_description", "description__contains=0%25", {"Gamma_1"}},
        {"icontains_description", "description__icontains=LETTER", {"Alpha"}},
        {"contains_description_case", "description__contains=LETTER", {}},
        {"regex_anchor", "name__regex=^A", {"Alpha"}},
        {"regex_end_anchor", "name__regex=bet$", {"alphabet"}},
        {"regex_is_a_search", "name__regex=ph", {"Alpha", "alphabet"}},
        {"regex_is_case_sensitive", "name__regex=^(beta|gamma)", {}},
        {"iregex", "name__iregex=^A", {"Alpha", "alphabet"}},
        {"iregex_alternation", "name__iregex=^(beta|gamma)", {"Beta", "Gamma_1"}},
        {"int_exact", "max_hosts=10", {"Alpha"}},
        {"gt", "max_hosts__gt=5", {"Alpha", "Beta"}},
        {"gte", "max_hosts__gte=5", {"Alpha", "Beta", "Gamma_1"}},
        {"lt", "max_hosts__lt=5", {"Default", "alphabet"}},
        {"lte", "max_hosts__lte=5", {"Default", "Gamma_1", "alphabet"}},
        {"int_in", "max_hosts__in=0,20", {"Beta", "Default", "alphabet"}},
        {"str_in", "name__in=Alpha,Beta,Nope", {"Alpha", "Beta"}},
        {"str_in_is_case_sensitive", "name__in=alpha", {}},
        {"id_in", "id__in={Alpha},{Beta}", {"Alpha", "Beta"}},
        {"id_gt", "id__gt=1", {"Alpha", "Beta", "Gamma_1", "alphabet"}},
        {"empty_value_is_exact_empty", "description=", {"Default", "alphabet"}},
        {"isnull_false", "description__isnull=false", kAllOrgs},
        {"isnull_true", "description__isnull=true", {}},
        {"fk_isnull_true", "default_environment__isnull=true", kAllOrgs},
        {"fk_isnull_false", "default_environment__isnull=false", {}},
        {"fk_null", "default_environment=null", kAllOrgs},
        {"fk_none", "default_environment=None", kAllOrgs},
        {"datetime_gt", "created__gt=2000-01-01T00:00:00Z", kAllOrgs},
        {"datetime_lt", "created__lt=2000-01-01T00:00:00Z", {}},
        {"not_exact", "not__name=Alpha", {"Beta", "Default", "Gamma_1", "alphabet"}},
        {"not_gt", "not__max_hosts__gt=0", {"Default", "alphabet"}},
        {"different_keys_and", "name__startswith=al&max_hosts=0", {"alphabet"}},
        {"repeated_key_and", "name__icontains=a&name__icontains=p", {"Alpha", "alphabet"}},
        {"iexact_on_integer_is_400", "max_hosts__iexact=0", {}, 400},
        {"unknown_field", "foo=1", {}, 400, "Organization has no field named 'foo'"},
        {"unknown_field_with_lookup",
         "foo__icontains=x",
         {},
         400,
         "Organization has no field named 'foo'"},
        {"unknown_field_not", "not__foo=1", {}, 400, "Organization has no field named 'foo'"},
        {"unknown_field_or", "or__foo=1", {}, 400, "Organization has no field named 'foo'"},
    }),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Field lookups and booleans on /users/.

class ListsUserLookup : public ::testing::TestWithParam<LookupCase> {};

TEST_P(ListsUserLookup, Filters) {
  PeopleWorld w;
  const LookupCase& c = GetParam();
  std::string path = "/api/v2/users/?" + Fill(c.query, w.ids);
  Resp r = w.api.Get(path).Expect(c.status);
  if (r.status != c.status) return;
  if (c.status != 200) {
    if (c.detail) ExpectDetail(r, c.detail);
    return;
  }
  EXPECT_EQ(Sorted(Col(r, "username")), Sorted(c.expect)) << path;
  EXPECT_EQ(r.count(), static_cast<int64_t>(c.expect.size())) << path;
}

INSTANTIATE_TEST_SUITE_P(
    ListsUser, ListsUserLookup,
    ::testing::ValuesIn(std::vector<LookupCase>{
        {"exact", "username=alice", {"alice"}},
        {"exact_is_case_sensitive", "username__exact=Alice", {}},
        {"iexact", "username__iexact=ALICE", {"alice"}},
        {"contains_lower", "username__contains=ali", {"alice"}},
        {"contains_upper", "username__contains=Ali", {"Alicia"}},
        {"contains_both", "username__contains=li", {"Alicia", "alice"}},
        {"icontains", "username__icontains=ALI", {"Alicia", "alice"}},
        {"startswith", "first_name__startswith=Al", {"Alicia", "alice"}},
        {"startswith_is_case_sensitive", "first_name__startswith=al", {}},
        {"istartswith", "first_name__istartswith=al", {"Alicia", "alice"}},
        {"startswith_prefix_of_longer", "last_name__startswith=Smith", {"alice", "bob"}},
        {"endswith", "email__endswith=corp.org", {"Alicia", "carol"}},
        {"endswith_is_case_sensitive", "email__endswith=CORP.ORG", {}},
        {"iendswith", "email__iendswith=CORP.ORG", {"Alicia", "carol"}},
        {"regex", "username__regex=^a", {"admin", "alice"}},
        {"regex_middle", "username__regex=o", {"bob", "carol"}},
        {"iregex", "username__iregex=^a", {"Alicia", "admin", "alice"}},
        {"in", "username__in=alice,bob,zed", {"alice", "bob"}},
        {"empty_exact", "email=", {"admin"}},
        {"isnull_false", "first_name__isnull=false", kAllUsers},
        {"id_lte", "id__lte={alice}", {"admin", "alice"}},
        {"id_gt", "id__gt={alice}", {"Alicia", "bob", "carol"}},
        {"id_in", "id__in={alice},{bob}", {"alice", "bob"}},
        {"pk_in", "id__in={carol}", {"carol"}},
        {"not_startswith", "not__username__startswith=a", {"Alicia", "bob", "carol"}},
        {"not_endswith", "not__email__endswith=example.com", {"Alicia", "admin", "carol"}},
        // Booleans: true|1|t / false|0|f, case-insensitive.
        {"bool_true", "is_superuser=true", kSupers},
        {"bool_True", "is_superuser=True", kSupers},
        {"bool_TRUE", "is_superuser=TRUE", kSupers},
        {"bool_1", "is_superuser=1", kSupers},
        {"bool_t", "is_superuser=t", kSupers},
        {"bool_T", "is_superuser=T", kSupers},
        {"bool_false", "is_superuser=false", kNonSupers},
        {"bool_FALSE", "is_superuser=FALSE", kNonSupers},
        {"bool_0", "is_superuser=0", kNonSupers},
        {"bool_f", "is_superuser=f", kNonSupers},
        {"bool_F", "is_superuser=F", kNonSupers},
        {"bool_exact", "is_superuser__exact=t", kSupers},
        {"bool_not", "not__is_superuser=true", kNonSupers},
        {"bool_in", "is_superuser__in=t,f", kAllUsers},
        {"bool_bad_x", "is_superuser=x", {}, 400, "Unable to convert \"x\" to boolean"},
        {"bool_bad_yes", "is_superuser=yes", {}, 400, "Unable to convert \"yes\" to boolean"},
        {"bool_bad_no", "is_superuser=no", {}, 400, "Unable to convert \"no\" to boolean"},
        {"bool_bad_2", "is_superuser=2", {}, 400, "Unable to convert \"2\" to boolean"},
        {"bool_bad_empty", "is_superuser=", {}, 400, "Unable to convert \"\" to boolean"},
        {"bool_bad_in_list",
         "is_superuser__in=t,maybe",
         {},
         400,
         "Unable to convert \"maybe\" to boolean"},
        {"isnull_bad", "first_name__isnull=x", {}, 400, "Unable to convert \"x\" to boolean"},
        // Relations.
        {"m2m_teams_name", "teams__name=dev", {"alice", "bob"}},
        {"m2m_teams_name_ops", "teams__name=ops", {"bob"}},
        {"m2m_teams_org_name", "teams__organization__name=Engineering", {"alice", "bob"}},
        {"m2m_orgs_name", "organizations__name=Engineering", {"Alicia", "alice"}},
        {"m2m_orgs_name_sales", "organizations__name=Sales", {"Alicia", "bob"}},
        {"m2m_orgs_by_id", "organizations={sales}", {"Alicia", "bob"}},
        {"m2m_orgs_id_in", "organizations__id__in={eng},{sales}", {"Alicia", "alice", "bob"}},
        {"m2m_orgs_icontains", "organizations__name__icontains=ENGIN", {"Alicia", "alice"}},
        {"m2m_not", "not__organizations__name=Engineering", {"admin", "bob", "carol"}},
        {"m2m_isnull_true", "organizations__isnull=true", {"admin", "carol"}},
        {"m2m_null", "organizations=null", {"admin", "carol"}},
        {"m2m_none", "organizations=None", {"admin", "carol"}},
        {"m2m_bad_id", "organizations=abc", {}, 400, "Invalid organizations id: abc"},
        {"unknown_field", "foo=1", {}, 400, "User has no field named 'foo'"},
        {"unknown_field_through_relation",
         "teams__foo=1",
         {},
         400,
         "Team has no field named 'foo'"},
        {"password_forbidden", "password=x", {}, 403, "Filtering on password is not allowed."},
        {"password_lookup_forbidden",
         "password__startswith=pbkdf2",
         {},
         403,
         "Filtering on password is not allowed."},
        {"password_not_forbidden",
         "not__password=x",
         {},
         403,
         "Filtering on password is not allowed."},
        {"password_or_forbidden",
         "or__password=x",
         {},
         403,
         "Filtering on password is not allowed."},
        {"role_level_on_model_without_roles", "role_level=admin_role", {}, 400},
    }),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Traversal on /teams/ and /organizations/.

class ListsTeamLookup : public ::testing::TestWithParam<LookupCase> {};

TEST_P(ListsTeamLookup, Filters) {
  PeopleWorld w;
  const LookupCase& c = GetParam();
  std::string path = "/api/v2/teams/?" + Fill(c.query, w.ids);
  Resp r = w.api.Get(path).Expect(c.status);
  if (r.status != c.status) return;
  if (c.status != 200) {
    if (c.detail) ExpectDetail(r, c.detail);
    return;
  }
  EXPECT_EQ(Sorted(TeamLabels(r)), Sorted(c.expect)) << path;
  EXPECT_EQ(r.count(), static_cast<int64_t>(c.expect.size())) << path;
}

INSTANTIATE_TEST_SUITE_P(
    ListsTeam, ListsTeamLookup,
    ::testing::ValuesIn(std::vector<LookupCase>{
        {"fk_by_id", "organization={eng}", {"dev@Engineering", "ops@Engineering"}},
        {"fk_id_field", "organization__id={sales}", {"dev@Sales"}},
        {"fk_in",
         "organization__in={eng},{sales}",
         {"dev@Engineering", "dev@Sales", "ops@Engineering"}},
        {"fk_null", "organization=null", {}},
        {"fk_isnull_true", "organization__isnull=true", {}},
        {"fk_isnull_false",
         "organization__isnull=false",
         {"core@Default", "dev@Engineering", "dev@Sales", "ops@Engineering"}},
        {"fk_traverse_default", "organization__name=Default", {"core@Default"}},
        {"fk_traverse_icontains",
         "organization__name__icontains=ENG",
         {"dev@Engineering", "ops@Engineering"}},
        {"fk_traverse_description", "organization__description__startswith=sells", {"dev@Sales"}},
        {"fk_not", "not__organization={eng}", {"core@Default", "dev@Sales"}},
        {"m2m_users", "users__username=bob", {"dev@Sales", "ops@Engineering"}},
        {"m2m_users_superuser", "users__is_superuser=true", {}},
        {"m2m_users_null", "users=null", {"core@Default"}},
        {"m2m_users_bad_id", "users=abc", {}, 400, "Invalid users id: abc"},
        {"fk_bad_id", "organization=abc", {}, 400, "Invalid organization id: abc"},
        {"fk_unknown_field",
         "organization__foo=1",
         {},
         400,
         "Organization has no field named 'foo'"},
    }),
    CaseName);

TEST(ListsTraversal, OrganizationsByRelatedRowsAreDeduplicated) {
  PeopleWorld w;
  // Engineering has both a dev and an ops team: it must still appear once.
  Resp r = w.api.Get("/api/v2/organizations/?teams__name__in=dev,ops").Expect(200);
  EXPECT_EQ(Sorted(Col(r, "name")), (std::vector<std::string>{"Engineering", "Sales"}));
  EXPECT_EQ(r.count(), 2);
  Resp u = w.api.Get("/api/v2/organizations/?users__username__in=alice,Alicia").Expect(200);
  EXPECT_EQ(Sorted(Col(u, "name")), (std::vector<std::string>{"Engineering", "Sales"}));
  EXPECT_EQ(u.count(), 2);
  Resp users = w.api.Get("/api/v2/users/?teams__name__in=dev,ops").Expect(200);
  EXPECT_EQ(Sorted(Col(users, "username")), (std::vector<std::string>{"alice", "bob"}));
}

TEST(ListsTraversal, OrganizationsByUsersAndTeams) {
  PeopleWorld w;
  EXPECT_EQ(Col(w.api.Get("/api/v2/organizations/?users__username=alice").Expect(200), "name"),
            (std::vector<std::string>{"Engineering"}));
  EXPECT_EQ(Col(w.api.Get("/api/v2/organizations/?teams__name=ops").Expect(200), "name"),
            (std::vector<std::string>{"Engineering"}));
  EXPECT_EQ(w.api.Get("/api/v2/organizations/?admins__username=alice").Expect(200).count(), 0);
}

TEST(ListsTraversal, LoopsAreRejected) {
  PeopleWorld w;
  Resp r = w.api.Get("/api/v2/organizations/?teams__organization__teams__name=dev").Expect(400);
  ExpectDetail(r, "Loops not allowed in filters, detected on field teams.");
}

TEST(ListsTraversal, ForbiddenFieldBehindARelation) {
  PeopleWorld w;
  Resp r = w.api.Get("/api/v2/organizations/?users__password__startswith=pbkdf2").Expect(403);
  ExpectDetail(r, "Filtering on password is not allowed.");
  Resp t = w.api.Get("/api/v2/tokens/?token=abc").Expect(403);
  ExpectDetail(t, "Filtering on token is not allowed.");
}

TEST(ListsTraversal, SubListsAreFilterable) {
  PeopleWorld w;
  std::string base = "/api/v2/organizations/" + w.ids["eng"] + "/users/";
  Resp r = w.api.Get(base + "?username__startswith=al").Expect(200);
  EXPECT_EQ(Col(r, "username"), (std::vector<std::string>{"alice"}));
  Resp p = w.api.Get(base + "?page_size=1").Expect(200);
  EXPECT_EQ(p.count(), 2);
  EXPECT_EQ(Link(p["next"]), base + "?page_size=1&page=2");
  Resp bad = w.api.Get(base + "?foo=1").Expect(400);
  ExpectDetail(bad, "User has no field named 'foo'");
}

}  // namespace
}  // namespace baton::testing
