#include "domain/launch_config.hpp"

namespace baton::domain {
namespace {

ScalarPrompt Text(std::string_view n, std::optional<std::string> LaunchPrompts::*m) {
  return ScalarPrompt{n, m, nullptr, nullptr};
}
ScalarPrompt Number(std::string_view n, std::optional<int64_t> LaunchPrompts::*m) {
  return ScalarPrompt{n, nullptr, m, nullptr};
}
ScalarPrompt Flag(std::string_view n, std::optional<bool> LaunchPrompts::*m) {
  return ScalarPrompt{n, nullptr, nullptr, m};
}

std::optional<std::vector<int64_t>> Ids(const json::object& c, std::string_view k) {
  auto* v = c.if_contains(k);
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<int64_t> out;
  for (auto& e : v->as_array())
    if (e.is_int64()) out.push_back(e.get_int64());
  return out;
}

}  // namespace

const std::vector<ScalarPrompt>& ScalarPrompts() {
  using P = LaunchPrompts;
  static const std::vector<ScalarPrompt> k = {
      Number("inventory", &P::inventory),
      Text("limit", &P::limit),
      Text("scm_branch", &P::scm_branch),
      Text("job_tags", &P::job_tags),
      Text("skip_tags", &P::skip_tags),
      Text("job_type", &P::job_type),
      Number("verbosity", &P::verbosity),
      Flag("diff_mode", &P::diff_mode),
      Number("forks", &P::forks),
      Number("job_slice_count", &P::job_slice_count),
      Number("timeout", &P::timeout),
      Number("execution_environment", &P::execution_environment),
  };
  return k;
}

void WriteScalarPrompts(const LaunchPrompts& p, json::object& config) {
  for (const ScalarPrompt& f : ScalarPrompts()) {
    if (f.text && p.*f.text) config[f.name] = *(p.*f.text);
    if (f.number && p.*f.number) config[f.name] = *(p.*f.number);
    if (f.flag && p.*f.flag) config[f.name] = *(p.*f.flag);
  }
}

StoredPrompts ReadLaunchConfig(const json::object& c) {
  StoredPrompts s;
  LaunchPrompts& p = s.prompts;
  if (auto* v = c.if_contains("extra_vars"); v && v->is_object()) p.extra_vars = v->as_object();
  for (const ScalarPrompt& f : ScalarPrompts()) {
    const json::value* v = c.if_contains(f.name);
    if (!v) continue;
    if (f.text && v->is_string()) p.*f.text = std::string(v->get_string());
    if (f.number && v->is_int64()) p.*f.number = v->get_int64();
    if (f.flag && v->is_bool()) p.*f.flag = v->get_bool();
  }
  s.credential_ids = Ids(c, "credentials");
  p.labels = Ids(c, "labels");
  p.instance_groups = Ids(c, "instance_groups");
  return s;
}

}  // namespace baton::domain
