// Field lookups, search, ordering: the query-string half of the list machinery.
#include "service/list_query.hpp"

#include <charconv>
#include <map>
#include <regex>
#include <set>

#include "rbac/roles.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {
namespace {

const std::set<std::string, std::less<>> kReserved = {
    "page",        "page_size",      "format",      "order", "order_by", "search",    "type",
    "host_filter", "count_disabled", "no_truncate", "limit", "validate", "role_level"};

const std::set<std::string, std::less<>> kLookups = {
    "exact",    "iexact",    "contains", "icontains", "startswith", "istartswith",
    "endswith", "iendswith", "regex",    "iregex",    "gt",         "gte",
    "lt",       "lte",       "in",       "isnull",    "search"};

// Fields that may never be filtered on (AWX "prevent search" and password fields).
const std::set<std::string, std::less<>> kForbidden = {"password",
                                                       "token",
                                                       "token_hash",
                                                       "client_id",
                                                       "client_secret",
                                                       "extra_vars",
                                                       "host_config_key",
                                                       "survey_spec",
                                                       "survey_passwords",
                                                       "webhook_key",
                                                       "notification_configuration",
                                                       "job_args",
                                                       "job_env",
                                                       "pod_spec_override"};

std::vector<std::string> SplitDunder(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t n = s.find("__", pos);
    if (n == std::string_view::npos) {
      out.emplace_back(s.substr(pos));
      break;
    }
    out.emplace_back(s.substr(pos, n - pos));
    pos = n + 2;
  }
  return out;
}

std::string LikeEscape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Error Bad(std::string msg) {
  return Error::Detail(ErrorCode::kInvalid, msg);
}

std::optional<bool> ParseBool(std::string_view v) {
  std::string l;
  for (char c : v) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "1" || l == "t") return true;
  if (l == "false" || l == "0" || l == "f") return false;
  return std::nullopt;
}

bool IsTextType(FieldType t) {
  return t == FieldType::kString || t == FieldType::kText || t == FieldType::kChoice ||
         t == FieldType::kJsonText || t == FieldType::kDateTime;
}

// Converts one filter value for field f. `is_null` is set for "null"/"none" on nullable ids.
Result<store::Value> Convert(const ResourceModel& def, const FieldDef& f, const std::string& v,
                             bool* is_null) {
  switch (f.type) {
    case FieldType::kBool: {
      auto b = ParseBool(v);
      if (!b) return Bad("Unable to convert \"" + v + "\" to boolean");
      return store::Value(int64_t{*b});
    }
    case FieldType::kId:
    case FieldType::kFk:
    case FieldType::kInt:
    case FieldType::kIntChoice: {
      std::string l;
      for (char c : v) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if ((l == "null" || l == "none") && (f.type == FieldType::kFk || f.nullable)) {
        *is_null = true;
        return store::Null();
      }
      int64_t n = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
        if (f.type == FieldType::kFk || f.type == FieldType::kId)
          return Bad("Invalid " + f.name + " id: " + v);
        return Bad("Field '" + f.name + "' expected a number but got '" + v + "'.");
      }
      return store::Value(n);
    }
    case FieldType::kFloat: {
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end)
        return Bad("Field '" + f.name + "' expected a number but got '" + v + "'.");
      return store::Value(d);
    }
    case FieldType::kDateTime: {
      auto t = ParseIso(v);
      if (!t)
        return Bad("\"" + v +
                   "\" value has an invalid format. It must be in YYYY-MM-DD "
                   "HH:MM[:ss[.uuuuuu]][TZ] format.");
      return store::Value(FormatIso(*t));
    }
    default:
      return store::Value(v);
  }
}

struct Compiler {
  Session& ctx;
  int alias_n = 0;

  std::string NextAlias() { return "t" + std::to_string(++alias_n); }

  // Predicate for "<path>__<lookup>=<value>" on resource def with alias a.
  Result<std::string> Condition(const ResourceModel& def, const std::string& a,
                                std::vector<std::string> parts, const std::string& value,
                                store::Params& p, std::set<std::string>& visited) {
    std::string lookup = "exact";
    if (parts.size() > 1 && kLookups.count(parts.back())) {
      lookup = parts.back();
      parts.pop_back();
    }
    const std::string& head = parts[0];
    if (head.empty()) return Bad(def.model + " has no field named ''");
    for (unsigned char c : head)
      if (c >= 0x80) return Bad("Field names must be ASCII: " + head);
    if (kForbidden.count(head))
      return Error::Detail(ErrorCode::kForbidden, "Filtering on " + head + " is not allowed.");
    if (head == "inputs" && def.type == "credential")
      return Error::Detail(ErrorCode::kForbidden, "Filtering on password fields is not allowed.");
    std::string key = def.name + "." + head;
    const FieldDef* f = def.Field(head == "pk" ? "id" : head);
    const RelationDef* rel = f ? nullptr : def.Relation(head);
    if (!f && !rel) return Bad(def.model + " has no field named '" + head + "'");
    if (f && f->column.empty()) return Bad(def.model + " has no field named '" + head + "'");

    bool is_last = parts.size() == 1;
    // Step into a related resource.
    if (!is_last || lookup == "search") {
      if (visited.count(key))
        return Bad("Loops not allowed in filters, detected on field " + head + ".");
      visited.insert(key);
      const ResourceModel* target = nullptr;
      if (f && f->type == FieldType::kFk)
        target = Models::Get().Find(f->fk);
      else if (rel)
        target = Models::Get().Find(rel->target);
      if (!target)
        return Bad(def.model + " has no field named '" + parts[1 < parts.size() ? 1 : 0] + "'");
      std::string b = NextAlias();
      std::string inner;
      if (lookup == "search" && is_last) {
        BATON_ASSIGN(inner, RelatedSearch(*target, b, value, p));
      } else {
        std::vector<std::string> rest(parts.begin() + 1, parts.end());
        if (lookup != "exact" || true) rest.push_back(lookup);
        BATON_ASSIGN(inner, Condition(*target, b, rest, value, p, visited));
      }
      std::string sub = "SELECT " + b + ".id FROM " + target->table + " " + b + " WHERE " + inner;
      if (f) return a + "." + f->column + " IN (" + sub + ")";
      return Subst(rel->sql, a, sub);
    }
    if (rel) {
      // Relation compared by id ("credentials=5", "credentials__in=1,2", "credentials=null").
      const ResourceModel* target = Models::Get().Find(rel->target);
      if (!target) return Bad(def.model + " has no field named '" + head + "'");
      std::string b = NextAlias();
      std::string any = Subst(rel->sql, a, "SELECT " + b + ".id FROM " + target->table + " " + b);
      std::string lower = Lower(value);
      if (lookup == "isnull") {
        auto bv = ParseBool(value);
        if (!bv) return Bad("Unable to convert \"" + value + "\" to boolean");
        return *bv ? "NOT (" + any + ")" : any;
      }
      if (lookup == "exact" && (lower == "null" || lower == "none")) return "NOT (" + any + ")";
      if (lookup == "exact" || lookup == "in" || lookup == "gt" || lookup == "gte" ||
          lookup == "lt" || lookup == "lte") {
        size_t pos = 0;
        while (pos <= value.size()) {
          size_t n = lookup == "in" ? value.find(',', pos) : std::string::npos;
          std::string item =
              value.substr(pos, n == std::string::npos ? std::string::npos : n - pos);
          if (!(item.empty() && lookup == "in") &&
              (item.empty() || item.find_first_not_of("0123456789-") != std::string::npos))
            return Bad("Invalid " + head + " id: " + item);
          if (n == std::string::npos) break;
          pos = n + 1;
        }
      }
      std::vector<std::string> rest{"id", lookup};
      BATON_ASSIGN(std::string inner, Condition(*target, b, rest, value, p, visited));
      std::string sub = "SELECT " + b + ".id FROM " + target->table + " " + b + " WHERE " + inner;
      return Subst(rel->sql, a, sub);
    }
    if (lookup == "iexact" && !IsTextType(f->type))
      return Bad(f->name +
                 " is not a text field and cannot be filtered by case-insensitive search");
    return Compare(def, *f, a + "." + f->column, lookup, value, p);
  }

  static std::string Subst(const std::string& tmpl, const std::string& a,
                           const std::string& inner) {
    std::string out = tmpl;
    for (size_t pos; (pos = out.find("{t}")) != std::string::npos;) out.replace(pos, 3, a);
    for (size_t pos; (pos = out.find("{inner}")) != std::string::npos;) out.replace(pos, 7, inner);
    return out;
  }

  Result<std::string> RelatedSearch(const ResourceModel& target, const std::string& b,
                                    const std::string& value, store::Params& p) {
    static const char* cols[] = {"username", "first_name",  "last_name", "email",
                                 "name",     "description", "playbook"};
    std::vector<std::string> terms;
    size_t pos = 0;
    while (pos <= value.size()) {
      size_t n = value.find(',', pos);
      std::string t = value.substr(pos, n == std::string::npos ? std::string::npos : n - pos);
      if (!t.empty()) terms.push_back(t);
      if (n == std::string::npos) break;
      pos = n + 1;
    }
    if (terms.empty()) return std::string("1=1");
    std::string out;
    for (auto& t : terms) {
      std::string any;
      for (auto* c : cols) {
        const FieldDef* f = target.Field(c);
        if (!f || f->column.empty()) continue;
        if (!any.empty()) any += " OR ";
        any += "LOWER(" + b + "." + f->column + ") LIKE ? ESCAPE '\\'";
        p.emplace_back("%" + LikeEscape(Lower(t)) + "%");
      }
      if (any.empty()) any = "1=0";
      if (!out.empty()) out += " AND ";
      out += "(" + any + ")";
    }
    return out;
  }

  static std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  Result<std::string> Compare(const ResourceModel& def, const FieldDef& f, const std::string& col,
                              const std::string& lookup, const std::string& value,
                              store::Params& p) {
    if (lookup == "isnull") {
      auto b = ParseBool(value);
      if (!b) return Bad("Unable to convert \"" + value + "\" to boolean");
      return col + (*b ? " IS NULL" : " IS NOT NULL");
    }
    if (lookup == "in") {
      std::string list;
      size_t pos = 0;
      int n = 0;
      while (pos <= value.size()) {
        size_t c = value.find(',', pos);
        std::string item = value.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
        if (!item.empty()) {
          bool is_null = false;
          BATON_ASSIGN(store::Value v, Convert(def, f, item, &is_null));
          if (!list.empty()) list += ", ";
          list += "?";
          p.push_back(std::move(v));
          ++n;
        }
        if (c == std::string::npos) break;
        pos = c + 1;
      }
      if (n == 0) return Bad("Invalid value for " + f.name + "__in: the list is empty.");
      return col + " IN (" + list + ")";
    }
    if (lookup == "regex" || lookup == "iregex") {
      try {
        std::regex re(value, lookup == "iregex" ? std::regex::icase : std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return Bad("Invalid regex: " + value);
      }
      p.emplace_back(value);
      return std::string("baton_regexp(") + (lookup == "iregex" ? "1" : "0") + ", ?, " + col + ")";
    }
    bool text_like = lookup == "contains" || lookup == "icontains" || lookup == "startswith" ||
                     lookup == "istartswith" || lookup == "endswith" || lookup == "iendswith" ||
                     lookup == "iexact";
    if (text_like) {
      bool ci = lookup[0] == 'i';
      std::string base = ci ? lookup.substr(1) : lookup;
      std::string pat;
      if (base == "exact")
        pat = LikeEscape(value);
      else if (base == "contains")
        pat = "%" + LikeEscape(value) + "%";
      else if (base == "startswith")
        pat = LikeEscape(value) + "%";
      else
        pat = "%" + LikeEscape(value);
      if (ci) {
        p.emplace_back(Lower(pat));
        return "LOWER(CAST(" + col + " AS TEXT)) LIKE ? ESCAPE '\\'";
      }
      p.emplace_back(pat);
      return "CAST(" + col + " AS TEXT) LIKE ? ESCAPE '\\'";
    }
    bool is_null = false;
    BATON_ASSIGN(store::Value v, Convert(def, f, value, &is_null));
    if (is_null) {
      if (lookup == "exact") return col + " IS NULL";
      return Bad("Invalid " + f.name + " id: " + value);
    }
    std::string op = "=";
    if (lookup == "gt")
      op = ">";
    else if (lookup == "gte")
      op = ">=";
    else if (lookup == "lt")
      op = "<";
    else if (lookup == "lte")
      op = "<=";
    p.push_back(std::move(v));
    return col + " " + op + " ?";
  }

  // ORDER BY expression for a field path ("organization__name").
  Result<std::string> OrderExpr(const ResourceModel& def, const std::string& a,
                                const std::vector<std::string>& parts, size_t i) {
    if (kForbidden.count(parts[i]))
      return Error::Detail(ErrorCode::kForbidden, "Filtering on " + parts[i] + " is not allowed.");
    const FieldDef* f = def.Field(parts[i] == "pk" ? "id" : parts[i]);
    if (!f || f->column.empty()) return Bad(def.model + " has no field named '" + parts[i] + "'");
    if (i + 1 == parts.size()) return a + "." + f->column;
    if (f->type != FieldType::kFk)
      return Bad(def.model + " has no field named '" + parts[i + 1] + "'");
    const ResourceModel* target = Models::Get().Find(f->fk);
    if (!target) return Bad(def.model + " has no field named '" + parts[i] + "'");
    std::string b = NextAlias();
    BATON_ASSIGN(std::string inner, OrderExpr(*target, b, parts, i + 1));
    return "(SELECT " + inner + " FROM " + target->table + " " + b + " WHERE " + b + ".id = " + a +
           "." + f->column + ")";
  }
};

}  // namespace

Result<FilterSql> CompileListQuery(Session& ctx, const ResourceModel& def,
                                   const QueryParams& query) {
  Compiler c{ctx};
  FilterSql out;
  std::vector<std::string> ands;
  std::vector<std::string> ors;
  store::Params and_params, or_params;
  struct Cond {
    bool is_or = false, negate = false, chain = false;
    std::vector<std::string> parts;
    const std::string* value;
  };
  std::vector<Cond> conds;
  for (const auto& [rawkey, value] : query) {
    if (kReserved.count(rawkey)) continue;
    Cond cd;
    cd.value = &value;
    std::string key = rawkey;
    for (bool again = true; again;) {
      again = false;
      if (key.rfind("or__", 0) == 0) {
        cd.is_or = true;
        key = key.substr(4);
        again = true;
      } else if (key.rfind("not__", 0) == 0) {
        cd.negate = !cd.negate;
        key = key.substr(5);
        again = true;
      } else if (key.rfind("chain__", 0) == 0) {
        cd.chain = true;
        key = key.substr(7);
        again = true;
      }
    }
    cd.parts = SplitDunder(key);
    conds.push_back(std::move(cd));
  }
  auto add_cond = [&](bool is_or, std::string cond, const store::Params& p) {
    if (is_or) {
      ors.push_back(std::move(cond));
      or_params.insert(or_params.end(), p.begin(), p.end());
    } else {
      ands.push_back(std::move(cond));
      and_params.insert(and_params.end(), p.begin(), p.end());
    }
  };
  // Plain conditions through the same to-many relation must hold for the same related row (as
  // one Django filter() call); chain__ conditions may each match a different row.
  std::map<std::string, std::vector<size_t>> same_row;
  for (size_t i = 0; i < conds.size(); ++i) {
    const Cond& cd = conds[i];
    if (cd.is_or || cd.negate || cd.chain || cd.parts.size() < 2) continue;
    const RelationDef* rel = def.Relation(cd.parts[0]);
    if (!rel || cd.parts.back() == "search" || cd.parts.back() == "isnull") continue;
    same_row[cd.parts[0]].push_back(i);
  }
  std::set<size_t> grouped;
  for (auto& [relname, idxs] : same_row) {
    if (idxs.size() < 2) continue;
    const RelationDef* rel = def.Relation(relname);
    const ResourceModel* target = Models::Get().Find(rel->target);
    if (!target) continue;
    std::string b = c.NextAlias();
    std::string inner;
    store::Params p;
    for (size_t i : idxs) {
      std::set<std::string> visited{def.name + "." + relname};
      std::vector<std::string> rest(conds[i].parts.begin() + 1, conds[i].parts.end());
      BATON_ASSIGN(std::string one, c.Condition(*target, b, rest, *conds[i].value, p, visited));
      inner += (inner.empty() ? "" : " AND ") + ("(" + one + ")");
      grouped.insert(i);
    }
    add_cond(
        false,
        Compiler::Subst(rel->sql, "t",
                        "SELECT " + b + ".id FROM " + target->table + " " + b + " WHERE " + inner),
        p);
  }
  for (size_t i = 0; i < conds.size(); ++i) {
    if (grouped.count(i)) continue;
    const Cond& cd = conds[i];
    std::set<std::string> visited;
    store::Params p;
    BATON_ASSIGN(std::string cond, c.Condition(def, "t", cd.parts, *cd.value, p, visited));
    if (cd.negate) cond = "NOT (" + cond + ")";
    add_cond(cd.is_or, std::move(cond), p);
  }
  // type=a,b (contract §7.4): a polymorphic list keeps the rows of those kinds; on a list of one
  // type, a different type yields nothing.
  for (const auto& [k, v] : query) {
    if (k != "type") continue;
    bool match = false;
    std::string in;
    store::Params tp;
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t n = v.find(',', pos);
      std::string t = v.substr(pos, n == std::string::npos ? std::string::npos : n - pos);
      if (t == def.type) match = true;
      if (!t.empty()) {
        in += in.empty() ? "?" : ", ?";
        tp.emplace_back(t);
      }
      if (n == std::string::npos) break;
      pos = n + 1;
    }
    if (!def.type_column.empty()) {
      ands.push_back(in.empty() ? "1=0" : "t." + def.type_column + " IN (" + in + ")");
      and_params.insert(and_params.end(), tp.begin(), tp.end());
    } else if (!match) {
      ands.push_back("1=0");
    }
  }
  // role_level=<role_field>
  for (const auto& [k, v] : query) {
    if (k != "role_level") continue;
    if (def.content_type.empty()) return Bad(def.model + " does not have roles");
    if (!ctx.caller.superuser) {
      store::Params p;
      ands.push_back("t.id IN (" + rbac::AccessibleIdsSql(def.content_type, v, ctx.caller.id, p) +
                     ")");
      and_params.insert(and_params.end(), p.begin(), p.end());
    }
  }
  // search=
  for (const auto& [k, v] : query) {
    if (k != "search") continue;
    std::string terms = v;
    for (auto& ch : terms)
      if (ch == ',') ch = ' ';
    size_t pos = 0;
    while (pos < terms.size()) {
      while (pos < terms.size() && std::isspace(static_cast<unsigned char>(terms[pos]))) ++pos;
      size_t e = pos;
      while (e < terms.size() && !std::isspace(static_cast<unsigned char>(terms[e]))) ++e;
      if (e > pos) {
        std::string term = Compiler::Lower(terms.substr(pos, e - pos));
        std::string any;
        for (const auto& sf : def.search_fields) {
          const FieldDef* f = def.Field(sf);
          if (!f || f->column.empty()) continue;
          if (!any.empty()) any += " OR ";
          any += "LOWER(t." + f->column + ") LIKE ? ESCAPE '\\'";
          and_params.emplace_back("%" + LikeEscape(term) + "%");
        }
        ands.push_back(any.empty() ? "1=0" : "(" + any + ")");
      }
      pos = e;
    }
  }
  std::string where;
  for (auto& a : ands) where += (where.empty() ? "" : " AND ") + ("(" + a + ")");
  out.params = and_params;
  if (!ors.empty()) {
    std::string g;
    for (auto& o : ors) g += (g.empty() ? "" : " OR ") + ("(" + o + ")");
    where += (where.empty() ? "" : " AND ") + ("(" + g + ")");
    out.params.insert(out.params.end(), or_params.begin(), or_params.end());
  }
  out.where = where;

  // Ordering.
  std::string order_spec;
  for (const auto& [k, v] : query)
    if (k == "order_by" || k == "order") order_spec = v;
  std::vector<std::string> order;
  auto add_order = [&](std::string spec) -> Status {
    bool desc = false;
    while (!spec.empty() && (spec[0] == '-' || spec[0] == '+')) {
      desc = spec[0] == '-';
      spec = spec.substr(1);
    }
    if (spec.empty()) return OkStatus();
    if (spec == "type") {
      if (!def.type_column.empty())
        order.push_back("t." + def.type_column + (desc ? " DESC" : " ASC"));
      return OkStatus();
    }
    auto parts = SplitDunder(spec);
    BATON_ASSIGN(std::string expr, c.OrderExpr(def, "t", parts, 0));
    order.push_back(expr + (desc ? " DESC" : " ASC"));
    return OkStatus();
  };
  size_t pos = 0;
  while (!order_spec.empty() && pos <= order_spec.size()) {
    size_t n = order_spec.find(',', pos);
    BATON_TRY(
        add_order(order_spec.substr(pos, n == std::string::npos ? std::string::npos : n - pos)));
    if (n == std::string::npos) break;
    pos = n + 1;
  }
  for (const auto& d : def.default_order) BATON_TRY(add_order(d));
  order.push_back("t.id ASC");
  for (auto& o : order) out.order += (out.order.empty() ? "" : ", ") + o;
  return out;
}

}  // namespace baton::service
