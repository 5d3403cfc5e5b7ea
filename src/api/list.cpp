// Pagination and the generic list answer.
#include "api/list.hpp"

#include <charconv>

#include "api/model.hpp"

namespace baton::api {

std::string PageLink(const ApiRequest& req, int64_t page, bool rewrite_page_size) {
  std::string q;
  bool replaced = false;
  std::string_view raw = req.raw_query;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t amp = raw.find('&', pos);
    std::string_view part =
        raw.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    std::string_view name = part.substr(0, part.find('='));
    std::string item(part);
    if (name == "page") {
      item = "page=" + std::to_string(page);
      replaced = true;
    } else if (name == "page_size" && rewrite_page_size) {
      item = "page_size=200";
    }
    if (!part.empty()) q += (q.empty() ? "" : "&") + item;
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  if (!replaced) q += (q.empty() ? "" : "&") + ("page=" + std::to_string(page));
  return req.path + "?" + q;
}

Result<Reply> ListObjects(Ctx& ctx, ApiRequest& req, const ResourceDef& def,
                          const std::string& scope, const store::Params& scope_params,
                          bool apply_read_filter) {
  BATON_ASSIGN(FilterSql fs, CompileListQuery(ctx, def, req.query));
  std::string where;
  store::Params params;
  auto add = [&](const std::string& w, const store::Params& p) {
    if (w.empty()) return;
    where += (where.empty() ? "" : " AND ") + ("(" + w + ")");
    params.insert(params.end(), p.begin(), p.end());
  };
  add(scope, scope_params);
  if (def.read_filter && apply_read_filter) {
    store::Params rp;
    std::string rf = def.read_filter(ctx, rp);
    add(rf, rp);
  }
  add(fs.where, fs.params);

  int64_t page_size = 25;
  bool capped = false;
  if (auto* ps = req.Q("page_size")) {
    int64_t n = 0;
    auto r = std::from_chars(ps->data(), ps->data() + ps->size(), n);
    if (r.ec == std::errc() && r.ptr == ps->data() + ps->size() && n > 0) page_size = n;
    if (page_size > 200) {
      page_size = 200;
      capped = true;
    }
  }
  std::string from = " FROM " + def.table + " t" + (where.empty() ? "" : " WHERE " + where);
  bool count_disabled = req.Q("count_disabled") && *req.Q("count_disabled") != "0" &&
                        *req.Q("count_disabled") != "false";
  int64_t count = ctx.db.QueryInt("SELECT COUNT(*)" + from, params).value_or(0);
  int64_t pages = std::max<int64_t>(1, (count + page_size - 1) / page_size);
  int64_t page = 1;
  if (auto* pg = req.Q("page")) {
    if (*pg == "last") {
      page = pages;
    } else {
      int64_t n = 0;
      auto r = std::from_chars(pg->data(), pg->data() + pg->size(), n);
      if (r.ec != std::errc() || r.ptr != pg->data() + pg->size() || n < 1)
        return Error::Detail(ErrorCode::kNotFound, "Invalid page.");
      page = n;
    }
  }
  if (page > pages) return Error::Detail(ErrorCode::kNotFound, "Invalid page.");
  auto objs = LoadWhere(ctx, def, where + (fs.where.empty() && where.empty() ? "" : ""), params,
                        fs.order, page_size, (page - 1) * page_size);
  // One arena for the whole page: hundreds of small objects without a malloc each.
  json::monotonic_resource arena(64 * 1024);
  json::storage_ptr sp(&arena);
  json::array results(sp);
  results.reserve(objs.size());
  for (const auto& o : objs) results.push_back(Serialize(ctx, def, o, false, sp));
  json::object body(sp);
  if (!count_disabled) {
    body["count"] = count;
    body["next"] =
        page < pages ? json::value(PageLink(req, page + 1, capped)) : json::value(nullptr);
    body["previous"] =
        page > 1 ? json::value(PageLink(req, page - 1, capped)) : json::value(nullptr);
  }
  body["results"] = std::move(results);
  Reply r;
  r.raw = Dump(body);  // serialized before the arena goes away
  r.content_type = "application/json";
  return r;
}

}  // namespace baton::api
