// Percent-decoding of targets and form bodies (http/url.hpp): Boost.URL, lenient as Django.
#include <gtest/gtest.h>

#include "http/url.hpp"

namespace baton::http {
namespace {

struct Case {
  const char* in;
  bool plus;
  const char* out;
};

const Case kCases[] = {
    {"/api/v2/hosts/", false, "/api/v2/hosts/"},
    {"/api/v2/hosts/a%20b%2Fc/", false, "/api/v2/hosts/a b/c/"},
    {"a+b", false, "a+b"},
    {"a+b", true, "a b"},
    {"a%2Bb", true, "a+b"},
    {"%E2%9C%93", false, "\xE2\x9C\x93"},
    {"%zz", true, "%zz"},  // the regression: root.cpp's twin threw on it
    {"100%", true, "100%"},
    {"%4", true, "%4"},
    {"%%41", false, "%A"},
};

TEST(Url, PercentDecodeIsLenient) {
  for (const auto& c : kCases) {
    EXPECT_EQ(PercentDecode(c.in, c.plus), c.out) << c.in;
  }
  EXPECT_EQ(PercentDecode("%00x"), std::string("\0x", 2));
}

TEST(Url, ParseQueryKeepsOrderAndDecodes) {
  auto q = ParseQuery("name__icontains=a+b&&id=1&flag&x=%zz&x=2");
  using P = std::pair<std::string, std::string>;
  std::vector<P> want = {
      {"name__icontains", "a b"}, {"id", "1"}, {"flag", ""}, {"x", "%zz"}, {"x", "2"}};
  EXPECT_EQ(q, want);
  EXPECT_TRUE(ParseQuery("").empty());
}

}  // namespace
}  // namespace baton::http
