#include "core/result.hpp"

namespace baton {

Error Error::Field(std::string_view field, std::string_view msg) {
  json::object o;
  o[field] = json::array{json::string(msg)};
  return Error{400, std::move(o)};
}

Error Error::All(std::string_view msg) {
  return Field("__all__", msg);
}

Error Error::Detail(int status, std::string_view msg) {
  return Error{status, json::object{{"detail", msg}}};
}

Error Error::Msg(std::string_view msg) {
  return Error{400, json::object{{"msg", msg}}};
}

Error Error::Err(std::string_view msg, int status) {
  return Error{status, json::object{{"error", msg}}};
}

Error Error::MethodNotAllowed(std::string_view method) {
  return Detail(405, "Method \"" + std::string(method) + "\" not allowed.");
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
