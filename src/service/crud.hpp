// Generic create / update / delete of declared resources: type coercion with DRF's messages,
// required and unique checks, the resource's policy and validation hooks, one transaction with
// the activity stream entry.
#pragma once
#include "service/resource.hpp"

namespace baton::service {

// Coerces the writable fields present in `body` (and, on create, defaults for absent ones).
// `existing` is null on create. With `partial` (PATCH) absent fields keep their values; without
// it (POST/PUT) absent required fields are errors.
Result<Obj> CoerceFields(Session& ctx, const ResourceModel& def, const json::object& body,
                         const Obj* existing, bool partial);
// Checks a coerced FK value names an existing object.
Status CheckFkExists(Session& ctx, const FieldDef& f, const json::value& v, FieldErrors& errs);
Status CheckUniques(Session& ctx, const ResourceModel& def, const Obj& values, int64_t self_id);

// Full create pipeline; `injected` values (e.g. the parent of a sub-list) override the body.
Result<Obj> CreateObject(Session& ctx, const ResourceModel& def, const json::object& body,
                         const Obj& injected = {});
Result<Obj> UpdateObject(Session& ctx, const ResourceModel& def, const Obj& existing,
                         const json::object& body, bool partial);
Status DeleteObject(Session& ctx, const ResourceModel& def, const Obj& obj);
// DeleteObject without the permission check, for cascades the caller's delete already allowed
// (an organization's teams). Removes the object's roles and writes the activity entry.
Status RemoveObject(Session& ctx, const ResourceModel& def, const Obj& obj);

// copy/ (contract §12): may the caller copy `src` (GET can_copy), and the copy named by the
// request's "name" (the resource's copy_body, or every writable field), created with after_copy
// in one transaction.
bool CanCopy(Session& ctx, const ResourceModel& def, const Obj& src);
Result<Obj> CopyObject(Session& ctx, const ResourceModel& def, const Obj& src,
                       const json::object& request);

// DRF's integer coercion: an integer, an integral float, or a string of digits.
std::optional<int64_t> IntFrom(const json::value& v);

// Stored SQL value of a coerced field value.
store::Value ToSqlValue(const FieldDef& f, const json::value& v);
// Identity snapshot used by activity entries ("name", "username", ...).
std::string IdentityOf(const ResourceModel& def, const Obj& obj);
// Refuses writes from read-scoped tokens.
Status CheckWriteScope(Session& ctx);

}  // namespace baton::service
