// The declarative model of a resource: its table, fields (wire name, column, type, write rules,
// OPTIONS metadata), filterable relations, ordering, search fields, RBAC policy and the hooks of
// its writes. The generic use cases (crud.hpp, model.hpp, list_query.hpp) serve every resource
// from that declaration; the API adds routes, actions and serialization (api/resource.hpp).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "service/session.hpp"

namespace baton::service {

enum class FieldType {
  kId,  // primary key
  kInt,
  kFloat,
  kString,  // bounded string
  kText,    // unbounded string
  kBool,
  kDateTime,   // stored as ISO text
  kFk,         // integer id of another resource (column <name>_id)
  kJson,       // JSON object stored as text, exposed as an object
  kJsonText,   // YAML/JSON variables stored and returned verbatim as a string
  kChoice,     // string enum
  kIntChoice,  // integer enum (verbosity)
  kComputed,   // no column; produced by a hook
};

struct FieldDef {
  std::string name;
  std::string column;  // "" for computed fields
  FieldType type = FieldType::kString;
  std::string fk;  // target resource name for kFk ("organizations")
  bool read_only = false;
  bool required = false;     // on create
  bool nullable = false;     // null is a legal stored value
  bool write_only = false;   // never returned
  bool create_only = false;  // ignored on update
  bool filterable = true;
  bool hidden_in_list = false;  // omitted from list items (detail only)
  bool internal = false;        // loaded from the row for hooks, never serialized or written
  // Read-only to clients but stored from the values the resource's validate/prepare_write hooks
  // set (e.g. a schedule's next_run, computed from its rule).
  bool server_written = false;
  int max_length = 0;
  std::optional<int64_t> min_value, max_value;
  std::vector<std::pair<std::string, std::string>> choices;  // value, label
  json::value def;  // default on create (null when has_default is false)
  bool has_default = false;
  std::string label;
  std::string help_text;
};

// A to-many relation usable in filters: `sql` is a predicate on alias {t} with {inner} standing
// for a subquery of target ids (e.g. "{t}.id IN (SELECT team_id FROM x WHERE user_id IN
// ({inner}))").
struct RelationDef {
  std::string name;
  std::string target;  // resource name
  std::string sql;
};

// A sub-list under a parent: /api/v2/<parent>/N/<name>/.
struct SubListDef {
  std::string name;
  std::string child;  // resource name of the listed objects
  // Predicate on alias t selecting the children of parent `?` (the parent id is bound once per
  // '?').
  std::string filter;
  bool can_create = false;  // L+C: POST without id creates a child
  bool can_attach = false;  // L+A
  // The parent FK injected into a created child, e.g. {"organization", parent id}.
  std::string inject_field;
  // Attach/detach a child; both run inside a transaction after the generic checks.
  std::function<Status(Session&, int64_t parent, int64_t child)> attach;
  std::function<Status(Session&, int64_t parent, int64_t child)> detach;
  // Runs after a child was created through this sub-list (e.g. add the new user as a member).
  std::function<Status(Session&, int64_t parent, int64_t child)> after_create;
  // Permission to attach/detach (default: change on the parent).
  std::function<Status(Session&, int64_t parent, int64_t child, bool detach)> can_attach_fn;
  // Dynamic selection replacing `filter` (e.g. a smart inventory's hosts): a predicate on alias
  // t for the parent object, with its parameters. Reading the parent then suffices to read the
  // listed children (the children's read filter is not applied), as in AWX's custom querysets.
  std::function<Result<std::string>(Session&, const json::object& parent, store::Params&)> scope;
  // Runs before a child is created through this sub-list: may complete the body (e.g. with the
  // parent group's inventory), or return the id of an existing child to attach instead.
  std::function<Result<std::optional<int64_t>>(Session&, int64_t parent, json::object& body)>
      before_create;
  // Extra field set when listing (e.g. role users/ lists are readable by role readers).
  std::string title;
  bool deprecated = false;
};

using Obj = json::object;  // an object's stored values keyed by wire name

// A write as the client asked it: the body as sent, and whether absent fields keep their values
// (PATCH) or take their defaults (POST, PUT).
struct WriteInput {
  const json::object& body;
  bool partial = false;
};

struct ResourceModel {
  std::string name;     // "organizations" (URL segment)
  std::string type;     // "organization"
  std::string model;    // "Organization" (messages)
  std::string verbose;  // "organization" (help texts)
  std::string title;    // "Organizations" (OPTIONS name)
  std::string table;
  std::vector<FieldDef> fields;
  std::vector<RelationDef> relations;
  std::vector<std::string> default_order{"id"};
  std::vector<std::string> search_fields;
  std::string content_type;  // role content type; "" when the resource has no roles
  std::string identity = "name";
  bool has_created_by = true;
  bool creatable = true;
  bool editable = true;
  bool deletable = true;
  bool list_endpoint = true;
  int delete_status = 204;  // inventories answer 202 (contract §10)
  // Table whose AUTOINCREMENT id the rows take, shared by several kinds so that ids are unique
  // across them as AWX's polymorphic tables make them (unified_job_template_ids: job templates,
  // projects, inventory sources and workflow job templates). "" = the table's own sequence.
  std::string id_space;
  // Polymorphic lists (unified_jobs/, unified_job_templates/): the column holding each row's
  // type, which `type=a,b` filters on and `order_by=type` orders by (contract §7.4). "" = the
  // list has one type, def.type.
  std::string type_column;
  std::string named_url_format;  // e.g. "<name>++<organization.name>"; "" = none
  // Unique constraints checked on create/update: fields, message (key __all__ or a field).
  struct Unique {
    std::vector<std::string> fields;
    std::string key;  // "__all__" or field name
    std::string message;
  };
  std::vector<Unique> uniques;

  // RBAC: SQL predicate on alias t for what the caller may read ("" = everything).
  std::function<std::string(Session&, store::Params&)> read_filter;
  std::function<Status(Session&, const Obj& data)> can_add;
  std::function<Status(Session&, const Obj& obj, const Obj& data)> can_change;
  std::function<Status(Session&, const Obj& obj)> can_delete;
  // user_capabilities of the caller on obj (default: edit/delete from the policies).
  std::function<json::object(Session&, const Obj& obj)> capabilities;

  // Custom validation of the coerced values (create: existing == nullptr). May edit `values`;
  // `in` is the write as asked (some checks depend on a key sent as null versus not sent).
  std::function<Status(Session&, const WriteInput& in, Obj& values, const Obj* existing)> validate;
  // Side effects inside the create/update/delete transaction.
  std::function<Status(Session&, int64_t id, const Obj& values)> after_create;
  std::function<Status(Session&, const Obj& before, const Obj& after)> after_update;
  std::function<Status(Session&, const Obj& obj)> before_delete;
  // Stored-value transform of a write (e.g. hash a password). Runs after validate.
  std::function<void(Session&, Obj& values, const Obj* existing)> prepare_write;

  // copy/ (contract §12): the create body a copy starts from (default: every writable field
  // of the source), and work after the copy was created (sub-objects, secrets).
  std::function<json::object(Session&, const Obj& source)> copy_body;
  std::function<Status(Session&, const Obj& source, int64_t copy_id)> after_copy;

  std::vector<SubListDef> sublists;

  const FieldDef* Field(std::string_view n) const {
    for (const auto& f : fields)
      if (f.name == n) return &f;
    return nullptr;
  }
  const RelationDef* Relation(std::string_view n) const {
    for (const auto& r : relations)
      if (r.name == n) return &r;
    return nullptr;
  }
  std::string Url(int64_t id) const { return "/api/v2/" + name + "/" + std::to_string(id) + "/"; }
};

// Field declaration helpers.
FieldDef F(std::string name, FieldType type);
FieldDef Str(std::string name, int max_length, bool required = false);
FieldDef Text(std::string name);
FieldDef Bool(std::string name, bool def = false);
FieldDef Int(std::string name, int64_t def = 0);
FieldDef Fk(std::string name, std::string target, bool required = false);
FieldDef RO(FieldDef f);
FieldDef Dt(std::string name);
// A column loaded for hooks but not part of the API representation (created_by_id, ...).
FieldDef Internal(std::string name, std::string column, FieldType type);
// created/modified timestamps and the internal created_by/modified_by columns.
std::vector<FieldDef> TimestampFields(bool with_created_by = true);

// id, created, modified (+ the internal created_by/modified_by).
std::vector<FieldDef> CommonFields(bool with_created_by = true);
// CommonFields plus name and description.
std::vector<FieldDef> NamedFields();
FieldDef IdField();
FieldDef NameField(int max_length = 512);
FieldDef DescriptionField();

// A read-only sub-list of `child` objects selected by `filter` (parent id bound per '?').
SubListDef ListOnly(std::string name, std::string child, std::string filter, std::string title,
                    bool deprecated = false);
// Sub-lists every role-bearing resource has.
SubListDef ObjectRolesSubList(std::string_view content_type);
SubListDef AccessListSubList(std::string_view content_type);
SubListDef ActivityStreamSubList(std::string_view type);
// A sub-list of users holding a role directly, with attach/detach granting the role.
SubListDef RoleUsersSubList(std::string name, std::string content_type, std::string field,
                            bool can_create);

}  // namespace baton::service
