// Errors carry a protocol-neutral code; the API maps each to AWX's HTTP status in one place
// (api/error_status.hpp).
#include <gtest/gtest.h>

#include "api/error_status.hpp"

namespace baton {
namespace {

TEST(ErrorStatus, EachCodeHasAwxsStatus) {
  struct Case {
    ErrorCode code;
    int status;
  };
  const Case cases[] = {
      {ErrorCode::kInvalid, 400},    {ErrorCode::kForbidden, 403},     {ErrorCode::kNotFound, 404},
      {ErrorCode::kNotAllowed, 405}, {ErrorCode::kNotAcceptable, 406}, {ErrorCode::kConflict, 409},
      {ErrorCode::kInternal, 500},
  };
  for (const Case& c : cases) EXPECT_EQ(api::HttpStatus(c.code), c.status) << int(c.code);
}

TEST(ErrorStatus, FactoriesCarryTheirCode) {
  EXPECT_EQ(Error::Field("name", "x").code, ErrorCode::kInvalid);
  EXPECT_EQ(Error::Msg("x").code, ErrorCode::kInvalid);
  EXPECT_EQ(Error::NotFound().code, ErrorCode::kNotFound);
  EXPECT_EQ(Error::Forbidden().code, ErrorCode::kForbidden);
  EXPECT_EQ(Error::MethodNotAllowed("PUT").code, ErrorCode::kNotAllowed);
  EXPECT_EQ(Error::Err("x", ErrorCode::kConflict).code, ErrorCode::kConflict);
  EXPECT_EQ(Error::NotFound().body.at("detail").as_string(), "Not found.");
}

}  // namespace
}  // namespace baton
