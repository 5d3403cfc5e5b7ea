#include "api/router.hpp"

#include <charconv>

#include "api/registry.hpp"

namespace baton::api {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t n = path.find('/', pos);
    if (n == std::string_view::npos) n = path.size();
    if (n > pos) out.emplace_back(path.substr(pos, n - pos));
    pos = n + 1;
  }
  return out;
}

std::string Route::Allow() const {
  std::string out;
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    if (handlers.count(m)) out += std::string(out.empty() ? "" : ", ") + m;
  }
  if (handlers.count("GET")) out += ", HEAD";
  out += std::string(out.empty() ? "" : ", ") + "OPTIONS";
  return out;
}

Route& Router::Add(std::string pattern) {
  for (auto& r : routes_)
    if (r.pattern == pattern) return r;
  Route r;
  r.segs = SplitPath(pattern);
  r.pattern = std::move(pattern);
  routes_.push_back(std::move(r));
  indexed_ = false;
  return routes_.back();
}

const Route* Router::Match(const std::string& path, std::vector<std::string>& params) const {
  auto segs = SplitPath(path);
  const Route* best = nullptr;
  int best_literals = -1;
  std::vector<std::string> best_params;
  for (const auto& r : routes_) {
    if (r.segs.size() != segs.size()) continue;
    std::vector<std::string> ps;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segs.size(); ++i) {
      const std::string& p = r.segs[i];
      if (!p.empty() && p.front() == '{') {
        ps.push_back(segs[i]);
      } else if (p == segs[i]) {
        ++literals;
      } else {
        ok = false;
        break;
      }
    }
    if (ok && literals > best_literals) {
      best = &r;
      best_literals = literals;
      best_params = std::move(ps);
    }
  }
  if (best) params = std::move(best_params);
  return best;
}

namespace {

// Splits on a separator, honouring nothing else.
std::vector<std::string> SplitOn(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t n = s.find(sep, pos);
    if (n == std::string::npos) {
      out.push_back(s.substr(pos));
      break;
    }
    out.push_back(s.substr(pos, n - pos));
    pos = n + sep.size();
  }
  return out;
}

// Splits the fields of one object on "+", leaving an escaped "[+]" inside its field.
std::vector<std::string> SplitFields(const std::string& s) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "[+]") == 0) {
      out.back() += "[+]";
      i += 2;
    } else if (s[i] == '+') {
      out.emplace_back();
    } else {
      out.back() += s[i];
    }
  }
  return out;
}

std::string Unescape(std::string s) {
  for (size_t pos; (pos = s.find("[+]")) != std::string::npos;) s.replace(pos, 3, "+");
  return s;
}

}  // namespace

int64_t ResolveParam(Ctx& ctx, const ResourceDef& res, const std::string& raw) {
  if (!raw.empty() && raw.size() < 19 && raw.find_first_not_of("0123456789") == std::string::npos) {
    int64_t id = 0;
    std::from_chars(raw.data(), raw.data() + raw.size(), id);
    return id;
  }
  if (res.named_url_format.empty()) return 0;
  // Format: objects joined by "++", fields within an object by "+"; each field is "name" or
  // "fk.name" (e.g. "name++organization.name", "name+kind").
  auto fmt_objs = SplitOn(res.named_url_format, "++");
  auto val_objs = SplitOn(raw, "++");
  if (fmt_objs.size() != val_objs.size()) {
    // Legacy: job templates may be named by name alone.
    if (res.name != "job_templates" || val_objs.size() != 1) return 0;
    return ctx.db
        .QueryInt("SELECT id FROM " + res.table + " WHERE name = ? ORDER BY id LIMIT 1",
                  {Unescape(raw)})
        .value_or(0);
  }
  std::string where;
  store::Params p;
  for (size_t i = 0; i < fmt_objs.size(); ++i) {
    auto fields = SplitOn(fmt_objs[i], "+");
    auto vals = SplitFields(val_objs[i]);
    if (fields.size() != vals.size()) return 0;
    for (size_t j = 0; j < fields.size(); ++j) {
      std::string v = Unescape(vals[j]);
      size_t dot = fields[j].find('.');
      std::string cond;
      if (dot == std::string::npos) {
        const FieldDef* f = res.Field(fields[j]);
        if (!f) return 0;
        cond = "t." + f->column + " = ?";
        p.emplace_back(v);
      } else {
        // "fk.field", or a longer path of foreign keys ("inventory.organization.name"): nested
        // subqueries; an empty first field of an object stands for a null last foreign key.
        std::vector<std::string> path = SplitOn(fields[j], ".");
        const ResourceDef* cur = &res;
        std::string close;
        for (size_t k = 0; k + 1 < path.size(); ++k) {
          const FieldDef* fk = cur->Field(path[k]);
          if (!fk || fk->type != FieldType::kFk) return 0;
          const ResourceDef* target = Registry::Get().Find(fk->fk);
          if (!target) return 0;
          std::string col = (k == 0 ? "t." : "") + fk->column;
          if (k + 2 == path.size() && v.empty() && j == 0) {
            cond += col + " IS NULL";
            cur = nullptr;
            break;
          }
          cond += col + " IN (SELECT id FROM " + target->table + " WHERE ";
          close += ")";
          cur = target;
        }
        if (cur) {
          cond += path.back() + " = ?";
          p.emplace_back(v);
        }
        cond += close;
      }
      where += (where.empty() ? "" : " AND ") + cond;
    }
  }
  return ctx.db
      .QueryInt("SELECT t.id FROM " + res.table + " t WHERE " + where + " ORDER BY t.id LIMIT 1", p)
      .value_or(0);
}

}  // namespace baton::api
