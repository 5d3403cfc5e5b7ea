// The one place where a protocol-neutral ErrorCode (core/result.hpp) becomes an HTTP status.
#pragma once
#include "core/result.hpp"

namespace baton::api {

int HttpStatus(ErrorCode code);

}  // namespace baton::api
