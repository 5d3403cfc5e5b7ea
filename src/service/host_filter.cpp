// AWX's smart-filter language (host_filter of smart inventories, hosts/?host_filter=):
// `key=value` terms joined by `and` (binds tighter) and `or`, with parentheses and double
// quotes, as awx/main/utils/filters.py parses it. A term is a host field lookup compiled by the
// list machinery (`name__icontains=web`, `groups__name=db`, `inventory__organization=1`),
// `search=x` (any search field contains x), or an `ansible_facts__a__b=v` containment test.
#include <cmath>

#include "service/inventory.hpp"
#include "service/list_query.hpp"

namespace baton::service {
namespace {

struct Term {
  std::string key;
  std::string value;
  bool quoted = false;  // the value was written in double quotes (no type conversion)
};

class Parser {
 public:
  Parser(Session& ctx, std::string_view s, store::Params& p) : ctx_(ctx), s_(s), p_(p) {}

  Result<std::string> Parse() {
    BATON_ASSIGN(std::string sql, Or());
    SkipSpace();
    if (pos_ != s_.size()) return Invalid();
    return sql;
  }

 private:
  Error Invalid() const {
    return Error::Detail(ErrorCode::kInvalid, "Invalid query " + std::string(s_));
  }

  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Keyword(std::string_view kw) {
    SkipSpace();
    if (s_.substr(pos_, kw.size()) != kw) return false;
    pos_ += kw.size();
    return true;
  }

  // Bounds that keep a filter within what the parser's stack and SQLite's expression depth
  // take (a filter beyond them is refused with 400, never a crash or a database error).
  static constexpr int kMaxTerms = 200;
  static constexpr int kMaxNesting = 32;

  // Terms joined flat ("(a) OR (b) OR (c)"), so a long chain does not nest in SQL.
  Result<std::string> Or() {
    BATON_ASSIGN(std::string first, And());
    std::string out = "(" + first + ")";
    while (Keyword("or")) {
      BATON_ASSIGN(std::string next, And());
      out += " OR (" + next + ")";
    }
    return out;
  }

  Result<std::string> And() {
    BATON_ASSIGN(std::string first, Operand());
    std::string out = "(" + first + ")";
    while (Keyword("and")) {
      BATON_ASSIGN(std::string next, Operand());
      out += " AND (" + next + ")";
    }
    return out;
  }

  Result<std::string> Operand() {
    SkipSpace();
    if (++terms_ > kMaxTerms)
      return Error::Detail(ErrorCode::kInvalid, "Invalid query " + std::string(s_) +
                                                    ": more than " + std::to_string(kMaxTerms) +
                                                    " terms.");
    if (pos_ < s_.size() && s_[pos_] == '(') {
      if (++nesting_ > kMaxNesting)
        return Error::Detail(ErrorCode::kInvalid, "Invalid query " + std::string(s_) +
                                                      ": parentheses nested " + "deeper than " +
                                                      std::to_string(kMaxNesting) + ".");
      ++pos_;
      BATON_ASSIGN(std::string inner, Or());
      --nesting_;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Invalid();
      ++pos_;
      return inner;
    }
    Term t;
    bool key_quoted = false;
    if (!Atom(t.key, key_quoted) || t.key.empty()) return Invalid();
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '=') return Invalid();
    ++pos_;
    SkipSpace();
    size_t before = pos_;
    if (!Atom(t.value, t.quoted)) pos_ = before;  // the value is optional
    return Compile(t);
  }

  // A run of characters other than space, ( ) = ", or a double-quoted string.
  bool Atom(std::string& out, bool& quoted) {
    out.clear();
    quoted = false;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      size_t end = s_.find('"', pos_ + 1);
      if (end == std::string_view::npos) return false;
      out = std::string(s_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      quoted = true;
      return true;
    }
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '=' ||
          c == '"')
        break;
      ++pos_;
    }
    out = std::string(s_.substr(start, pos_ - start));
    return pos_ > start;
  }

  Result<std::string> Compile(const Term& t) {
    const ResourceModel& hosts = Models::Get().Must("hosts");
    if (t.key.rfind("ansible_facts", 0) == 0) return Facts(t);
    if (t.key == "search") {
      std::string any;
      for (const auto& sf : hosts.search_fields) {
        any += (any.empty() ? "" : " OR ") + ("LOWER(t." + sf + ") LIKE ? ESCAPE '\\'");
        std::string pat;
        for (char c : t.value) {
          if (c == '%' || c == '_' || c == '\\') pat += '\\';
          pat += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        p_.emplace_back("%" + pat + "%");
      }
      return any.empty() ? std::string("1=0") : any;
    }
    std::string key = t.key;
    std::string value = t.value;
    // string_to_type: an unquoted null compares with NULL.
    if (!t.quoted && value == "null" && key.find("__") == std::string::npos && hosts.Field(key) &&
        hosts.Field(key)->nullable) {
      key += "__isnull";
      value = "true";
    }
    for (const char* reserved :
         {"page", "page_size", "format", "order", "order_by", "type", "host_filter",
          "count_disabled", "no_truncate", "limit", "validate", "role_level"})
      if (key == reserved)
        return Error::Detail(ErrorCode::kInvalid, "Host has no field named '" + key + "'");
    BATON_ASSIGN(FilterSql fs, CompileListQuery(ctx_, hosts, QueryParams{{key, value}}));
    p_.insert(p_.end(), fs.params.begin(), fs.params.end());
    return fs.where.empty() ? std::string("1=1") : fs.where;
  }

  // ansible_facts__a__b=v and ansible_facts__list[]__c=v: JSON containment (PostgreSQL's @>), as
  // AWX turns them into ansible_facts__contains={"a": {"b": v}}. Evaluated here over the hosts
  // that have facts, so the SQL stays portable.
  Result<std::string> Facts(const Term& t) {
    std::string k = t.key.substr(std::string_view("ansible_facts").size());
    if (k.rfind("__", 0) == 0) k = k.substr(2);
    if (k.size() >= 7 && k.compare(k.size() - 7, 7, "__exact") == 0) k.resize(k.size() - 7);
    std::vector<std::string> pieces;
    for (size_t pos = 0;;) {
      size_t n = k.find("__", pos);
      pieces.push_back(k.substr(pos, n == std::string::npos ? std::string::npos : n - pos));
      if (n == std::string::npos) break;
      pos = n + 2;
    }
    static const char* kLookups[] = {"iexact",      "contains", "icontains",    "startswith",
                                     "istartswith", "endswith", "iendswith",    "regex",
                                     "iregex",      "gt",       "gte",          "lt",
                                     "lte",         "in",       "isnull",       "contained_by",
                                     "has_key",     "has_keys", "has_any_keys", "range"};
    if (pieces.size() > 1)
      for (const char* l : kLookups)
        if (pieces.back() == l)
          return Error::Detail(ErrorCode::kInvalid,
                               std::string("ansible_facts does not support searching with __") + l);
    json::value v = Typed(t);
    for (size_t i = pieces.size(); i-- > 0;) {
      std::string piece = pieces[i];
      if (piece.size() >= 2 && piece.compare(piece.size() - 2, 2, "[]") == 0) {
        piece.resize(piece.size() - 2);
        v = json::object{{piece, json::array{v}}};
      } else {
        v = json::object{{piece, v}};
      }
    }
    std::string ids;
    auto rows = ctx_.db.Query("SELECT id, ansible_facts FROM hosts WHERE ansible_facts != '{}'");
    for (auto& r : rows.rows) {
      auto facts = ParseJson(store::AsString(r[1]));
      if (facts && Contains(*facts, v)) ids += (ids.empty() ? "" : ", ") + store::AsString(r[0]);
    }
    return ids.empty() ? std::string("1=0") : "t.id IN (" + ids + ")";
  }

  // AWX's string_to_type for unquoted values; quoted ones stay strings.
  static json::value Typed(const Term& t) {
    const std::string& s = t.value;
    if (t.quoted) return json::string(s);
    if (s == "null") return nullptr;
    if (s == "true") return true;
    if (s == "false") return false;
    auto digits = [](std::string_view d) {
      return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
    };
    std::string_view body = s;
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
    try {
      if (digits(body)) return json::value(std::stoll(s));
      size_t dot = body.find('.');
      if (dot != std::string_view::npos && digits(body.substr(0, dot)) &&
          digits(body.substr(dot + 1)))
        return json::value(std::stod(s));
    } catch (const std::exception&) {
      // out of range: compare as text
    }
    return json::string(s);
  }

  static bool Contains(const json::value& have, const json::value& want) {
    if (want.is_object()) {
      if (!have.is_object()) return false;
      for (const auto& kv : want.as_object()) {
        auto* h = have.as_object().if_contains(kv.key());
        if (!h || !Contains(*h, kv.value())) return false;
      }
      return true;
    }
    if (want.is_array()) {
      if (!have.is_array()) return false;
      for (const auto& w : want.as_array()) {
        bool found = false;
        for (const auto& h : have.as_array())
          if (Contains(h, w)) found = true;
        if (!found) return false;
      }
      return true;
    }
    if (want.is_number() && have.is_number())
      return want.to_number<double>() == have.to_number<double>();
    return have == want;
  }

  Session& ctx_;
  std::string_view s_;
  store::Params& p_;
  size_t pos_ = 0;
  int terms_ = 0;
  int nesting_ = 0;
};

}  // namespace

Result<std::string> CompileHostFilter(Session& ctx, std::string_view filter, store::Params& p) {
  store::Params local;
  Parser parser(ctx, filter, local);
  BATON_ASSIGN(std::string sql, parser.Parse());
  p.insert(p.end(), local.begin(), local.end());
  return sql;
}

std::string HostFilterErrorMessage(const Error& e) {
  if (e.body.is_object()) {
    for (const auto& kv : e.body.as_object()) {
      if (kv.value().is_string()) return std::string(kv.value().as_string());
      if (kv.value().is_array() && !kv.value().as_array().empty() &&
          kv.value().as_array()[0].is_string())
        return std::string(kv.value().as_array()[0].as_string());
    }
  }
  return "Invalid host_filter.";
}

}  // namespace baton::service
