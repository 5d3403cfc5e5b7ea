// Result<T> and Error: expected failures as values, carrying a protocol-neutral code (what kind of
// failure) and the AWX-shaped body ({"field": ["msg"]}, {"__all__": [...]}, {"detail": ...},
// {"msg": ...}, {"error": ...}). The API maps the code to an HTTP status in one place
// (api/error_status.hpp); the scheduler and the runner only log the body.
#pragma once
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace baton {

namespace json = boost::json;

enum class ErrorCode {
  kInvalid,        // the input breaks a rule (HTTP 400)
  kForbidden,      // the caller may not do it (403)
  kNotFound,       // no such object, or not visible (404)
  kNotAllowed,     // the operation does not apply to this object (405)
  kNotAcceptable,  // the object cannot be given in the form asked for (406)
  kConflict,       // the object's state forbids it for now (409)
  kInternal,       // something that should work did not (500)
};

struct Error {
  ErrorCode code = ErrorCode::kInvalid;
  json::value body;

  // 400 {"<field>": ["<msg>"]}
  static Error Field(std::string_view field, std::string_view msg);
  // 400 {"__all__": ["<msg>"]}
  static Error All(std::string_view msg);
  // <code> {"detail": "<msg>"}
  static Error Detail(ErrorCode code, std::string_view msg);
  // 400 {"msg": "<msg>"}
  static Error Msg(std::string_view msg);
  // <code> {"error": "<msg>"}
  static Error Err(std::string_view msg, ErrorCode code = ErrorCode::kInvalid);
  static Error NotFound() { return Detail(ErrorCode::kNotFound, "Not found."); }
  static Error Forbidden(
      std::string_view msg = "You do not have permission to perform this action.") {
    return Detail(ErrorCode::kForbidden, msg);
  }
  static Error MethodNotAllowed(std::string_view method);
  static Error Body(ErrorCode code, json::value body) { return Error{code, std::move(body)}; }
};

// Collects field errors in AWX order ({"field": ["m1", "m2"]}).
class FieldErrors {
 public:
  void Add(std::string_view field, std::string_view msg);
  void AddAll(std::string_view msg) { Add("__all__", msg); }
  bool Empty() const { return body_.empty(); }
  bool Has(std::string_view field) const { return body_.contains(field); }
  Error ToError(ErrorCode code = ErrorCode::kInvalid) const { return Error{code, body_}; }
  json::object& Object() { return body_; }

 private:
  json::object body_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error&& take_error() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() {
  return Ok{};
}

#define BATON_TRY(expr)                                \
  do {                                                 \
    auto _st = (expr);                                 \
    if (!_st.ok()) return std::move(_st).take_error(); \
  } while (0)

#define BATON_CONCAT2(a, b) a##b
#define BATON_CONCAT(a, b) BATON_CONCAT2(a, b)
#define BATON_ASSIGN_IMPL(tmp, lhs, expr)            \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).take_error(); \
  lhs = std::move(tmp).value()
#define BATON_ASSIGN(lhs, expr) BATON_ASSIGN_IMPL(BATON_CONCAT(_res_, __LINE__), lhs, expr)

}  // namespace baton
