// Reading objects of a declared resource: the stored fields of a row, by id or by a predicate,
// and whether the caller may read them.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "service/resource.hpp"

namespace baton::service {

// "t.id, t.name, ..." for every stored field of def.
std::string SelectColumns(const ResourceModel& def, std::string_view alias = "t");
// Converts row `i` of a result set selected with SelectColumns into stored values.
// `sp` is the memory resource of the result (lists use one arena per page).
Obj RowToObj(const ResourceModel& def, const store::Rows& rows, size_t i,
             json::storage_ptr sp = {});

std::optional<Obj> Load(Session& ctx, const ResourceModel& def, int64_t id);
std::vector<Obj> LoadWhere(Session& ctx, const ResourceModel& def, const std::string& where,
                           const store::Params& params, const std::string& order = "t.id",
                           int64_t limit = -1, int64_t offset = 0, json::storage_ptr sp = {});

// May the caller read object `id` (per def.read_filter)?
bool CanRead(Session& ctx, const ResourceModel& def, int64_t id);
// Loads an object for a detail view: 404 when missing, 403 when not readable.
Result<Obj> LoadReadable(Session& ctx, const ResourceModel& def, int64_t id);

// The id stored under `key` (0 / nullopt when absent or not an integer).
int64_t IdOf(const Obj& o, std::string_view key = "id");
std::optional<int64_t> OptIdOf(const Obj& o, std::string_view key);
}  // namespace baton::service
