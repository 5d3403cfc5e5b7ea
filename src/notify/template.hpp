// The part of Jinja2 that notification messages use (AWX renders them in a sandboxed Jinja2
// environment): literal text, `{# comments #}` and `{{ expression }}` where an expression is a
// path into the context: `job.id`, `job['summary_fields'].inventory.name`, `job.labels[0]`.
// Values print as Jinja's str() does (Python: True, None, {'a': 1}). `{% ... %}` blocks and
// filters are not supported and fail to parse (docs/compat.md). Pure; thread-safe.
#pragma once
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace baton::notify {

struct RenderResult {
  enum class Status { kOk, kSyntax, kUndefined };
  Status status = Status::kOk;
  std::string text;     // the rendering when kOk
  std::string message;  // kSyntax: Jinja's syntax error; kUndefined: the undefined name
  bool ok() const { return status == Status::kOk; }
};

// strict: a name or key the context lacks is an error (AWX's validation with its
// DescriptiveUndefined); otherwise it renders as "" (Jinja's default Undefined) unless an
// attribute of it is taken, which is an error too.
RenderResult Render(std::string_view tmpl, const json::object& context, bool strict);

// json.dumps(v, indent=indent, ensure_ascii=...) as Python prints it ("key": value, nested
// levels indented, "," at line ends); indent 0 means Python's compact default (", " / ": ").
std::string PyJsonDumps(const json::value& v, int indent, bool ensure_ascii);

}  // namespace baton::notify
