#include "api/generic.hpp"

#include "api/list.hpp"
#include "api/model.hpp"
#include "api/registry.hpp"
#include "service/activity.hpp"
#include "service/crud.hpp"

namespace baton::api {

store::Params RepeatParam(const std::string& sql, int64_t id) {
  store::Params p;
  for (char c : sql)
    if (c == '?') p.emplace_back(id);
  return p;
}

std::string NamedUrl(Session& ctx, const ResourceDef& def, const Obj& obj) {
  if (def.named_url_format.empty()) return "";
  std::string out;
  const std::string& fmt = def.named_url_format;
  size_t pos = 0;
  auto escape = [](std::string s) {
    std::string o;
    for (char c : s) {
      if (c == '+')
        o += "[+]";
      else if (std::string_view(";/?:@=&[]").find(c) != std::string_view::npos) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        o += buf;
      } else
        o += c;
    }
    return o;
  };
  while (pos < fmt.size()) {
    size_t n = fmt.find('+', pos);
    std::string field = fmt.substr(pos, n == std::string::npos ? std::string::npos : n - pos);
    std::string value;
    size_t dot = field.find('.');
    if (dot == std::string::npos) {
      value = GetString(obj, field);
    } else {
      // "fk.field" or a longer path ("inventory.organization.name"): follow the foreign keys.
      std::string fk = field.substr(0, dot);
      std::string rest = field.substr(dot + 1);
      const FieldDef* f = def.Field(fk);
      std::optional<int64_t> id = OptIdOf(obj, fk);
      const ResourceDef* t = f ? Registry::Get().Find(f->fk) : nullptr;
      for (size_t d; t && id && (d = rest.find('.')) != std::string::npos;) {
        const FieldDef* next = t->Field(rest.substr(0, d));
        if (!next || next->type != FieldType::kFk) {
          t = nullptr;
          break;
        }
        id = ctx.db.QueryInt("SELECT " + next->column + " FROM " + t->table + " WHERE id = ?",
                             {*id});
        t = Registry::Get().Find(next->fk);
        rest = rest.substr(d + 1);
      }
      if (t && id)
        value = ctx.db.QueryString("SELECT " + rest + " FROM " + t->table + " WHERE id = ?", {*id})
                    .value_or("");
    }
    out += escape(value);
    if (n == std::string::npos) break;
    // copy the separator(s)
    size_t m = n;
    while (m < fmt.size() && fmt[m] == '+') out += fmt[m++];
    pos = m;
  }
  return "/api/v2/" + def.name + "/" + out + "/";
}

json::object SerializeDetail(Ctx& ctx, const ResourceDef& def, const Obj& obj) {
  json::object out = Serialize(ctx, def, obj, true);
  std::string named = NamedUrl(ctx, def, obj);
  if (!named.empty()) RelatedOf(out)["named_url"] = named;
  return out;
}

namespace {

Result<Reply> AttachOrDetach(Ctx& ctx, ApiRequest& req, const ResourceDef& parent,
                             const SubListDef& sl, const ResourceDef& child, int64_t parent_id) {
  const json::value& idv = req.body.at("id");
  int64_t child_id = 0;
  if (idv.is_int64())
    child_id = idv.get_int64();
  else if (idv.is_uint64())
    child_id = static_cast<int64_t>(idv.get_uint64());
  else
    return Error::Msg("\"id\" field must be an integer.");
  bool detach = req.body.contains("disassociate");
  if (!ctx.db.QueryInt("SELECT 1 FROM " + child.table + " WHERE id = ?", {child_id}))
    return Error::Detail(ErrorCode::kInvalid, child.model + " matching query does not exist.");
  BATON_TRY(CheckWriteScope(ctx));
  if (sl.can_attach_fn) {
    BATON_TRY(sl.can_attach_fn(ctx, parent_id, child_id, detach));
  } else {
    auto pobj = Load(ctx, parent, parent_id);
    static const Obj kEmpty;
    if (parent.can_change) BATON_TRY(parent.can_change(ctx, *pobj, kEmpty));
  }
  store::Tx tx(ctx.db);
  if (detach) {
    if (!sl.detach) return Error::MethodNotAllowed("POST");
    BATON_TRY(sl.detach(ctx, parent_id, child_id));
  } else {
    if (!sl.attach) return Error::MethodNotAllowed("POST");
    BATON_TRY(sl.attach(ctx, parent_id, child_id));
  }
  auto pobj = Load(ctx, parent, parent_id);
  auto cobj = Load(ctx, child, child_id);
  ActivityObject o1{child.type, child_id, cobj ? IdentityOf(child, *cobj) : ""};
  ActivityObject o2{parent.type, parent_id, pobj ? IdentityOf(parent, *pobj) : ""};
  RecordActivity(ctx, detach ? "disassociate" : "associate", o1, json::object{}, &o2,
                 parent.type + "." + sl.name);
  tx.Commit();
  return Reply::Empty(204);
}

}  // namespace

ActionDef CopyAction(const std::string& resource) {
  ActionDef a;
  a.name = "copy";
  a.methods = {"GET", "POST"};
  a.title = "Copy";
  FieldDef name = Str("name", 512, true);
  name.help_text = "Name of the copy.";
  a.post_fields = {name};
  a.handler = [resource](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(resource);
    BATON_ASSIGN(Obj src, LoadReadable(ctx, def, req.ids[0]));
    if (req.method == "GET") return Reply::Json(json::object{{"can_copy", CanCopy(ctx, def, src)}});
    BATON_ASSIGN(Obj copy, CopyObject(ctx, def, src, req.body));
    return Reply::Created(SerializeDetail(ctx, def, copy), def.Url(IdOf(copy)));
  };
  return a;
}

void AddResourceRoutes(Router& router, const ResourceDef& def) {
  const ResourceDef* d = &def;
  std::string base = "/api/v2/" + def.name + "/";
  std::string detail = base + "{" + def.name + "}/";
  if (def.list_endpoint) {
    Route& r = router.Add(base);
    r.kind = RouteKind::kList;
    r.resource = d;
    r.title = def.title;
    r.handlers["GET"] = [d](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      if (!d->list_scope) return ListObjects(ctx, req, *d);
      store::Params p;
      BATON_ASSIGN(std::string scope, d->list_scope(ctx, req, p));
      return ListObjects(ctx, req, *d, scope, p);
    };
    if (def.creatable) {
      r.handlers["POST"] = [d](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
        BATON_ASSIGN(Obj obj, CreateObject(ctx, *d, req.body));
        return Reply::Created(SerializeDetail(ctx, *d, obj), d->Url(IdOf(obj)));
      };
    }
  }
  {
    Route& r = router.Add(detail);
    r.kind = RouteKind::kDetail;
    r.resource = d;
    std::string t = def.title;
    if (!t.empty() && t.back() == 's') t.pop_back();
    r.title = t + " Detail";
    r.handlers["GET"] = [d](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      BATON_ASSIGN(Obj obj, LoadReadable(ctx, *d, req.ids[0]));
      return Reply::Json(SerializeDetail(ctx, *d, obj));
    };
    if (def.editable) {
      auto upd = [d](bool partial) {
        return [d, partial](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
          BATON_ASSIGN(Obj obj, LoadReadable(ctx, *d, req.ids[0]));
          BATON_ASSIGN(Obj after, UpdateObject(ctx, *d, obj, req.body, partial));
          return Reply::Json(SerializeDetail(ctx, *d, after));
        };
      };
      r.handlers["PUT"] = upd(false);
      r.handlers["PATCH"] = upd(true);
    }
    if (def.deletable) {
      r.handlers["DELETE"] = [d](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
        BATON_ASSIGN(Obj obj, LoadReadable(ctx, *d, req.ids[0]));
        BATON_TRY(DeleteObject(ctx, *d, obj));
        return Reply::Empty(d->delete_status);
      };
    }
  }
  for (const auto& sl : def.sublists) {
    const SubListDef* s = &sl;
    Route& r = router.Add(detail + sl.name + "/");
    r.kind = RouteKind::kSubList;
    r.parent = d;
    r.sublist = s;
    r.resource = Registry::Get().Find(sl.child);
    r.deprecated = sl.deprecated;
    r.title = sl.title;
    r.handlers["GET"] = [d, s](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      BATON_ASSIGN(Obj parent, LoadReadable(ctx, *d, req.ids[0]));
      const ResourceDef& child = Registry::Get().Must(s->child);
      if (s->scope) {
        store::Params p;
        BATON_ASSIGN(std::string scope, s->scope(ctx, parent, p));
        return ListObjects(ctx, req, child, scope, p, /*apply_read_filter=*/false);
      }
      return ListObjects(ctx, req, child, s->filter, RepeatParam(s->filter, req.ids[0]));
    };
    if (sl.can_create || sl.can_attach) {
      r.handlers["POST"] = [d, s](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
        BATON_ASSIGN(Obj parent, LoadReadable(ctx, *d, req.ids[0]));
        const ResourceDef& child = Registry::Get().Must(s->child);
        if (req.body.contains("id") && s->can_attach)
          return AttachOrDetach(ctx, req, *d, *s, child, req.ids[0]);
        if (req.body.contains("disassociate"))
          return Error::Msg("\"id\" is required to disassociate");
        if (!s->can_create) return Error::Msg(child.model + " 'id' field is missing.");
        if (s->before_create) {
          BATON_ASSIGN(std::optional<int64_t> existing,
                       s->before_create(ctx, req.ids[0], req.body));
          if (existing) {
            req.body["id"] = *existing;
            return AttachOrDetach(ctx, req, *d, *s, child, req.ids[0]);
          }
        }
        Obj injected;
        if (!s->inject_field.empty()) injected[s->inject_field] = req.ids[0];
        store::Tx tx(ctx.db);
        BATON_ASSIGN(Obj obj, CreateObject(ctx, child, req.body, injected));
        if (s->after_create) BATON_TRY(s->after_create(ctx, req.ids[0], IdOf(obj)));
        tx.Commit();
        return Reply::Created(SerializeDetail(ctx, child, obj), child.Url(IdOf(obj)));
      };
    }
  }
  for (const auto& a : def.actions) {
    Route& r = router.Add(detail + a.name + "/");
    r.kind = RouteKind::kAction;
    r.parent = d;
    r.action = &a;
    r.title = a.title;
    r.deprecated = a.deprecated;
    r.anonymous = a.anonymous;
    for (const auto& m : a.methods) r.handlers[m] = a.handler;
  }
}

}  // namespace baton::api
