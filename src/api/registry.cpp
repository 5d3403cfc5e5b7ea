#include "api/registry.hpp"

#include <stdexcept>

namespace baton::api {

Registry& Registry::Get() {
  static Registry r;
  return r;
}

ResourceDef& Registry::Add(ResourceDef def) {
  defs_.push_back(std::move(def));
  ResourceDef& d = defs_.back();
  by_name_[d.name] = &d;
  by_type_[d.type] = &d;
  return d;
}

const ResourceDef* Registry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const ResourceDef* Registry::ByType(std::string_view type) const {
  auto it = by_type_.find(type);
  return it == by_type_.end() ? nullptr : it->second;
}

const ResourceDef& Registry::Must(std::string_view name) const {
  auto* d = Find(name);
  if (!d) throw std::logic_error("unknown resource " + std::string(name));
  return *d;
}

void Registry::Clear() {
  defs_.clear();
  by_name_.clear();
  by_type_.clear();
}

FieldDef F(std::string name, FieldType type) {
  FieldDef f;
  f.column = name;
  f.name = std::move(name);
  f.type = type;
  return f;
}

FieldDef Str(std::string name, int max_length, bool required) {
  FieldDef f = F(std::move(name), FieldType::kString);
  f.max_length = max_length;
  f.required = required;
  if (!required) {
    f.def = "";
    f.has_default = true;
  }
  return f;
}

FieldDef Text(std::string name) {
  FieldDef f = F(std::move(name), FieldType::kText);
  f.def = "";
  f.has_default = true;
  return f;
}

FieldDef Bool(std::string name, bool def) {
  FieldDef f = F(std::move(name), FieldType::kBool);
  f.def = def;
  f.has_default = true;
  return f;
}

FieldDef Int(std::string name, int64_t def) {
  FieldDef f = F(std::move(name), FieldType::kInt);
  f.def = def;
  f.has_default = true;
  return f;
}

FieldDef Fk(std::string name, std::string target, bool required) {
  FieldDef f = F(name, FieldType::kFk);
  f.column = name + "_id";
  f.fk = std::move(target);
  f.required = required;
  f.nullable = !required;
  if (!required) f.has_default = true;  // null
  return f;
}

FieldDef RO(FieldDef f) {
  f.read_only = true;
  f.required = false;
  return f;
}

FieldDef Dt(std::string name) {
  FieldDef f = F(std::move(name), FieldType::kDateTime);
  f.read_only = true;
  f.nullable = true;
  return f;
}

FieldDef Internal(std::string name, std::string column, FieldType type) {
  FieldDef f = F(std::move(name), type);
  f.column = std::move(column);
  f.read_only = true;
  f.internal = true;
  f.filterable = false;
  f.nullable = true;
  return f;
}

std::vector<FieldDef> TimestampFields(bool with_created_by) {
  std::vector<FieldDef> v{Dt("created"), Dt("modified")};
  if (with_created_by) {
    FieldDef cb = Internal("created_by", "created_by_id", FieldType::kFk);
    cb.fk = "users";
    cb.filterable = true;
    FieldDef mb = Internal("modified_by", "modified_by_id", FieldType::kFk);
    mb.fk = "users";
    mb.filterable = true;
    v.push_back(cb);
    v.push_back(mb);
  }
  return v;
}

}  // namespace baton::api
