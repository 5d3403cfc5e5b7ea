#include "core/result.hpp"

namespace baton {

Error Error::Field(std::string_view field, std::string_view msg) {
  json::object o;
  o[field] = json::array{json::string(msg)};
  return Error{ErrorCode::kInvalid, std::move(o)};
}

Error Error::All(std::string_view msg) {
  return Field("__all__", msg);
}

Error Error::Detail(ErrorCode code, std::string_view msg) {
  return Error{code, json::object{{"detail", msg}}};
}

Error Error::Msg(std::string_view msg) {
  return Error{ErrorCode::kInvalid, json::object{{"msg", msg}}};
}

Error Error::Err(std::string_view msg, ErrorCode code) {
  return Error{code, json::object{{"error", msg}}};
}

Error Error::MethodNotAllowed(std::string_view method) {
  return Detail(ErrorCode::kNotAllowed, "Method \"" + std::string(method) + "\" not allowed.");
}

void FieldErrors::Add(std::string_view field, std::string_view msg) {
  auto it = body_.find(field);
  if (it == body_.end()) {
    body_[field] = json::array{json::string(msg)};
  } else if (it->value().is_array()) {
    it->value().as_array().emplace_back(json::string(msg));
  }
}

}  // namespace baton
