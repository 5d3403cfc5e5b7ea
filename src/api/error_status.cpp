#include "api/error_status.hpp"

namespace baton::api {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalid:
      return 400;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kNotAllowed:
      return 405;
    case ErrorCode::kNotAcceptable:
      return 406;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace baton::api
