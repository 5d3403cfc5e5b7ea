// LA-8 answer validation (every message), LA-6 step 2 over a spec, LA-11 survey defaults and
// LA-10 password answers (workflow-semantics.md §3.3-§3.7).
#include <gtest/gtest.h>

#include "domain/survey.hpp"

namespace baton::domain {
namespace {

using Errors = std::vector<std::string>;

json::object Obj(const std::string& text) {
  return json::parse(text).as_object();
}

constexpr std::string_view kTestPrefix = "$encrypted$TEST$";
std::string FakeEncrypt(std::string_view s) {
  return std::string(kTestPrefix) + std::string(s);
}
std::optional<std::string> FakeDecrypt(std::string_view s) {
  if (s.substr(0, kTestPrefix.size()) != kTestPrefix) return std::nullopt;
  return std::string(s.substr(kTestPrefix.size()));
}

struct AnswerCase {
  const char* name;
  const char* question;
  const char* vars;
  Errors errors;
};

class SurveyAnswer : public ::testing::TestWithParam<AnswerCase> {};

TEST_P(SurveyAnswer, MessagesInAwxWordsAndOrder) {
  const auto& c = GetParam();
  EXPECT_EQ(ValidateSurveyAnswer(Obj(c.question), Obj(c.vars)), c.errors) << c.vars;
}

auto CaseName = [](const auto& info) { return std::string(info.param.name); };

// LA-8.1 / LA-8.2: placeholders and missing values.
INSTANTIATE_TEST_SUITE_P(
    SurveyLA8Missing, SurveyAnswer,
    ::testing::Values(
        AnswerCase{"RequiredAbsent",
                   R"({"type": "text", "variable": "a", "required": true})",
                   "{}",
                   {"'a' value missing"}},
        AnswerCase{"RequiredAbsentWithDefaultPF8",
                   R"({"type": "text", "variable": "a", "required": true, "default": "x"})",
                   "{}",
                   {"'a' value missing"}},
        AnswerCase{"RequiredIntegerAbsent",
                   R"({"type": "integer", "variable": "n", "required": true})",
                   R"({"other": 1})",
                   {"'n' value missing"}},
        AnswerCase{"OptionalAbsent",
                   R"({"type": "integer", "variable": "a", "required": false})",
                   "{}",
                   {}},
        AnswerCase{
            "OptionalChoiceAbsent",
            R"({"type": "multiplechoice", "variable": "a", "required": false, "choices": "x"})",
            "{}",
            {}},
        AnswerCase{"PlaceholderOptionalNoDefault",
                   R"({"type": "password", "variable": "p", "required": false})",
                   R"({"p": "$encrypted$"})",
                   {}},
        AnswerCase{"PlaceholderRequiredNoDefault",
                   R"({"type": "password", "variable": "p", "required": true})",
                   R"({"p": "$encrypted$"})",
                   {"'p' value missing"}},
        AnswerCase{"PlaceholderRequiredNullDefault",
                   R"({"type": "password", "variable": "p", "required": true, "default": null})",
                   R"({"p": "$encrypted$"})",
                   {"'p' value missing"}},
        AnswerCase{"PlaceholderRequiredEmptyDefault",
                   R"({"type": "password", "variable": "p", "required": true, "default": ""})",
                   R"({"p": "$encrypted$"})",
                   {}},
        AnswerCase{"PlaceholderNotCheckedAgainstMax",
                   R"({"type": "password", "variable": "p", "required": false, "max": 3})",
                   R"({"p": "$encrypted$"})",
                   {}},
        AnswerCase{"PlaceholderOnTextIsAValue",
                   R"({"type": "text", "variable": "t", "required": true, "max": 3})",
                   R"({"t": "$encrypted$"})",
                   {"'t' value $encrypted$ is too large (must be no more than 3)."}}),
    CaseName);

// LA-8.3: text, textarea, password.
INSTANTIATE_TEST_SUITE_P(
    SurveyLA8Text, SurveyAnswer,
    ::testing::Values(
        AnswerCase{"Int",
                   R"({"type": "text", "variable": "a", "required": false})",
                   R"({"a": 5})",
                   {"Value 5 for 'a' expected to be a string."}},
        AnswerCase{"Bool",
                   R"({"type": "textarea", "variable": "a", "required": false})",
                   R"({"a": false})",
                   {"Value False for 'a' expected to be a string."}},
        AnswerCase{"Null",
                   R"({"type": "text", "variable": "a", "required": true})",
                   R"({"a": null})",
                   {"Value None for 'a' expected to be a string."}},
        AnswerCase{"Float",
                   R"({"type": "text", "variable": "a", "required": false})",
                   R"({"a": 3.5})",
                   {"Value 3.5 for 'a' expected to be a string."}},
        AnswerCase{"List",
                   R"({"type": "password", "variable": "secret_value", "required": false})",
                   R"({"secret_value": ["a", 1]})",
                   {"Value ['a', 1] for 'secret_value' expected to be a string."}},
        AnswerCase{"Dict",
                   R"({"type": "password", "variable": "secret_value", "required": false})",
                   R"({"secret_value": {"a": "b"}})",
                   {"Value {'a': 'b'} for 'secret_value' expected to be a string."}},
        AnswerCase{"TypeErrorSkipsLimits",
                   R"({"type": "text", "variable": "a", "required": false, "min": 5, "max": 1})",
                   R"({"a": 5})",
                   {"Value 5 for 'a' expected to be a string."}},
        AnswerCase{"TooShort",
                   R"({"type": "text", "variable": "a", "required": false, "min": 3})",
                   R"({"a": "ab"})",
                   {"'a' value ab is too small (length is 2 must be at least 3)."}},
        AnswerCase{"TooLong",
                   R"({"type": "textarea", "variable": "a", "required": false, "max": 3})",
                   R"({"a": "abcd"})",
                   {"'a' value abcd is too large (must be no more than 3)."}},
        AnswerCase{"PasswordTooLong",
                   R"({"type": "password", "variable": "x", "required": false, "max": 3})",
                   R"({"x": "yyyy"})",
                   {"'x' value yyyy is too large (must be no more than 3)."}},
        AnswerCase{"BothLimits",
                   R"({"type": "text", "variable": "a", "required": false, "min": 5, "max": 1})",
                   R"({"a": "abc"})",
                   {"'a' value abc is too small (length is 3 must be at least 5).",
                    "'a' value abc is too large (must be no more than 1)."}},
        AnswerCase{"EmptyStringTooShort",
                   R"({"type": "text", "variable": "a", "required": false, "min": 1})",
                   R"({"a": ""})",
                   {"'a' value  is too small (length is 0 must be at least 1)."}},
        AnswerCase{"LengthInCodePoints",
                   R"({"type": "text", "variable": "a", "required": false, "min": 4, "max": 2})",
                   R"({"a": "h\u00e9\u00e9"})",
                   {"'a' value h\u00e9\u00e9 is too small (length is 3 must be at least 4).",
                    "'a' value h\u00e9\u00e9 is too large (must be no more than 2)."}},
        AnswerCase{"WithinLimits",
                   R"({"type": "text", "variable": "a", "required": false, "min": 1, "max": 3})",
                   R"({"a": "abc"})",
                   {}},
        AnswerCase{
            "BlankAndNullLimitsIgnored",
            R"({"type": "text", "variable": "a", "required": false, "min": "", "max": null})",
            R"({"a": ""})",
            {}},
        AnswerCase{"BoolLimitShownAsPython",
                   R"({"type": "text", "variable": "a", "required": false, "max": true})",
                   R"({"a": "ab"})",
                   {"'a' value ab is too large (must be no more than True)."}}),
    CaseName);

// LA-8.4 integer, LA-8.5 float.
INSTANTIATE_TEST_SUITE_P(
    SurveyLA8Numbers, SurveyAnswer,
    ::testing::Values(
        AnswerCase{"IntegralFloatNotInteger",
                   R"({"type": "integer", "variable": "n", "required": false})",
                   R"({"n": 5.0})",
                   {"Value 5.0 for 'n' expected to be an integer."}},
        AnswerCase{"BoolNotInteger",
                   R"({"type": "integer", "variable": "n", "required": false})",
                   R"({"n": true})",
                   {"Value True for 'n' expected to be an integer."}},
        AnswerCase{"StringNotInteger",
                   R"({"type": "integer", "variable": "n", "required": false})",
                   R"({"n": "5"})",
                   {"Value 5 for 'n' expected to be an integer."}},
        AnswerCase{"IntegerTooSmall",
                   R"({"type": "integer", "variable": "n", "required": false, "min": 3})",
                   R"({"n": 1})",
                   {"'n' value 1 is too small (must be at least 3)."}},
        AnswerCase{"IntegerTooLarge",
                   R"({"type": "integer", "variable": "n", "required": false, "max": 3})",
                   R"({"n": 10})",
                   {"'n' value 10 is too large (must be no more than 3)."}},
        AnswerCase{"NegativeTooSmall",
                   R"({"type": "integer", "variable": "n", "required": false, "min": -3})",
                   R"({"n": -5})",
                   {"'n' value -5 is too small (must be at least -3)."}},
        AnswerCase{"Uint64TooLarge",
                   R"({"type": "integer", "variable": "n", "required": false, "max": 3})",
                   R"({"n": 18446744073709551615})",
                   {"'n' value 18446744073709551615 is too large (must be no more than 3)."}},
        AnswerCase{"IntegerAtLimits",
                   R"({"type": "integer", "variable": "n", "required": false, "min": 3, "max": 3})",
                   R"({"n": 3})",
                   {}},
        AnswerCase{"StringNotNumeric",
                   R"({"type": "float", "variable": "f", "required": false})",
                   R"({"f": "1.5"})",
                   {"Value 1.5 for 'f' expected to be a numeric type."}},
        AnswerCase{"BoolNotNumeric",
                   R"({"type": "float", "variable": "f", "required": false})",
                   R"({"f": false})",
                   {"Value False for 'f' expected to be a numeric type."}},
        AnswerCase{"NullNotNumeric",
                   R"({"type": "float", "variable": "f", "required": false})",
                   R"({"f": null})",
                   {"Value None for 'f' expected to be a numeric type."}},
        AnswerCase{"FloatAcceptsInt",
                   R"({"type": "float", "variable": "f", "required": false})",
                   R"({"f": 2})",
                   {}},
        AnswerCase{"FloatIntTooSmall",
                   R"({"type": "float", "variable": "f", "required": false, "min": 3})",
                   R"({"f": 2})",
                   {"'f' value 2 is too small (must be at least 3)."}},
        AnswerCase{"FloatTooSmall",
                   R"({"type": "float", "variable": "f", "required": false, "min": 3})",
                   R"({"f": 2.5})",
                   {"'f' value 2.5 is too small (must be at least 3)."}},
        AnswerCase{"FloatTooLarge",
                   R"({"type": "float", "variable": "f", "required": false, "max": 3})",
                   R"({"f": 3.5})",
                   {"'f' value 3.5 is too large (must be no more than 3)."}},
        AnswerCase{"FloatShownAsPythonRepr",
                   R"({"type": "float", "variable": "f", "required": false, "max": 3})",
                   R"({"f": 100000.0})",
                   {"'f' value 100000.0 is too large (must be no more than 3)."}},
        AnswerCase{"FloatAtLimit",
                   R"({"type": "float", "variable": "f", "required": false, "min": 3, "max": 3})",
                   R"({"f": 3.0})",
                   {}}),
    CaseName);

// LA-8.6 multiselect, LA-8.7 multiplechoice; choices as list or newline string.
INSTANTIATE_TEST_SUITE_P(
    SurveyLA8Choices, SurveyAnswer,
    ::testing::Values(
        AnswerCase{
            "MultiselectNotList",
            R"({"type": "multiselect", "variable": "m", "required": false, "choices": ["a"]})",
            R"({"m": "a"})",
            {"'m' value is expected to be a list."}},
        AnswerCase{
            "MultiselectOneMessagePerBadElement",
            R"({"type": "multiselect", "variable": "m", "required": false, "choices": ["a", "b"]})",
            R"({"m": ["x", "a", "y"]})",
            {"Value x for 'm' expected to be one of ['a', 'b'].",
             "Value y for 'm' expected to be one of ['a', 'b']."}},
        AnswerCase{
            "MultiselectStringChoicesWithoutBlankLines",
            R"({"type": "multiselect", "variable": "m", "required": false, "choices": "a\n\nb\n"})",
            R"({"m": ["c"]})",
            {"Value c for 'm' expected to be one of ['a', 'b']."}},
        AnswerCase{
            "MultiselectIntIsNotStringChoice",
            R"({"type": "multiselect", "variable": "m", "required": false, "choices": ["1"]})",
            R"({"m": [1]})",
            {"Value 1 for 'm' expected to be one of ['1']."}},
        AnswerCase{
            "MultiselectValid",
            R"({"type": "multiselect", "variable": "m", "required": true, "choices": "a\nb"})",
            R"({"m": ["b", "a"]})",
            {}},
        AnswerCase{"MultiselectEmptyList",
                   R"({"type": "multiselect", "variable": "m", "required": true, "choices": "a"})",
                   R"({"m": []})",
                   {}},
        AnswerCase{
            "MultiselectPythonEquality",
            R"({"type": "multiselect", "variable": "m", "required": false, "choices": [1, 2]})",
            R"({"m": [1.0, true]})",
            {}},
        AnswerCase{
            "MultiplechoiceNotAChoice",
            R"({"type": "multiplechoice", "variable": "c", "required": false, "choices": "a\nb"})",
            R"({"c": "z"})",
            {"Value z for 'c' expected to be one of ['a', 'b']."}},
        AnswerCase{
            "MultiplechoiceList",
            R"({"type": "multiplechoice", "variable": "c", "required": false, "choices": ["a"]})",
            R"({"c": ["a"]})",
            {"Value ['a'] for 'c' expected to be one of ['a']."}},
        AnswerCase{
            "MultiplechoiceNull",
            R"({"type": "multiplechoice", "variable": "c", "required": false, "choices": ["a"]})",
            R"({"c": null})",
            {"Value None for 'c' expected to be one of ['a']."}},
        AnswerCase{
            "MultiplechoiceEmptyString",
            R"({"type": "multiplechoice", "variable": "c", "required": false, "choices": "a\nb"})",
            R"({"c": ""})",
            {"Value  for 'c' expected to be one of ['a', 'b']."}},
        AnswerCase{
            "ChoicesReprQuotes",
            R"({"type": "multiplechoice", "variable": "c", "required": false, "choices": ["it's", "x\ny"]})",
            R"({"c": "z"})",
            {"Value z for 'c' expected to be one of [\"it's\", 'x\\ny']."}},
        AnswerCase{
            "MultiplechoiceValid",
            R"({"type": "multiplechoice", "variable": "c", "required": true, "choices": "a\r\nb"})",
            R"({"c": "b"})",
            {}}),
    CaseName);

// DM-6: workflow node prompts suppress "required" errors.
TEST(SurveyLA8Options, RequiredErrorsSuppressed) {
  SurveyAnswerOptions options;
  options.validate_required = false;
  auto q = Obj(R"({"type": "password", "variable": "p", "required": true})");
  EXPECT_EQ(ValidateSurveyAnswer(q, {}, options), Errors{});
  EXPECT_EQ(ValidateSurveyAnswer(q, Obj(R"({"p": "$encrypted$"})"), options), Errors{});
  EXPECT_EQ(ValidateSurveyAnswer(q, Obj(R"({"p": 1})"), options),
            Errors{"Value 1 for 'p' expected to be a string."});
}

// LA-6 step 2: every question in spec order; the vars of failing questions are rejected.
TEST(SurveyLA6, ErrorsOfEveryQuestionAndRejectedVars) {
  auto spec = Obj(R"({"spec": [
      {"type": "text", "variable": "a", "required": true},
      {"type": "integer", "variable": "b", "required": false, "max": 3},
      {"type": "text", "variable": "c", "required": false},
      {"type": "float", "variable": "d", "required": false}]})");
  auto check = ValidateSurveyAnswers(spec, Obj(R"({"b": 7, "c": "ok", "d": "x", "z": 1})"));
  EXPECT_EQ(check.errors,
            (Errors{"'a' value missing", "'b' value 7 is too large (must be no more than 3).",
                    "Value x for 'd' expected to be a numeric type."}));
  EXPECT_EQ(check.rejected, (std::vector<std::string>{"b", "d"}));

  auto clean = ValidateSurveyAnswers(spec, Obj(R"({"a": "x", "b": 1})"));
  EXPECT_TRUE(clean.errors.empty());
  EXPECT_TRUE(clean.rejected.empty());
  EXPECT_TRUE(ValidateSurveyAnswers({}, Obj(R"({"a": 1})")).errors.empty());
}

// LA-6 step 2: replayed encrypted password answers are validated decrypted.
TEST(SurveyLA6, ReplayedPasswordsValidatedDecrypted) {
  auto spec =
      Obj(R"({"spec": [{"type": "password", "variable": "p", "required": true, "max": 3}]})");
  auto vars = Obj(R"({"p": "$encrypted$TEST$ab"})");
  SurveyAnswerOptions replay;
  replay.survey_passwords = Obj(R"({"p": "$encrypted$"})");
  replay.decrypt = FakeDecrypt;
  EXPECT_TRUE(ValidateSurveyAnswers(spec, vars, replay).errors.empty());

  // Without the survey_passwords entry the stored text itself is checked.
  EXPECT_EQ(ValidateSurveyAnswers(spec, vars).errors,
            Errors{"'p' value $encrypted$TEST$ab is too large (must be no more than 3)."});

  auto long_vars = Obj(R"({"p": "$encrypted$TEST$abcd"})");
  auto check = ValidateSurveyAnswers(spec, long_vars, replay);
  EXPECT_EQ(check.errors, Errors{"'p' value abcd is too large (must be no more than 3)."});
  EXPECT_EQ(check.rejected, std::vector<std::string>{"p"});
}

struct DefaultsCase {
  const char* name;
  const char* question;
  const char* defaults;
};

class SurveyDefaultsLA11 : public ::testing::TestWithParam<DefaultsCase> {};

TEST_P(SurveyDefaultsLA11, OnlyValidNonNullDefaults) {
  const auto& c = GetParam();
  auto spec = Obj(std::string(R"({"spec": [)") + c.question + "]}");
  EXPECT_EQ(SurveyDefaults(spec, FakeDecrypt), Obj(c.defaults));
}

INSTANTIATE_TEST_SUITE_P(
    Survey, SurveyDefaultsLA11,
    ::testing::Values(
        DefaultsCase{"Text",
                     R"({"type": "text", "variable": "a", "required": false, "default": "hi"})",
                     R"({"a": "hi"})"},
        DefaultsCase{"RequiredText",
                     R"({"type": "text", "variable": "a", "required": true, "default": "hi"})",
                     R"({"a": "hi"})"},
        DefaultsCase{
            "TextTooShort",
            R"({"type": "text", "variable": "a", "required": false, "min": 3, "default": "hi"})",
            "{}"},
        DefaultsCase{
            "IntegerBelowMin",
            R"({"type": "integer", "variable": "a", "required": false, "min": 3, "default": 1})",
            "{}"},
        DefaultsCase{"Integer",
                     R"({"type": "integer", "variable": "a", "required": false, "default": 5})",
                     R"({"a": 5})"},
        DefaultsCase{"IntegerEmptyString",
                     R"({"type": "integer", "variable": "a", "required": false, "default": ""})",
                     "{}"},
        DefaultsCase{"IntegerBool",
                     R"({"type": "integer", "variable": "a", "required": false, "default": true})",
                     "{}"},
        DefaultsCase{"FloatFromInt",
                     R"({"type": "float", "variable": "a", "required": false, "default": 2})",
                     R"({"a": 2})"},
        DefaultsCase{
            "MultiplechoiceEmpty",
            R"({"type": "multiplechoice", "variable": "a", "required": false, "choices": "x\ny", "default": ""})",
            "{}"},
        DefaultsCase{
            "MultiplechoiceNotAChoice",
            R"({"type": "multiplechoice", "variable": "a", "required": false, "choices": "x\ny", "default": "z"})",
            "{}"},
        DefaultsCase{
            "Multiplechoice",
            R"({"type": "multiplechoice", "variable": "a", "required": false, "choices": "x\ny", "default": "y"})",
            R"({"a": "y"})"},
        DefaultsCase{
            "MultiselectStringPF14",
            R"({"type": "multiselect", "variable": "a", "required": false, "choices": "x\ny", "default": "x"})",
            "{}"},
        DefaultsCase{"NullDefault",
                     R"({"type": "text", "variable": "a", "required": false, "default": null})",
                     "{}"},
        DefaultsCase{"NoDefault", R"({"type": "text", "variable": "a", "required": true})", "{}"},
        DefaultsCase{
            "PasswordEncryptedKeptEncrypted",
            R"({"type": "password", "variable": "a", "required": false, "max": 3, "default": "$encrypted$TEST$abc"})",
            R"({"a": "$encrypted$TEST$abc"})"},
        DefaultsCase{
            "PasswordDecryptedTooLong",
            R"({"type": "password", "variable": "a", "required": false, "max": 3, "default": "$encrypted$TEST$abcd"})",
            "{}"},
        DefaultsCase{
            "PasswordUndecryptable",
            R"({"type": "password", "variable": "a", "required": false, "default": "$encrypted$OTHER$x"})",
            "{}"},
        DefaultsCase{"PasswordEmpty",
                     R"({"type": "password", "variable": "a", "required": true, "default": ""})",
                     R"({"a": ""})"}),
    CaseName);

TEST(SurveyDefaults, EveryQuestionInOrder) {
  auto spec = Obj(R"({"spec": [
      {"type": "text", "variable": "a", "required": false, "default": "x"},
      {"type": "integer", "variable": "b", "required": false, "min": 5, "default": 1},
      {"type": "float", "variable": "c", "required": false, "default": 1.5}]})");
  EXPECT_EQ(SurveyDefaults(spec, FakeDecrypt), Obj(R"({"a": "x", "c": 1.5})"));
  EXPECT_EQ(SurveyDefaults({}, FakeDecrypt), json::object{});
}

// LA-10: the launch pipeline for one password question `x` with max 3: LA-6 validation, placeholder
// dropped, LA-11 defaults merged under the runtime vars; the result shown decrypted.
struct LaunchResult {
  int status;
  json::object vars;
};

LaunchResult Launch(const std::string& question_extra, bool required, const std::string& value) {
  std::string q =
      R"({"type": "password", "question_name": "Q", "variable": "x", "max": 3, "required": )" +
      std::string(required ? "true" : "false") + question_extra + "}";
  auto posted = json::parse(R"({"name": "", "description": "", "spec": [)" + q + "]}");
  EXPECT_FALSE(ValidateSurveySpec(posted, {}).has_value());
  json::object spec = NormalizeSurveySpec(posted.as_object(), {}, FakeEncrypt);
  json::object vars{{"x", value}};
  if (!ValidateSurveyAnswers(spec, vars).errors.empty()) return {400, {}};
  json::object merged = SurveyDefaults(spec, FakeDecrypt);
  for (auto& kv : DropPasswordPlaceholders(spec, vars)) merged[kv.key()] = kv.value();
  merged = EncryptPasswordAnswers(spec, merged, FakeEncrypt);
  for (auto& kv : merged) {
    if (kv.value().is_string()) {
      if (auto plain = FakeDecrypt(kv.value().as_string())) kv.value() = *plain;
    }
  }
  return {201, merged};
}

struct PasswordCase {
  const char* name;
  const char* question_extra;  // appended to the question's members
  bool required;
  std::string value;
  int status;
  const char* vars;  // decrypted result on 201
};

class SurveyPasswordLaunchLA10 : public ::testing::TestWithParam<PasswordCase> {};

TEST_P(SurveyPasswordLaunchLA10, MatchesAwxTable) {
  const auto& c = GetParam();
  auto r = Launch(c.question_extra, c.required, c.value);
  EXPECT_EQ(r.status, c.status);
  if (c.status == 201) {
    EXPECT_EQ(r.vars, Obj(c.vars));
  }
}

const std::string kLong(100, 'y');
const std::string kLongDefault = R"(, "default": ")" + std::string(100, 'x') + R"(")";

INSTANTIATE_TEST_SUITE_P(
    Survey, SurveyPasswordLaunchLA10,
    ::testing::Values(
        PasswordCase{"EmptyDefaultPlaceholder", R"(, "default": "")", false, "$encrypted$", 201,
                     R"({"x": ""})"},
        PasswordCase{"EmptyDefaultValue", R"(, "default": "")", false, "y", 201, R"({"x": "y"})"},
        PasswordCase{"EmptyDefaultTooLong", R"(, "default": "")", false, kLong, 400, ""},
        PasswordCase{"NoDefaultPlaceholder", "", false, "$encrypted$", 201, "{}"},
        PasswordCase{"NoDefaultValue", "", false, "y", 201, R"({"x": "y"})"},
        PasswordCase{"NoDefaultTooLong", "", false, kLong, 400, ""},
        PasswordCase{"DefaultPlaceholder", R"(, "default": "x")", false, "$encrypted$", 201,
                     R"({"x": "x"})"},
        PasswordCase{"DefaultValue", R"(, "default": "x")", false, "y", 201, R"({"x": "y"})"},
        PasswordCase{"DefaultTooLong", R"(, "default": "x")", false, kLong, 400, ""},
        PasswordCase{"InvalidDefaultPlaceholderIgnored", kLongDefault.c_str(), false, "$encrypted$",
                     201, "{}"},
        PasswordCase{"InvalidDefaultValue", kLongDefault.c_str(), false, "y", 201, R"({"x": "y"})"},
        PasswordCase{"InvalidDefaultTooLong", kLongDefault.c_str(), false, kLong, 400, ""},
        PasswordCase{"RequiredEmptyDefaultPlaceholder", R"(, "default": "")", true, "$encrypted$",
                     201, R"({"x": ""})"},
        PasswordCase{"RequiredNoDefaultPlaceholder", "", true, "$encrypted$", 400, ""},
        PasswordCase{"RequiredNoDefaultValue", "", true, "y", 201, R"({"x": "y"})"}),
    CaseName);

// LA-10 building blocks.
TEST(SurveyLA10, PlaceholdersDroppedOnlyForPasswordQuestions) {
  auto spec = Obj(R"({"spec": [{"type": "password", "variable": "p", "required": false},
                               {"type": "text", "variable": "t", "required": false}]})");
  EXPECT_EQ(
      DropPasswordPlaceholders(spec, Obj(R"({"p": "$encrypted$", "t": "$encrypted$", "o": 1})")),
      Obj(R"({"t": "$encrypted$", "o": 1})"));
  EXPECT_EQ(DropPasswordPlaceholders(spec, Obj(R"({"p": "$encrypted$x"})")),
            Obj(R"({"p": "$encrypted$x"})"));
}

TEST(SurveyLA10, AnswersEncryptedExceptEmptyAndAlreadyEncrypted) {
  auto spec = Obj(R"({"spec": [{"type": "password", "variable": "a", "required": false},
                               {"type": "password", "variable": "b", "required": false},
                               {"type": "password", "variable": "c", "required": false},
                               {"type": "password", "variable": "d", "required": false},
                               {"type": "text", "variable": "t", "required": false}]})");
  auto out = EncryptPasswordAnswers(
      spec, Obj(R"({"a": "s3cret", "b": "", "c": "$encrypted$OLD", "t": "visible"})"), FakeEncrypt);
  EXPECT_EQ(
      out,
      Obj(R"({"a": "$encrypted$TEST$s3cret", "b": "", "c": "$encrypted$OLD", "t": "visible"})"));
}

TEST(SurveyLA10, SurveyPasswordsListEveryPasswordQuestion) {
  auto spec = Obj(R"({"spec": [{"type": "password", "variable": "a", "required": false},
                               {"type": "text", "variable": "t", "required": false},
                               {"type": "password", "variable": "b", "required": true}]})");
  EXPECT_EQ(SurveyPasswords(spec), Obj(R"({"a": "$encrypted$", "b": "$encrypted$"})"));
  EXPECT_EQ(SurveyPasswords({}), json::object{});
}

TEST(SurveyLA10, RedactionReplacesOnlyPresentKeys) {
  auto passwords = Obj(R"({"a": "$encrypted$", "b": "$encrypted$"})");
  EXPECT_EQ(RedactSurveyPasswords(Obj(R"({"a": "$encrypted$TEST$x", "c": "shown"})"), passwords),
            Obj(R"({"a": "$encrypted$", "c": "shown"})"));
}

}  // namespace
}  // namespace baton::domain
