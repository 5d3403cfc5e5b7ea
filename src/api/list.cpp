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
  // One arena for the page's rows: hundreds of small objects without a malloc each.
  json::monotonic_resource arena(256 * 1024);
  json::storage_ptr sp(&arena);
  auto objs = LoadWhere(ctx, def, where, params, fs.order, page_size, (page - 1) * page_size, sp);
  std::vector<const Obj*> ptrs;
  ptrs.reserve(objs.size());
  for (const auto& o : objs) ptrs.push_back(&o);
  PageData loaded = LoadPage(ctx, def, ptrs);
  struct Unset {
    Ctx& ctx;
    ~Unset() { ctx.page = nullptr; }
  } unset{ctx};
  ctx.page = &loaded;
  // The page is written as it is serialized, each item into the buffer straight away: the
  // bytes of Dump({"count", "next", "previous", "results"}) without holding every item.
  std::string raw;
  raw.reserve(1024 + objs.size() * 1024);
  raw += '{';
  if (!count_disabled) {
    raw += "\"count\":";
    DumpTo(raw, json::value(count));
    raw += ",\"next\":";
    DumpTo(raw, page < pages ? json::value(PageLink(req, page + 1, capped)) : json::value(nullptr));
    raw += ",\"previous\":";
    DumpTo(raw, page > 1 ? json::value(PageLink(req, page - 1, capped)) : json::value(nullptr));
    raw += ',';
  }
  raw += "\"results\":[";
  // Each item in its own arena, reused from item to item (it stays in the cache).
  alignas(16) static thread_local unsigned char item_buf[64 * 1024];
  for (size_t i = 0; i < objs.size(); ++i) {
    if (i) raw += ',';
    json::monotonic_resource item_arena(item_buf, sizeof item_buf);
    DumpTo(raw, Serialize(ctx, def, objs[i], false, json::storage_ptr(&item_arena)));
  }
  raw += "]}";
  Reply r;
  r.raw = std::move(raw);
  r.content_type = "application/json";
  return r;
}

}  // namespace baton::api
