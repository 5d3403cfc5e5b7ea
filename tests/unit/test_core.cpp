// Pure helpers of core/: JSON output, variables parsing, timestamps, crypto.
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/vars.hpp"

namespace baton {
namespace {

TEST(Json, DoublesPrintLikePython) {
  struct Case {
    double in;
    const char* out;
  } cases[] = {{704.438, "704.438"}, {1.0, "1.0"},   {0.1, "0.1"},
               {12.345, "12.345"},   {-2.5, "-2.5"}, {1e21, "1e+21"}};
  for (auto& c : cases) {
    std::string s;
    AppendDouble(s, c.in);
    EXPECT_EQ(s, c.out) << c.in;
  }
}

TEST(Json, DumpPyMatchesJsonDumps) {
  json::value v = json::parse(R"({"foo":"bar","n":[1,2.5,true,null],"o":{}})");
  EXPECT_EQ(DumpPy(v), R"({"foo": "bar", "n": [1, 2.5, true, null], "o": {}})");
  EXPECT_EQ(Dump(v), R"({"foo":"bar","n":[1,2.5,true,null],"o":{}})");
}

TEST(Json, EscapesControlCharacters) {
  EXPECT_EQ(Dump(json::value("a\"b\\c\n\x01")), "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(Vars, YamlScalarsTypedAsPyYaml) {
  auto r = ParseVarsText(
      "a: yes\nb: off\nc: ~\nd: 42\ne: 4.5\nf: '42'\ng: hello\nh: 0x\ni: -7\nj: y\nk: N\n");
  ASSERT_TRUE(r.ok());
  auto& o = r.value().as_object();
  EXPECT_EQ(o.at("a"), true);
  EXPECT_EQ(o.at("b"), false);
  EXPECT_TRUE(o.at("c").is_null());
  EXPECT_EQ(o.at("d"), 42);
  EXPECT_EQ(o.at("e"), 4.5);
  EXPECT_EQ(o.at("f"), "42");
  EXPECT_EQ(o.at("g"), "hello");
  EXPECT_EQ(o.at("h"), "0x");
  EXPECT_EQ(o.at("i"), -7);
  EXPECT_EQ(o.at("j"), "y");  // PyYAML keeps y/n as strings
  EXPECT_EQ(o.at("k"), "N");
}

TEST(Vars, JsonFirstEmptyIsEmptyMapping) {
  EXPECT_EQ(ParseVarsText("").value(), json::object{});
  EXPECT_EQ(ParseVarsText("\"\"").value(), json::object{});
  EXPECT_EQ(ParseVarsText("{\"a\": 1}").value().as_object().at("a"), 1);
  EXPECT_EQ(ParseVarsText("---\nenv: production").value().as_object().at("env"), "production");
}

TEST(Vars, ErrorsNameBothParsers) {
  auto r = ParseVarsText("{a: [}");
  ASSERT_FALSE(r.ok());
  std::string msg(r.error().body.as_object().at("variables").as_array()[0].as_string());
  EXPECT_EQ(msg.rfind("Cannot parse as JSON (error: ", 0), 0u);
  EXPECT_NE(msg.find(") or YAML (error: "), std::string::npos);
  EXPECT_FALSE(ParseVarsMapping("[1, 2]").ok());
  EXPECT_FALSE(ParseVarsMapping("just a string").ok());
}

TEST(Clock, IsoRoundTrip) {
  Micros t = 1729697400123456;  // 2024-10-23T15:30:00.123456Z
  EXPECT_EQ(FormatIso(t), "2024-10-23T15:30:00.123456Z");
  EXPECT_EQ(ParseIso("2024-10-23T15:30:00.123456Z"), t);
  EXPECT_EQ(ParseIso("2024-10-23T17:30:00.123456+02:00"), t);
  EXPECT_EQ(ParseIso("2024-10-23"), 1729641600000000);
  EXPECT_FALSE(ParseIso("2024-13-01"));
  EXPECT_FALSE(ParseIso("yesterday"));
  EXPECT_FALSE(ParseIso("2024-10-23T15:30:00Zjunk"));
}

TEST(Crypto, PasswordHashing) {
  std::string h = HashPassword("s3cret", 1000);
  EXPECT_EQ(h.rfind("pbkdf2_sha256$1000$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("s3cret", h));
  EXPECT_FALSE(VerifyPassword("s3cret!", h));
  EXPECT_FALSE(VerifyPassword("s3cret", "md5$x$y"));
  EXPECT_NE(HashPassword("s3cret", 1000), h);  // salted
}

TEST(Crypto, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HmacSha256Hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  std::string out;
  ASSERT_TRUE(Base64Decode(Base64Encode("admin:pa:ss"), out));
  EXPECT_EQ(out, "admin:pa:ss");
  EXPECT_FALSE(Base64Decode("@@@", out));
}

TEST(Crypto, RandomMaterial) {
  EXPECT_EQ(RandomAlnum(30).size(), 30u);
  EXPECT_NE(RandomAlnum(30), RandomAlnum(30));
  std::string u = RandomUuid4();
  EXPECT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_TRUE(SecureEquals("abc", "abc"));
  EXPECT_FALSE(SecureEquals("abc", "abd"));
  EXPECT_FALSE(SecureEquals("abc", "ab"));
}

}  // namespace
}  // namespace baton
