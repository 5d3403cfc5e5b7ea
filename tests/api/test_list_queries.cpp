// List machinery: or__/not__/chain__ prefixes, search, ordering, pagination (contract §6, §7).
#include "list_fixtures.hpp"

namespace baton::testing {
namespace {

// ---------------------------------------------------------------------------------------------
// or__ / not__ / chain__ prefixes.

TEST(ListsPrefixes, CollectionUserLookupOrIdOrUsername) {
  PeopleWorld w;
  // A user whose username is alice's id: the collection's name-or-id lookup finds both.
  std::string alice = w.ids["alice"];
  w.api.User(alice);
  Resp r = w.api.Get("/api/v2/users/?or__id=" + alice + "&or__username=" + alice).Expect(200);
  EXPECT_EQ(r.count(), 2);
  EXPECT_EQ(Sorted(Col(r, "username")), Sorted({alice, "alice"}));
  // bob's id is nobody's username.
  std::string bob = w.ids["bob"];
  Resp b = w.api.Get("/api/v2/users/?or__id=" + bob + "&or__username=" + bob).Expect(200);
  EXPECT_EQ(Col(b, "username"), (std::vector<std::string>{"bob"}));
  // A number that is neither an id nor a username.
  EXPECT_EQ(w.api.Get("/api/v2/users/?or__id=99999&or__username=99999").Expect(200).count(), 0);
}

TEST(ListsPrefixes, OrGroupIsAndedWithPlainFilters) {
  PeopleWorld w;
  const std::string& ds = w.ids["dev_sales"];
  // organization=O AND (id=N OR name='N')
  Resp wrong_org =
      w.api.Get("/api/v2/teams/?organization=" + w.ids["eng"] + "&or__id=" + ds + "&or__name=" + ds)
          .Expect(200);
  EXPECT_EQ(wrong_org.count(), 0);
  Resp right_org = w.api
                       .Get("/api/v2/teams/?organization=" + w.ids["sales"] + "&or__id=" + ds +
                            "&or__name=" + ds)
                       .Expect(200);
  EXPECT_EQ(TeamLabels(right_org), (std::vector<std::string>{"dev@Sales"}));
  // By name: only the dev team of the given organization.
  Resp by_name =
      w.api.Get("/api/v2/teams/?organization=" + w.ids["eng"] + "&or__id=99999&or__name=dev")
          .Expect(200);
  EXPECT_EQ(TeamLabels(by_name), (std::vector<std::string>{"dev@Engineering"}));
  // The parameter order does not matter.
  Resp reordered =
      w.api.Get("/api/v2/teams/?or__name=dev&or__id=99999&organization=" + w.ids["eng"])
          .Expect(200);
  EXPECT_EQ(TeamLabels(reordered), (std::vector<std::string>{"dev@Engineering"}));
}

TEST(ListsPrefixes, OrConditionsAreOred) {
  PeopleWorld w;
  Resp r = w.api.Get("/api/v2/teams/?or__name=dev&or__name=core").Expect(200);
  EXPECT_EQ(Sorted(TeamLabels(r)),
            (std::vector<std::string>{"core@Default", "dev@Engineering", "dev@Sales"}));
  Resp u = w.api.Get("/api/v2/users/?or__username=alice&or__email__endswith=corp.org").Expect(200);
  EXPECT_EQ(Sorted(Col(u, "username")), (std::vector<std::string>{"Alicia", "alice", "carol"}));
  Resp rel = w.api.Get("/api/v2/users/?or__teams__name=dev&or__username=carol").Expect(200);
  EXPECT_EQ(Sorted(Col(rel, "username")), (std::vector<std::string>{"alice", "bob", "carol"}));
}

TEST(ListsPrefixes, OrNot) {
  PeopleWorld w;
  // (NOT is_superuser) OR username=admin
  Resp r = w.api.Get("/api/v2/users/?or__not__is_superuser=true&or__username=admin").Expect(200);
  EXPECT_EQ(Sorted(Col(r, "username")),
            (std::vector<std::string>{"Alicia", "admin", "alice", "bob"}));
  // Combined with a plain filter.
  Resp s = w.api
               .Get(
                   "/api/v2/users/"
                   "?email__endswith=corp.org&or__not__is_superuser=true&or__username=admin")
               .Expect(200);
  EXPECT_EQ(Col(s, "username"), (std::vector<std::string>{"Alicia"}));
}

TEST(ListsPrefixes, NotIsAnExclusion) {
  PeopleWorld w;
  Resp r = w.api.Get("/api/v2/users/?not__username=alice&not__username=bob").Expect(200);
  EXPECT_EQ(Sorted(Col(r, "username")), (std::vector<std::string>{"Alicia", "admin", "carol"}));
  // Excluding over a to-many relation drops every user having a matching related row.
  Resp t = w.api.Get("/api/v2/users/?not__teams__name=dev").Expect(200);
  EXPECT_EQ(Sorted(Col(t, "username")), (std::vector<std::string>{"Alicia", "admin", "carol"}));
}

TEST(ListsPrefixes, ChainAppliesSuccessiveFilters) {
  PeopleWorld w;
  Resp both = w.api
                  .Get(
                      "/api/v2/users/"
                      "?chain__organizations__name=Engineering&chain__organizations__name=Sales")
                  .Expect(200);
  EXPECT_EQ(Col(both, "username"), (std::vector<std::string>{"Alicia"}));
  Resp neg =
      w.api.Get("/api/v2/users/?chain__not__username=alice&chain__is_superuser=false").Expect(200);
  EXPECT_EQ(Sorted(Col(neg, "username")), (std::vector<std::string>{"Alicia", "bob"}));
}

TEST(ListsPrefixes, ChainLetsEachConditionMatchADifferentRelatedRow) {
  PeopleWorld w;
  // Engineering: dev (no description) + ops "blue"; Sales: dev "blue".
  // Plain conditions on a to-many relation must hold for the same team (one filter() call)...
  Resp same =
      w.api.Get("/api/v2/organizations/?teams__name=dev&teams__description=blue").Expect(200);
  EXPECT_EQ(Col(same, "name"), (std::vector<std::string>{"Sales"}));
  // ...chain__ conditions may each be satisfied by a different team.
  Resp chained =
      w.api.Get("/api/v2/organizations/?chain__teams__name=dev&chain__teams__description=blue")
          .Expect(200);
  EXPECT_EQ(Sorted(Col(chained, "name")), (std::vector<std::string>{"Engineering", "Sales"}));
}

// ---------------------------------------------------------------------------------------------
// search= and <relation>__search=.

class ListsSearch : public ::testing::TestWithParam<LookupCase> {};

TEST_P(ListsSearch, Users) {
  PeopleWorld w;
  const LookupCase& c = GetParam();
  std::string path = "/api/v2/users/?" + Fill(c.query, w.ids);
  Resp r = w.api.Get(path).Expect(c.status);
  if (r.status != c.status) return;
  EXPECT_EQ(Sorted(Col(r, "username")), Sorted(c.expect)) << path;
  EXPECT_EQ(r.count(), static_cast<int64_t>(c.expect.size())) << path;
}

INSTANTIATE_TEST_SUITE_P(
    ListsSearchUsers, ListsSearch,
    ::testing::ValuesIn(std::vector<LookupCase>{
        {"one_term", "search=smith", {"alice", "bob"}},
        {"case_insensitive", "search=SMITH", {"alice", "bob"}},
        {"matches_username", "search=car", {"carol"}},
        {"matches_email", "search=example.com", {"alice", "bob"}},
        {"two_terms_and_plus", "search=smith+example", {"alice", "bob"}},
        {"two_terms_and_space", "search=ali%20corp", {"Alicia"}},
        {"two_terms_no_match", "search=smith+corp", {}},
        {"comma_splits", "search=ali,corp", {"Alicia"}},
        {"comma_and_space", "search=ali,+jones", {"Alicia"}},
        {"no_match", "search=zzz", {}},
        {"empty_search_is_no_filter", "search=", kAllUsers},
        {"combined_with_filter", "search=smith&username=bob", {"bob"}},
        {"percent_is_literal", "search=%25", {}},
        {"related_teams", "teams__search=dev", {"alice", "bob"}},
        {"related_orgs", "organizations__search=SAL", {"Alicia", "bob"}},
        {"related_orgs_description", "organizations__search=builds", {"Alicia", "alice"}},
        {"related_comma_and", "organizations__search=eng,ineer", {"Alicia", "alice"}},
        {"related_comma_and_no_row", "organizations__search=eng,zzz", {}},
    }),
    CaseName);

TEST(ListsSearchOther, OrganizationsAndTeams) {
  PeopleWorld w;
  EXPECT_EQ(Col(w.api.Get("/api/v2/organizations/?search=builds").Expect(200), "name"),
            (std::vector<std::string>{"Engineering"}));
  EXPECT_EQ(Sorted(Col(w.api.Get("/api/v2/organizations/?search=things").Expect(200), "name")),
            (std::vector<std::string>{"Engineering", "Sales"}));
  EXPECT_EQ(Sorted(TeamLabels(w.api.Get("/api/v2/teams/?search=blue").Expect(200))),
            (std::vector<std::string>{"dev@Sales", "ops@Engineering"}));
  EXPECT_EQ(Sorted(TeamLabels(w.api.Get("/api/v2/teams/?organization__search=engin").Expect(200))),
            (std::vector<std::string>{"dev@Engineering", "ops@Engineering"}));
  EXPECT_EQ(
      Sorted(Col(w.api.Get("/api/v2/organizations/?users__search=smith").Expect(200), "name")),
      (std::vector<std::string>{"Engineering", "Sales"}));
  EXPECT_EQ(Col(w.api.Get("/api/v2/organizations/?users__search=jones").Expect(200), "name"),
            (std::vector<std::string>{"Engineering", "Sales"}));
  EXPECT_EQ(w.api.Get("/api/v2/organizations/?search=things&search=sells").Expect(200).count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Ordering.

struct OrderWorld {
  Api api;
  OrderWorld() {
    for (auto [name, max] :
         {std::pair{"o-a", 2}, std::pair{"o-b", 1}, std::pair{"o-c", 2}, std::pair{"o-d", 1}})
      api.Post("/api/v2/organizations/", json::object{{"name", name}, {"max_hosts", max}})
          .Expect(201);
  }
  std::vector<std::string> Names(const std::string& q) {
    return Col(api.Get("/api/v2/organizations/?name__startswith=o-" + (q.empty() ? "" : "&" + q))
                   .Expect(200),
               "name");
  }
};

TEST(ListsOrdering, SingleFieldBothDirections) {
  OrderWorld w;
  EXPECT_EQ(w.Names("order_by=name"), (std::vector<std::string>{"o-a", "o-b", "o-c", "o-d"}));
  EXPECT_EQ(w.Names("order_by=-name"), (std::vector<std::string>{"o-d", "o-c", "o-b", "o-a"}));
  EXPECT_EQ(w.Names("order_by=-id"), (std::vector<std::string>{"o-d", "o-c", "o-b", "o-a"}));
  EXPECT_EQ(w.Names("order_by=id"), (std::vector<std::string>{"o-a", "o-b", "o-c", "o-d"}));
}

TEST(ListsOrdering, OrderIsAnAliasOfOrderBy) {
  OrderWorld w;
  EXPECT_EQ(w.Names("order=-name"), (std::vector<std::string>{"o-d", "o-c", "o-b", "o-a"}));
  EXPECT_EQ(w.Names("order=max_hosts,-name"),
            (std::vector<std::string>{"o-d", "o-b", "o-c", "o-a"}));
}

TEST(ListsOrdering, SeveralFields) {
  OrderWorld w;
  EXPECT_EQ(w.Names("order_by=max_hosts,-name"),
            (std::vector<std::string>{"o-d", "o-b", "o-c", "o-a"}));
  EXPECT_EQ(w.Names("order_by=-max_hosts,name"),
            (std::vector<std::string>{"o-a", "o-c", "o-b", "o-d"}));
  EXPECT_EQ(w.Names("order_by=-max_hosts,-id"),
            (std::vector<std::string>{"o-c", "o-a", "o-d", "o-b"}));
}

TEST(ListsOrdering, DefaultOrderBreaksTies) {
  OrderWorld w;
  // Organizations default to name order, appended after the requested keys.
  EXPECT_EQ(w.Names("order_by=max_hosts"), (std::vector<std::string>{"o-b", "o-d", "o-a", "o-c"}));
  EXPECT_EQ(w.Names("order_by=-max_hosts"), (std::vector<std::string>{"o-a", "o-c", "o-b", "o-d"}));
  EXPECT_EQ(w.Names(""), (std::vector<std::string>{"o-a", "o-b", "o-c", "o-d"}));
  // type is not a field of non-polymorphic lists: ordering by it is ignored.
  EXPECT_EQ(w.Names("order_by=type"), (std::vector<std::string>{"o-a", "o-b", "o-c", "o-d"}));
  EXPECT_EQ(w.Names("order_by=-type,-name"),
            (std::vector<std::string>{"o-d", "o-c", "o-b", "o-a"}));
}

TEST(ListsOrdering, OrderingIsAppliedBeforePaging) {
  OrderWorld w;
  Resp p1 = w.api.Get("/api/v2/organizations/?name__startswith=o-&order_by=-name&page_size=3")
                .Expect(200);
  EXPECT_EQ(Col(p1, "name"), (std::vector<std::string>{"o-d", "o-c", "o-b"}));
  Resp p2 = w.api.Get(Str(p1["next"])).Expect(200);
  EXPECT_EQ(Col(p2, "name"), (std::vector<std::string>{"o-a"}));
}

TEST(ListsOrdering, TraversalOrdering) {
  PeopleWorld w;
  EXPECT_EQ(TeamLabels(w.api.Get("/api/v2/teams/?order_by=organization__name,name").Expect(200)),
            (std::vector<std::string>{"core@Default", "dev@Engineering", "ops@Engineering",
                                      "dev@Sales"}));
  EXPECT_EQ(TeamLabels(w.api.Get("/api/v2/teams/?order_by=-organization__name,-name").Expect(200)),
            (std::vector<std::string>{"dev@Sales", "ops@Engineering", "dev@Engineering",
                                      "core@Default"}));
  // Teams default to organization__name, name.
  EXPECT_EQ(TeamLabels(w.api.Get("/api/v2/teams/").Expect(200)),
            (std::vector<std::string>{"core@Default", "dev@Engineering", "ops@Engineering",
                                      "dev@Sales"}));
  EXPECT_EQ(TeamLabels(w.api.Get("/api/v2/teams/?order_by=-organization__name").Expect(200)),
            (std::vector<std::string>{"dev@Sales", "dev@Engineering", "ops@Engineering",
                                      "core@Default"}));
  EXPECT_EQ(Col(w.api.Get("/api/v2/users/?order_by=-username&is_superuser=false").Expect(200),
                "username"),
            (std::vector<std::string>{"bob", "alice", "Alicia"}));
}

TEST(ListsOrdering, UnknownFieldIs400) {
  PeopleWorld w;
  ExpectDetail(w.api.Get("/api/v2/organizations/?order_by=foo").Expect(400),
               "Organization has no field named 'foo'");
  ExpectDetail(w.api.Get("/api/v2/organizations/?order_by=-foo").Expect(400),
               "Organization has no field named 'foo'");
  ExpectDetail(w.api.Get("/api/v2/organizations/?order_by=name,foo").Expect(400),
               "Organization has no field named 'foo'");
  ExpectDetail(w.api.Get("/api/v2/organizations/?order=foo").Expect(400),
               "Organization has no field named 'foo'");
  ExpectDetail(w.api.Get("/api/v2/teams/?order_by=organization__foo").Expect(400),
               "Organization has no field named 'foo'");
  ExpectDetail(w.api.Get("/api/v2/users/?order_by=foo").Expect(400),
               "User has no field named 'foo'");
}

// ---------------------------------------------------------------------------------------------
// Pagination.

struct ManyOrgs {
  Api api;
  static constexpr int kExtra = 205;  // + Default = 206
  ManyOrgs() {
    char buf[16];
    for (int i = 0; i < kExtra; ++i) {
      std::snprintf(buf, sizeof buf, "p%03d", i);
      api.Post("/api/v2/organizations/", json::object{{"name", buf}}).Expect(201);
    }
  }
};

TEST(ListsPagination, DefaultPageSizeIs25) {
  ManyOrgs w;
  Resp r = w.api.Get("/api/v2/organizations/").Expect(200);
  EXPECT_EQ(r.count(), 206);
  EXPECT_EQ(r.results().size(), 25u);
  EXPECT_EQ(Link(r["next"]), "/api/v2/organizations/?page=2");
  EXPECT_TRUE(r["previous"].is_null());
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"count", "next", "previous", "results"}));
}

TEST(ListsPagination, PageSizeAbove200IsCappedAndLinksRewritten) {
  ManyOrgs w;
  for (const char* ps : {"201", "500", "100000"}) {
    SCOPED_TRACE(ps);
    Resp r = w.api.Get(std::string("/api/v2/organizations/?page_size=") + ps).Expect(200);
    EXPECT_EQ(r.results().size(), 200u);
    EXPECT_EQ(Link(r["next"]), "/api/v2/organizations/?page_size=200&page=2");
    Resp p2 =
        w.api.Get(std::string("/api/v2/organizations/?page_size=") + ps + "&page=2").Expect(200);
    EXPECT_EQ(p2.results().size(), 6u);
    EXPECT_TRUE(p2["next"].is_null());
    EXPECT_EQ(Link(p2["previous"]), "/api/v2/organizations/?page_size=200&page=1");
  }
  Resp exact = w.api.Get("/api/v2/organizations/?page_size=200").Expect(200);
  EXPECT_EQ(exact.results().size(), 200u);
  EXPECT_EQ(Link(exact["next"]), "/api/v2/organizations/?page_size=200&page=2");
}

TEST(ListsPagination, BadPageSizeFallsBackTo25) {
  ManyOrgs w;
  for (const char* ps : {"0", "-1", "-200", "abc", "", "1.5", "10x"}) {
    SCOPED_TRACE(ps);
    std::string q = std::string("page_size=") + ps;
    Resp r = w.api.Get("/api/v2/organizations/?" + q).Expect(200);
    EXPECT_EQ(r.results().size(), 25u);
    EXPECT_EQ(Link(r["next"]), "/api/v2/organizations/?" + q + "&page=2");
  }
}

TEST(ListsPagination, SmallPageSizes) {
  ManyOrgs w;
  Resp r = w.api.Get("/api/v2/organizations/?page_size=1").Expect(200);
  EXPECT_EQ(r.results().size(), 1u);
  EXPECT_EQ(r.count(), 206);
  Resp last = w.api.Get("/api/v2/organizations/?page_size=1&page=206").Expect(200);
  EXPECT_EQ(last.results().size(), 1u);
  EXPECT_TRUE(last["next"].is_null());
  EXPECT_EQ(Link(last["previous"]), "/api/v2/organizations/?page_size=1&page=205");
}

TEST(ListsPagination, PageLast) {
  ManyOrgs w;
  Resp r = w.api.Get("/api/v2/organizations/?page=last").Expect(200);
  EXPECT_EQ(r.results().size(), 6u);  // 206 = 8*25 + 6
  EXPECT_TRUE(r["next"].is_null());
  EXPECT_EQ(Link(r["previous"]), "/api/v2/organizations/?page=8");
  Resp ps = w.api.Get("/api/v2/organizations/?page=last&page_size=100").Expect(200);
  EXPECT_EQ(ps.results().size(), 6u);
  EXPECT_EQ(Link(ps["previous"]), "/api/v2/organizations/?page=2&page_size=100");
  EXPECT_EQ(Col(ps, "name").back(), "p204");
  // One page only: last is page 1.
  Resp one = w.api.Get("/api/v2/organizations/?name=Default&page=last").Expect(200);
  EXPECT_EQ(one.count(), 1);
  EXPECT_TRUE(one["previous"].is_null());
}

TEST(ListsPagination, PagePastTheEndOrNonNumericIs404) {
  ManyOrgs w;
  for (const char* pg : {"10", "11", "1000", "abc", "0", "-1", "1.5", "99999999999999999999"}) {
    SCOPED_TRACE(pg);
    Resp r = w.api.Get(std::string("/api/v2/organizations/?page=") + pg).Expect(404);
    ExpectDetail(r, "Invalid page.");
  }
  Resp last_ok = w.api.Get("/api/v2/organizations/?page=9").Expect(200);
  EXPECT_EQ(last_ok.results().size(), 6u);
}

TEST(ListsPagination, EmptyListHasAPageOne) {
  Api api;
  Resp r = api.Get("/api/v2/organizations/?name=nothing").Expect(200);
  EXPECT_EQ(r.count(), 0);
  EXPECT_TRUE(r.results().empty());
  EXPECT_TRUE(r["next"].is_null());
  EXPECT_TRUE(r["previous"].is_null());
  api.Get("/api/v2/organizations/?name=nothing&page=1").Expect(200);
  ExpectDetail(api.Get("/api/v2/organizations/?name=nothing&page=2").Expect(404), "Invalid page.");
  Resp last = api.Get("/api/v2/organizations/?name=nothing&page=last").Expect(200);
  EXPECT_EQ(last.count(), 0);
}

TEST(ListsPagination, PreviousOfPage2KeepsPage1) {
  ManyOrgs w;
  Resp r = w.api.Get("/api/v2/organizations/?page=2").Expect(200);
  EXPECT_EQ(Link(r["previous"]), "/api/v2/organizations/?page=1");
  EXPECT_EQ(Link(r["next"]), "/api/v2/organizations/?page=3");
}

TEST(ListsPagination, LinksPreserveOtherParametersInOrder) {
  ManyOrgs w;
  Resp r = w.api.Get("/api/v2/organizations/?name__startswith=p&page=2&page_size=10").Expect(200);
  EXPECT_EQ(r.count(), 205);
  EXPECT_EQ(Link(r["previous"]), "/api/v2/organizations/?name__startswith=p&page=1&page_size=10");
  EXPECT_EQ(Link(r["next"]), "/api/v2/organizations/?name__startswith=p&page=3&page_size=10");
  Resp s = w.api.Get("/api/v2/organizations/?order_by=-name&page_size=5&search=p1").Expect(200);
  EXPECT_EQ(Link(s["next"]), "/api/v2/organizations/?order_by=-name&page_size=5&search=p1&page=2");
  EXPECT_EQ(Col(s, "name").front(), "p199");
  Resp capped = w.api.Get("/api/v2/organizations/?page_size=999&order_by=name").Expect(200);
  EXPECT_EQ(Link(capped["next"]), "/api/v2/organizations/?page_size=200&order_by=name&page=2");
}

TEST(ListsPagination, FollowingNextVisitsEveryObjectOnce) {
  ManyOrgs w;
  std::set<int64_t> seen;
  std::string url = "/api/v2/organizations/?page_size=30";
  int pages = 0;
  while (!url.empty() && pages < 20) {
    Resp r = w.api.Get(url).Expect(200);
    for (auto& o : r.results()) EXPECT_TRUE(seen.insert(o.as_object().at("id").as_int64()).second);
    url = r["next"].is_null() ? "" : Str(r["next"]);
    ++pages;
  }
  EXPECT_EQ(pages, 7);
  EXPECT_EQ(seen.size(), 206u);
}

TEST(ListsPagination, CountDisabledGivesOnlyResults) {
  ManyOrgs w;
  Resp r = w.api.Get("/api/v2/organizations/?count_disabled=1").Expect(200);
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"results"}));
  EXPECT_EQ(r.results().size(), 25u);
  Resp small = w.api.Get("/api/v2/organizations/?count_disabled=1&page_size=3&page=2").Expect(200);
  EXPECT_EQ(small.obj().size(), 1u);
  EXPECT_EQ(small.results().size(), 3u);
}

// ---------------------------------------------------------------------------------------------
// type= on non-polymorphic lists.

TEST(ListsType, OwnTypeMatchesOtherTypeIsEmpty) {
  PeopleWorld w;
  Resp all = w.api.Get("/api/v2/users/").Expect(200);
  Resp own = w.api.Get("/api/v2/users/?type=user").Expect(200);
  EXPECT_EQ(own.count(), all.count());
  EXPECT_EQ(own.count(), 5);
  for (const char* other : {"organization", "team", "bogus"}) {
    SCOPED_TRACE(other);
    Resp r = w.api.Get(std::string("/api/v2/users/?type=") + other).Expect(200);
    EXPECT_EQ(r.count(), 0);
    EXPECT_TRUE(r.results().empty());
  }
  EXPECT_EQ(w.api.Get("/api/v2/organizations/?type=organization").Expect(200).count(), 3);
  EXPECT_EQ(w.api.Get("/api/v2/organizations/?type=user").Expect(200).count(), 0);
  // type is reserved: combined with filters it is just one more condition.
  EXPECT_EQ(w.api.Get("/api/v2/users/?type=user&username=bob").Expect(200).count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Reserved query names are never field filters (§7.1).

TEST(ListsReserved, ReservedNamesAreNotFilters) {
  PeopleWorld w;
  for (const char* q : {"format=json", "no_truncate=1", "host_filter=name%3Dx", "limit=1",
                        "validate=1", "order=name", "search=", "page=1", "page_size=25"}) {
    SCOPED_TRACE(q);
    Resp r = w.api.Get(std::string("/api/v2/organizations/?") + q).Expect(200);
    EXPECT_EQ(r.results().size(), 3u);
  }
}

// ---------------------------------------------------------------------------------------------
// RBAC filtering of lists.

TEST(ListsRbac, PlainUserSeesSelfAndFellowOrgMembers) {
  PeopleWorld w;
  int64_t pat = w.api.User("pat");
  w.api.Post("/api/v2/organizations/" + w.ids["eng"] + "/users/", json::object{{"id", pat}})
      .Expect(204);
  Resp users = w.api.Get("/api/v2/users/").As("pat").Expect(200);
  EXPECT_EQ(Sorted(Col(users, "username")), (std::vector<std::string>{"Alicia", "alice", "pat"}));
  EXPECT_EQ(users.count(), 3);
  Resp orgs = w.api.Get("/api/v2/organizations/").As("pat").Expect(200);
  EXPECT_EQ(Col(orgs, "name"), (std::vector<std::string>{"Engineering"}));
  EXPECT_EQ(orgs.count(), 1);
  // Filters, search and paging only ever see the visible rows.
  EXPECT_EQ(w.api.Get("/api/v2/users/?username=bob").As("pat").Expect(200).count(), 0);
  EXPECT_EQ(w.api.Get("/api/v2/users/?is_superuser=true").As("pat").Expect(200).count(), 0);
  EXPECT_EQ(Col(w.api.Get("/api/v2/users/?search=smith").As("pat").Expect(200), "username"),
            (std::vector<std::string>{"alice"}));
  EXPECT_EQ(w.api.Get("/api/v2/organizations/?name=Sales").As("pat").Expect(200).count(), 0);
  Resp paged = w.api.Get("/api/v2/users/?page_size=2").As("pat").Expect(200);
  EXPECT_EQ(paged.count(), 3);
  EXPECT_EQ(Link(paged["next"]), "/api/v2/users/?page_size=2&page=2");
  Resp p2 = w.api.Get("/api/v2/users/?page_size=2&page=2").As("pat").Expect(200);
  EXPECT_EQ(p2.results().size(), 1u);
  w.api.Get("/api/v2/users/?page_size=2&page=3").As("pat").Expect(404);
  // The superuser sees everything.
  EXPECT_EQ(w.api.Get("/api/v2/users/").Expect(200).count(), 6);
  EXPECT_EQ(w.api.Get("/api/v2/organizations/").Expect(200).count(), 3);
}

TEST(ListsRbac, UserWithoutOrganizationsSeesOnlyThemselves) {
  PeopleWorld w;
  w.api.User("loner");
  Resp users = w.api.Get("/api/v2/users/").As("loner").Expect(200);
  EXPECT_EQ(Col(users, "username"), (std::vector<std::string>{"loner"}));
  EXPECT_EQ(users.count(), 1);
  Resp orgs = w.api.Get("/api/v2/organizations/").As("loner").Expect(200);
  EXPECT_EQ(orgs.count(), 0);
  EXPECT_TRUE(orgs.results().empty());
}

TEST(ListsRbac, RoleLevelLimitsToObjectsWithThatRole) {
  PeopleWorld w;
  int64_t pat = w.api.User("pat");
  w.api.Post("/api/v2/organizations/" + w.ids["eng"] + "/users/", json::object{{"id", pat}})
      .Expect(204);
  w.api.Grant("/api/v2/organizations/" + w.ids["sales"] + "/", "admin_role", pat);
  Resp admin = w.api.Get("/api/v2/organizations/?role_level=admin_role").As("pat").Expect(200);
  EXPECT_EQ(Col(admin, "name"), (std::vector<std::string>{"Sales"}));
  EXPECT_EQ(admin.count(), 1);
  Resp member = w.api.Get("/api/v2/organizations/?role_level=member_role").As("pat").Expect(200);
  EXPECT_EQ(Sorted(Col(member, "name")), (std::vector<std::string>{"Engineering", "Sales"}));
  Resp all = w.api.Get("/api/v2/organizations/").As("pat").Expect(200);
  EXPECT_EQ(all.count(), 2);
  // A plain member administers nothing.
  EXPECT_EQ(
      w.api.Get("/api/v2/organizations/?role_level=admin_role").As("alice").Expect(200).count(), 0);
  EXPECT_EQ(
      w.api.Get("/api/v2/organizations/?role_level=member_role").As("alice").Expect(200).count(),
      1);
}

}  // namespace
}  // namespace baton::testing
