// The body of launch/ for job templates: how its fields are read (AWX JobLaunchSerializer, with
// DRF's messages) and how OPTIONS describes them.
#include "service/job_launch_fields.hpp"

#include <charconv>

#include "core/vars.hpp"
#include "service/attachments.hpp"
#include "service/credentials.hpp"
#include "service/crud.hpp"

namespace baton::service {
namespace {

// DRF PrimaryKeyRelatedField: an existing row of `table`, or the field's message.
std::optional<int64_t> ParsePk(Session& ctx, const std::string& field, const json::value& v,
                               const char* table, FieldErrors& errs) {
  if (v.is_bool() || !(v.is_int64() || v.is_uint64() || (v.is_string() && IntFrom(v)))) {
    errs.Add(field, "Incorrect type. Expected pk value, received " + PyTypeName(v) + ".");
    return std::nullopt;
  }
  int64_t id = *IntFrom(v);
  bool exists =
      table && ctx.db.QueryInt(std::string("SELECT 1 FROM ") + table + " WHERE id = ?", {id});
  if (!exists) {
    errs.Add(field, "Invalid pk \"" + std::to_string(id) + "\" - object does not exist.");
    return std::nullopt;
  }
  return id;
}

std::optional<std::vector<int64_t>> ParsePkList(Session& ctx, const std::string& field,
                                                const json::value& v, const char* table,
                                                FieldErrors& errs) {
  if (!v.is_array()) {
    errs.Add(field, "Expected a list of items but got type \"" + PyTypeName(v) + "\".");
    return std::nullopt;
  }
  std::vector<int64_t> out;
  for (const auto& item : v.as_array()) {
    auto id = ParsePk(ctx, field, item, table, errs);
    if (!id) return std::nullopt;
    out.push_back(*id);
  }
  return out;
}

std::optional<std::string> ParseText(const std::string& field, const json::value& v,
                                     FieldErrors& errs) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64() || v.is_uint64() || v.is_double()) return Dump(v);
  errs.Add(field, "Not a valid string.");
  return std::nullopt;
}

std::optional<int64_t> ParseInt(const std::string& field, const json::value& v,
                                std::optional<int64_t> min, FieldErrors& errs) {
  auto i = v.is_bool() ? std::nullopt : IntFrom(v);
  if (!i) {
    errs.Add(field, "A valid integer is required.");
    return std::nullopt;
  }
  if (min && *i < *min) {
    errs.Add(field, "Ensure this value is greater than or equal to " + std::to_string(*min) + ".");
    return std::nullopt;
  }
  return i;
}

}  // namespace

// The launch body as JobLaunchSerializer's fields read it; field errors in DRF's words.
domain::LaunchPrompts ParseLaunchBody(Session& ctx, json::object body, FieldErrors& errs) {
  domain::LaunchPrompts g;
  if (!body.contains("inventory") && body.contains("inventory_id"))
    body["inventory"] = body.at("inventory_id");
  for (auto& kv : body) {
    std::string k = kv.key();
    const json::value& v = kv.value();
    static const std::set<std::string, std::less<>> kKnown = {"extra_vars",
                                                              "inventory",
                                                              "limit",
                                                              "scm_branch",
                                                              "job_tags",
                                                              "skip_tags",
                                                              "job_type",
                                                              "verbosity",
                                                              "forks",
                                                              "job_slice_count",
                                                              "timeout",
                                                              "diff_mode",
                                                              "execution_environment",
                                                              "credentials",
                                                              "labels",
                                                              "instance_groups"};
    if (!kKnown.count(k)) continue;
    if (v.is_null()) {
      errs.Add(k, "This field may not be null.");
      continue;
    }
    if (k == "extra_vars") {
      if (v.is_object()) {
        g.extra_vars = v.as_object();
      } else {
        auto parsed = ParseVarsMapping(v.is_string() ? std::string(v.get_string()) : Dump(v));
        if (parsed.ok()) {
          g.extra_vars = parsed.value();
        } else {
          for (auto& e : parsed.error().body.as_object())
            for (auto& m : e.value().as_array()) errs.Add(k, m.as_string());
        }
      }
    } else if (k == "inventory") {
      g.inventory = ParsePk(ctx, k, v, "inventories", errs);
    } else if (k == "execution_environment") {
      g.execution_environment = ParsePk(ctx, k, v, nullptr, errs);
    } else if (k == "credentials") {
      if (auto ids = ParsePkList(ctx, k, v, "credentials", errs))
        g.credentials = LoadLaunchCredentials(ctx, *ids);
    } else if (k == "labels") {
      g.labels = ParsePkList(ctx, k, v, "labels", errs);
    } else if (k == "instance_groups") {
      g.instance_groups = ParsePkList(ctx, k, v, nullptr, errs);
    } else if (k == "limit") {
      g.limit = ParseText(k, v, errs);
    } else if (k == "scm_branch") {
      g.scm_branch = ParseText(k, v, errs);
    } else if (k == "job_tags") {
      g.job_tags = ParseText(k, v, errs);
    } else if (k == "skip_tags") {
      g.skip_tags = ParseText(k, v, errs);
    } else if (k == "job_type") {
      std::string s = v.is_string() ? std::string(v.get_string()) : Dump(v);
      if (s == "run" || s == "check")
        g.job_type = s;
      else
        errs.Add(k, "\"" + s + "\" is not a valid choice.");
    } else if (k == "verbosity") {
      auto i = v.is_bool() ? std::nullopt : IntFrom(v);
      if (i && *i >= 0 && *i <= 5)
        g.verbosity = i;
      else
        errs.Add(k, "\"" + (v.is_string() ? std::string(v.get_string()) : Dump(v)) +
                        "\" is not a valid choice.");
    } else if (k == "forks" || k == "job_slice_count") {
      (k == "forks" ? g.forks : g.job_slice_count) = ParseInt(k, v, 0, errs);
    } else if (k == "timeout") {
      g.timeout = ParseInt(k, v, std::nullopt, errs);
    } else if (k == "diff_mode") {
      if (v.is_bool())
        g.diff_mode = v.get_bool();
      else if (IntFrom(v) == 0 || IntFrom(v) == 1)
        g.diff_mode = IntFrom(v) == 1;
      else if (v.is_string() && (v.get_string() == "true" || v.get_string() == "True"))
        g.diff_mode = true;
      else if (v.is_string() && (v.get_string() == "false" || v.get_string() == "False"))
        g.diff_mode = false;
      else
        errs.Add(k, "Must be a valid boolean.");
    }
  }
  return g;
}

// The fields a launch accepts, as AWX's JobLaunchSerializer describes them in OPTIONS (the awx
// CLI turns them into `launch` options such as -e/--extra_vars and --limit).
std::vector<FieldDef> LaunchPostFields() {
  auto optional = [](FieldDef f) {
    f.required = false;
    f.has_default = false;
    return f;
  };
  FieldDef job_type = F("job_type", FieldType::kChoice);
  job_type.choices = {{"run", "Run"}, {"check", "Check"}};
  FieldDef verbosity = F("verbosity", FieldType::kIntChoice);
  verbosity.choices = {{"0", "0 (Normal)"},           {"1", "1 (Verbose)"},
                       {"2", "2 (More Verbose)"},     {"3", "3 (Debug)"},
                       {"4", "4 (Connection Debug)"}, {"5", "5 (WinRM Debug)"}};
  std::vector<FieldDef> out = {F("extra_vars", FieldType::kJson),
                               Fk("inventory", "inventories"),
                               Text("scm_branch"),
                               Text("limit"),
                               Text("job_tags"),
                               Text("skip_tags"),
                               job_type,
                               verbosity,
                               F("diff_mode", FieldType::kBool),
                               F("credentials", FieldType::kComputed),
                               F("credential_passwords", FieldType::kComputed),
                               Fk("execution_environment", "execution_environments"),
                               F("labels", FieldType::kComputed),
                               F("forks", FieldType::kInt),
                               F("job_slice_count", FieldType::kInt),
                               F("timeout", FieldType::kInt),
                               F("instance_groups", FieldType::kComputed)};
  for (auto& f : out) f = optional(f);
  return out;
}

}  // namespace baton::service
