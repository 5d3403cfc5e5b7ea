// Shared data and helpers of the list-machinery tests (test_lists.cpp, test_list_queries.cpp).
#pragma once
#include <algorithm>
#include <map>
#include <set>
#include "harness.hpp"

namespace baton::testing {
namespace {

std::string Str(const json::value& v) {
  return std::string(v.as_string());
}

// Value of `key` of every result, in response order.
std::vector<std::string> Col(const Resp& r, const char* key) {
  std::vector<std::string> out;
  for (auto& o : r.results()) out.push_back(Str(o.as_object().at(key)));
  return out;
}

// Teams as "name@organization name".
std::vector<std::string> TeamLabels(const Resp& r) {
  std::vector<std::string> out;
  for (auto& o : r.results()) {
    auto& obj = o.as_object();
    out.push_back(
        Str(obj.at("name")) + "@" +
        Str(obj.at("summary_fields").as_object().at("organization").as_object().at("name")));
  }
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Replaces every "{key}" in s.
std::string Fill(std::string s, const std::map<std::string, std::string>& vars) {
  for (auto& [k, v] : vars) {
    std::string pat = "{" + k + "}";
    for (size_t pos; (pos = s.find(pat)) != std::string::npos;) s.replace(pos, pat.size(), v);
  }
  return s;
}

// A next/previous link as a string ("<null>" for null).
std::string Link(const json::value& v) {
  return v.is_null() ? "<null>" : Str(v);
}

void ExpectDetail(const Resp& r, const std::string& detail) {
  ASSERT_TRUE(r.json.is_object()) << r.body;
  EXPECT_EQ(r.json, (json::value(json::object{{"detail", detail}}))) << r.body;
}

// ---------------------------------------------------------------------------------------------
// Worlds shared by several suites.

// Organizations with names/descriptions/max_hosts chosen to separate every lookup.
struct OrgWorld {
  Api api;
  std::map<std::string, std::string> ids;
  OrgWorld() {
    auto org = [&](const char* name, int max_hosts, const char* desc) {
      ids[name] = std::to_string(
          api.Post("/api/v2/organizations/",
                   json::object{{"name", name}, {"max_hosts", max_hosts}, {"description", desc}})
              .Expect(201)
              .id());
    };
    org("Alpha", 10, "first Letter");
    org("alphabet", 0, "");
    org("Beta", 20, "second");
    org("Gamma_1", 5, "100% third");
  }
};

// People, two organizations and teams:
//   Engineering members alice, Alicia; Sales members bob, Alicia.
//   teams dev@Engineering {alice}, ops@Engineering "blue" {bob}, dev@Sales "blue" {bob},
//   core@Default {}.
struct PeopleWorld {
  Api api;
  std::map<std::string, std::string> ids;
  int64_t eng = 0, sales = 0;
  PeopleWorld() {
    auto user = [&](const char* u, const char* first, const char* last, const char* email,
                    bool su) {
      ids[u] = std::to_string(api.Post("/api/v2/users/", json::object{{"username", u},
                                                                      {"password", Api::kPassword},
                                                                      {"first_name", first},
                                                                      {"last_name", last},
                                                                      {"email", email},
                                                                      {"is_superuser", su}})
                                  .Expect(201)
                                  .id());
    };
    user("alice", "Alice", "Smith", "alice@example.com", false);
    user("Alicia", "Ali", "Jones", "ali@corp.org", false);
    user("bob", "Bob", "Smithers", "bob@example.com", false);
    user("carol", "Carol", "Stone", "carol@corp.org", true);
    eng = api.Post("/api/v2/organizations/",
                   json::object{{"name", "Engineering"}, {"description", "builds things"}})
              .Expect(201)
              .id();
    sales = api.Post("/api/v2/organizations/",
                     json::object{{"name", "Sales"}, {"description", "sells things"}})
                .Expect(201)
                .id();
    ids["eng"] = std::to_string(eng);
    ids["sales"] = std::to_string(sales);
    auto team = [&](const char* key, const char* name, int64_t org, const char* desc) {
      ids[key] = std::to_string(
          api.Post("/api/v2/teams/",
                   json::object{{"name", name}, {"organization", org}, {"description", desc}})
              .Expect(201)
              .id());
    };
    team("dev_eng", "dev", eng, "");
    team("ops_eng", "ops", eng, "blue");
    team("dev_sales", "dev", sales, "blue");
    team("core", "core", api.DefaultOrg(), "");
    auto add = [&](const std::string& url, const std::string& user) {
      api.Post(url, json::object{{"id", std::stoll(ids.at(user))}}).Expect(204);
    };
    add("/api/v2/organizations/" + ids["eng"] + "/users/", "alice");
    add("/api/v2/organizations/" + ids["eng"] + "/users/", "Alicia");
    add("/api/v2/organizations/" + ids["sales"] + "/users/", "bob");
    add("/api/v2/organizations/" + ids["sales"] + "/users/", "Alicia");
    add("/api/v2/teams/" + ids["dev_eng"] + "/users/", "alice");
    add("/api/v2/teams/" + ids["ops_eng"] + "/users/", "bob");
    add("/api/v2/teams/" + ids["dev_sales"] + "/users/", "bob");
  }
};

// One row of a lookup table: a query string and the expected set of result labels (or an error).
struct LookupCase {
  const char* name;
  const char* query;
  std::vector<std::string> expect;
  int status = 200;
  const char* detail = nullptr;  // exact {"detail": ...} for errors
};

std::string CaseName(const ::testing::TestParamInfo<LookupCase>& info) {
  return info.param.name;
}
void PrintTo(const LookupCase& c, std::ostream* os) {
  *os << "?" << c.query;
}

const std::vector<std::string> kAllOrgs = {"Alpha", "Beta", "Default", "Gamma_1", "alphabet"};
const std::vector<std::string> kAllUsers = {"Alicia", "admin", "alice", "bob", "carol"};
const std::vector<std::string> kSupers = {"admin", "carol"};
const std::vector<std::string> kNonSupers = {"Alicia", "alice", "bob"};

}  // namespace
}  // namespace baton::testing
