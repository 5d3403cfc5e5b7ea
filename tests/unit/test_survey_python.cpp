// The Python semantics survey messages and checks rely on: repr (LA-8 "<v>", "<choices>",
// LA-9 "Default value <default>"), float repr, ==, in, len, splitlines (LA-8/LA-9 choices).
#include <gtest/gtest.h>

#include "domain/survey.hpp"

namespace baton::domain {
namespace {

struct ReprCase {
  const char* name;
  const char* json;
  bool top_level;
  const char* repr;
};

class SurveyPyRepr : public ::testing::TestWithParam<ReprCase> {};

TEST_P(SurveyPyRepr, RendersLikePython) {
  const auto& c = GetParam();
  EXPECT_EQ(PyRepr(json::parse(c.json), c.top_level), c.repr) << c.json;
}

INSTANTIATE_TEST_SUITE_P(
    Survey, SurveyPyRepr,
    ::testing::Values(
        ReprCase{"None", "null", true, "None"}, ReprCase{"True", "true", true, "True"},
        ReprCase{"False", "false", true, "False"}, ReprCase{"Int", "5", true, "5"},
        ReprCase{"NegativeInt", "-5", true, "-5"},
        ReprCase{"Uint64", "18446744073709551615", true, "18446744073709551615"},
        ReprCase{"Float", "3.5", true, "3.5"}, ReprCase{"IntegralFloat", "1.0", true, "1.0"},
        ReprCase{"TopLevelStringBare", R"("abc")", true, "abc"},
        ReprCase{"NestedStringQuoted", R"("abc")", false, "'abc'"},
        ReprCase{"ListOfStrings", R"(["a", "b"])", true, "['a', 'b']"},
        ReprCase{"EmptyList", "[]", true, "[]"}, ReprCase{"EmptyDict", "{}", true, "{}"},
        ReprCase{"Dict", R"({"a": 1})", true, "{'a': 1}"},
        ReprCase{"Nested", R"([1, [true, null], {"k": {"n": 1.5}}])", true,
                 "[1, [True, None], {'k': {'n': 1.5}}]"},
        ReprCase{"SingleQuoteUsesDoubleQuotes", R"(["it's"])", true, R"(["it's"])"},
        ReprCase{"BothQuotesEscapeSingle", R"(["a'b\"c"])", true, R"(['a\'b"c'])"},
        ReprCase{"Newline", R"(["a\nb"])", true, R"(['a\nb'])"},
        ReprCase{"TabAndReturn", R"(["\t\r"])", true, R"(['\t\r'])"},
        ReprCase{"Backslash", R"(["\\"])", true, R"(['\\'])"},
        ReprCase{"ControlChar", R"(["\u0001"])", true, R"(['\x01'])"},
        ReprCase{"Delete", R"(["\u007f"])", true, R"(['\x7f'])"},
        ReprCase{"NonAsciiPrintable", R"(["\u00e9\u4e2d"])", true, "['\u00e9\u4e2d']"},
        ReprCase{"NoBreakSpace", R"(["\u00a0"])", true, R"(['\xa0'])"},
        ReprCase{"LineSeparator", R"(["\u2028"])", true, R"(['\u2028'])"},
        ReprCase{"ZeroWidthJoinerFormatChar", R"(["\u200d"])", true, R"(['\u200d'])"},
        ReprCase{"UnassignedCodePoint", R"(["\u0378"])", true, R"(['\u0378'])"},
        ReprCase{"AstralFormatChar", R"(["\udb40\udc01"])", true, R"(['\U000e0001'])"},
        ReprCase{"AstralPrintable", R"(["\ud83d\ude00"])", true, "['\U0001F600']"},
        ReprCase{"DictKeysQuoted", R"({"it's": "x"})", true, R"({"it's": 'x'})"}),
    [](const auto& info) { return std::string(info.param.name); });

struct FloatCase {
  const char* name;
  double in;
  const char* repr;
};

class SurveyPyFloatRepr : public ::testing::TestWithParam<FloatCase> {};

TEST_P(SurveyPyFloatRepr, MatchesPythonRepr) {
  EXPECT_EQ(PyFloatRepr(GetParam().in), GetParam().repr);
}

INSTANTIATE_TEST_SUITE_P(
    Survey, SurveyPyFloatRepr,
    ::testing::Values(FloatCase{"One", 1.0, "1.0"}, FloatCase{"Half", 3.5, "3.5"},
                      FloatCase{"Tenth", 0.1, "0.1"}, FloatCase{"Negative", -2.5, "-2.5"},
                      FloatCase{"NegativeZero", -0.0, "-0.0"}, FloatCase{"Zero", 0.0, "0.0"},
                      FloatCase{"HundredThousand", 100000.0, "100000.0"},
                      FloatCase{"E15Fixed", 1e15, "1000000000000000.0"},
                      FloatCase{"E16Scientific", 1e16, "1e+16"},
                      FloatCase{"MantissaScientific", 1.5e300, "1.5e+300"},
                      FloatCase{"SmallFixed", 0.0001, "0.0001"},
                      FloatCase{"SmallScientific", 0.00001, "1e-05"},
                      FloatCase{"SmallMantissa", 2.5e-7, "2.5e-07"},
                      FloatCase{"Fraction", 123456789.125, "123456789.125"},
                      FloatCase{"Shortest", 704.438, "704.438"},
                      FloatCase{"ThirdRoundTrip", 1.0 / 3, "0.3333333333333333"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SurveyPython, EqualsComparesNumbersAcrossKinds) {
  auto eq = [](const char* a, const char* b) { return PyEquals(json::parse(a), json::parse(b)); };
  EXPECT_TRUE(eq("1", "1.0"));
  EXPECT_TRUE(eq("true", "1"));
  EXPECT_TRUE(eq("false", "0.0"));
  EXPECT_FALSE(eq("1", "\"1\""));
  EXPECT_FALSE(eq("1.5", "1"));
  EXPECT_TRUE(eq("[1, {\"a\": [2]}]", "[1.0, {\"a\": [2]}]"));
  EXPECT_FALSE(eq("[1]", "[1, 2]"));
  EXPECT_TRUE(eq("{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"a\": 1}"));
  EXPECT_FALSE(eq("{\"a\": 1}", "{\"a\": 1, \"b\": 2}"));
  EXPECT_TRUE(eq("null", "null"));
  EXPECT_FALSE(eq("null", "0"));
  EXPECT_TRUE(eq("18446744073709551615", "18446744073709551615"));
  EXPECT_FALSE(eq("18446744073709551615", "-1"));
}

TEST(SurveyPython, ContainsFollowsTheContainer) {
  auto in = [](const char* c, const char* i) { return PyContains(json::parse(c), json::parse(i)); };
  EXPECT_TRUE(in(R"(["a", "b"])", R"("a")"));
  EXPECT_FALSE(in(R"(["a", "b"])", R"("c")"));
  EXPECT_TRUE(in("[1, 2]", "true"));              // True == 1
  EXPECT_TRUE(in(R"("red\ngreen")", R"("re")"));  // substring (PF-14)
  EXPECT_FALSE(in(R"("red")", "1"));              // non-string item
  EXPECT_TRUE(in(R"({"a": 1})", R"("a")"));       // dict keys
  EXPECT_FALSE(in(R"({"a": 1})", "1"));
  EXPECT_FALSE(in("5", "5"));
}

TEST(SurveyPython, TruthinessAndTypeNames) {
  for (const char* falsy : {"null", "false", "0", "0.0", "\"\"", "[]", "{}"}) {
    EXPECT_FALSE(PyTruthy(json::parse(falsy))) << falsy;
  }
  for (const char* truthy : {"true", "1", "-1", "0.5", "\"x\"", "[0]", "{\"a\": null}"}) {
    EXPECT_TRUE(PyTruthy(json::parse(truthy))) << truthy;
  }
  EXPECT_EQ(PyTypeName(json::parse("null")), "NoneType");
  EXPECT_EQ(PyTypeName(json::parse("true")), "bool");
  EXPECT_EQ(PyTypeName(json::parse("1")), "int");
  EXPECT_EQ(PyTypeName(json::parse("1.5")), "float");
  EXPECT_EQ(PyTypeName(json::parse("\"\"")), "str");
  EXPECT_EQ(PyTypeName(json::parse("[]")), "list");
  EXPECT_EQ(PyTypeName(json::parse("{}")), "dict");
}

TEST(SurveyPython, PrintableMatchesPython311) {
  EXPECT_TRUE(PyIsPrintable(' '));
  EXPECT_TRUE(PyIsPrintable(U'\u00e9'));
  EXPECT_TRUE(PyIsPrintable(U'\U0001F600'));
  EXPECT_FALSE(PyIsPrintable('\n'));
  EXPECT_FALSE(PyIsPrintable(0xA0));      // Zs
  EXPECT_FALSE(PyIsPrintable(0x0600));    // Cf
  EXPECT_FALSE(PyIsPrintable(0xE000));    // Co
  EXPECT_FALSE(PyIsPrintable(0x10FFFF));  // Cn
}

TEST(SurveyPython, LenCountsCodePoints) {
  EXPECT_EQ(PyLen(""), 0u);
  EXPECT_EQ(PyLen("abc"), 3u);
  EXPECT_EQ(PyLen("h\u00e9\u00e9"), 3u);
  EXPECT_EQ(PyLen("\U0001F600"), 1u);
}

TEST(SurveyPython, SplitLinesLikePython) {
  using V = std::vector<std::string>;
  EXPECT_EQ(PySplitLines(""), V{});
  EXPECT_EQ(PySplitLines("a\n"), V{"a"});
  EXPECT_EQ(PySplitLines("\n"), V{""});
  EXPECT_EQ(PySplitLines("a\r\nb\rc\nd"), (V{"a", "b", "c", "d"}));
  EXPECT_EQ(PySplitLines("a\n\nb"), (V{"a", "", "b"}));
  EXPECT_EQ(PySplitLines("a\vb\fc\u2028d"), (V{"a", "b", "c", "d"}));
  EXPECT_EQ(PySplitNonBlankLines("a\n\n  \n b\r\n\t\nc\n"), (V{"a", " b", "c"}));
}

TEST(SurveyPython, ChoiceListFromListOrString) {
  EXPECT_EQ(json::value(*SurveyChoiceList(json::parse(R"("a\n\nb\n")"))),
            json::parse(R"(["a","b"])"));
  EXPECT_EQ(json::value(*SurveyChoiceList(json::parse(R"(["a", ""])"))),
            json::parse(R"(["a",""])"));
  EXPECT_FALSE(SurveyChoiceList(json::parse("null")).has_value());
}

}  // namespace
}  // namespace baton::domain
