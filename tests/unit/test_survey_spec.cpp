// LA-9 (workflow-semantics.md §3.5, api-contract.md §13.6): survey spec validation messages,
// normalisation on save, the masked GET view; LA-1/LA-10 spec-level variable lists.
#include <gtest/gtest.h>

#include "domain/survey.hpp"

namespace baton::domain {
namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

// A spec around one or more questions given as JSON text.
std::string Spec(const std::string& questions) {
  return R"({"name": "s", "description": "", "spec": [)" + questions + "]}";
}

// A question with the four required keys plus `extra` (JSON members, may be empty).
std::string Q(const std::string& type, const std::string& var, const std::string& extra = "") {
  std::string q = R"({"type": ")" + type + R"(", "question_name": "Q", "variable": ")" + var +
                  R"(", "required": false)";
  if (!extra.empty()) q += ", " + extra;
  return q + "}";
}

struct SpecCase {
  const char* name;
  std::string spec;
  std::string previous;  // stored spec, "" = {}
  const char* error;     // nullptr = valid
};

class SurveySpecValidation : public ::testing::TestWithParam<SpecCase> {};

TEST_P(SurveySpecValidation, FirstFailureWins) {
  const auto& c = GetParam();
  json::object previous = c.previous.empty() ? json::object{} : Obj(c.previous.c_str());
  auto error = ValidateSurveySpec(json::parse(c.spec), previous);
  if (c.error == nullptr) {
    EXPECT_FALSE(error.has_value()) << *error;
  } else {
    ASSERT_TRUE(error.has_value()) << c.spec;
    EXPECT_EQ(*error, c.error);
  }
}

const std::string kText = Q("text", "a");
const std::string kMissing = "Field 'spec' is missing from survey spec.";

// LA-9 validation step 1: top-level fields.
INSTANTIATE_TEST_SUITE_P(
    SurveyLA9TopLevel, SurveySpecValidation,
    ::testing::Values(
        SpecCase{"AllMissingReportsLast", "{}", "", "Field 'spec' is missing from survey spec."},
        SpecCase{"BodyNotObject", "[1]", "", "Field 'spec' is missing from survey spec."},
        SpecCase{"NameMissing", R"({"description": "", "spec": [)" + kText + "]}", "",
                 "Field 'name' is missing from survey spec."},
        SpecCase{"DescriptionMissing", R"({"name": "", "spec": [)" + kText + "]}", "",
                 "Field 'description' is missing from survey spec."},
        SpecCase{"NameInt", R"({"name": 5, "description": "", "spec": [)" + kText + "]}", "",
                 "Expected string for field 'name', received int type."},
        SpecCase{"DescriptionNull", R"({"name": "", "description": null, "spec": [)" + kText + "]}",
                 "", "Expected string for field 'description', received NoneType type."},
        SpecCase{"SpecString", R"({"name": "", "description": "", "spec": "x"})", "",
                 "Expected list of items for field 'spec', received str type."},
        SpecCase{"SpecDict", R"({"name": "", "description": "", "spec": {}})", "",
                 "Expected list of items for field 'spec', received dict type."},
        SpecCase{"SeveralWrongLastWins", R"({"name": 1.5, "description": "", "spec": true})", "",
                 "Expected list of items for field 'spec', received bool type."},
        SpecCase{"EmptySpec", R"({"name": "", "description": "", "spec": []})", "",
                 "'spec' doesn't contain any items."},
        SpecCase{"EmptySpecWinsOverName", R"({"name": [], "description": "", "spec": []})", "",
                 "'spec' doesn't contain any items."},
        SpecCase{"Valid", Spec(kText), "", nullptr}),
    [](const auto& info) { return std::string(info.param.name); });

// LA-9 validation step 2: per question, in order.
INSTANTIATE_TEST_SUITE_P(
    SurveyLA9Question, SurveySpecValidation,
    ::testing::Values(
        SpecCase{"NotObject", Spec("5"), "", "Survey question 0 is not a json object."},
        SpecCase{"SecondNotObject", Spec(kText + ", \"x\""), "",
                 "Survey question 1 is not a json object."},
        SpecCase{"TypeMissing",
                 Spec(R"({"question_name": "Q", "variable": "a", "required": true})"), "",
                 "'type' missing from survey question 0"},
        SpecCase{"QuestionNameMissing",
                 Spec(R"({"type": "text", "variable": "a", "required": true})"), "",
                 "'question_name' missing from survey question 0"},
        SpecCase{"VariableMissing",
                 Spec(R"({"type": "text", "question_name": "Q", "required": true})"), "",
                 "'variable' missing from survey question 0"},
        SpecCase{"RequiredMissing",
                 Spec(R"({"type": "text", "question_name": "Q", "variable": "a"})"), "",
                 "'required' missing from survey question 0"},
        SpecCase{"TypeNotString",
                 Spec(R"({"type": 5, "question_name": "Q", "variable": "a", "required": true})"),
                 "", "'type' in survey question 0 expected to be string."},
        SpecCase{
            "QuestionNameNotString",
            Spec(R"({"type": "text", "question_name": null, "variable": "a", "required": true})"),
            "", "'question_name' in survey question 0 expected to be string."},
        SpecCase{"VariableNotString",
                 Spec(R"({"type": "text", "question_name": "Q", "variable": 1, "required": true})"),
                 "", "'variable' in survey question 0 expected to be string."},
        SpecCase{
            "RequiredNotBoolean",
            Spec(R"({"type": "text", "question_name": "Q", "variable": "a", "required": "true"})"),
            "", "'required' in survey question 0 expected to be boolean."},
        SpecCase{"TypeCheckedBeforeLaterMissing", Spec(R"({"type": 1, "question_name": "Q"})"), "",
                 "'type' in survey question 0 expected to be string."},
        SpecCase{"DuplicateVariable", Spec(kText + ", " + Q("integer", "a")), "",
                 "'variable' 'a' duplicated in survey question 1."},
        SpecCase{"UnknownType", Spec(Q("bogus", "a")), "",
                 "'bogus' in survey question 0 is not one of 'text, textarea, password, "
                 "multiplechoice, multiselect, integer, float' allowed question types."},
        SpecCase{"TextDefaultInt", Spec(Q("text", "a", R"("default": 5)")), "",
                 "Default value 5 in survey question 0 expected to be string."},
        SpecCase{"TextDefaultNull", Spec(Q("text", "a", R"("default": null)")), "",
                 "Default value None in survey question 0 expected to be string."},
        SpecCase{"TextareaDefaultDict", Spec(Q("textarea", "a", R"("default": {"a": 1})")), "",
                 "Default value {'a': 1} in survey question 0 expected to be string."},
        SpecCase{"PasswordDefaultBool", Spec(Q("password", "a", R"("default": true)")), "",
                 "Default value True in survey question 0 expected to be string."},
        SpecCase{"MultiselectDefaultList",
                 Spec(Q("multiselect", "a", R"("choices": ["a"], "default": ["a", "b"])")), "",
                 "Default value ['a', 'b'] in survey question 0 expected to be string."},
        SpecCase{"MultiplechoiceDefaultInt",
                 Spec(Q("multiplechoice", "a", R"("choices": ["1"], "default": 1)")), "",
                 "Default value 1 in survey question 0 expected to be string."},
        SpecCase{"IntegerDefaultString", Spec(Q("integer", "a", R"("default": "5")")), "",
                 "Default value 5 in survey question 0 expected to be integer."},
        SpecCase{"IntegerDefaultFloat", Spec(Q("integer", "a", R"("default": 5.5)")), "",
                 "Default value 5.5 in survey question 0 expected to be integer."},
        SpecCase{"IntegerDefaultIntegralFloat", Spec(Q("integer", "a", R"("default": 5.0)")), "",
                 "Default value 5.0 in survey question 0 expected to be integer."},
        SpecCase{"FloatDefaultString", Spec(Q("float", "a", R"("default": "x")")), "",
                 "Default value x in survey question 0 expected to be float."},
        SpecCase{"FloatDefaultList", Spec(Q("float", "a", R"("default": [1.5])")), "",
                 "Default value [1.5] in survey question 0 expected to be float."},
        SpecCase{"MinEmptyString", Spec(Q("text", "a", R"("min": "")")), "",
                 "The min limit in survey question 0 expected to be integer."},
        SpecCase{"MinString", Spec(Q("text", "a", R"("min": "3")")), "",
                 "The min limit in survey question 0 expected to be integer."},
        SpecCase{"MaxFloat", Spec(Q("integer", "a", R"("min": 1, "max": 2.5)")), "",
                 "The max limit in survey question 0 expected to be integer."},
        SpecCase{"MultiplechoiceNoChoices", Spec(Q("multiplechoice", "a")), "",
                 "Survey question 0 of type multiplechoice must specify choices."},
        SpecCase{"MultiselectNoChoices", Spec(kText + ", " + Q("multiselect", "b")), "",
                 "Survey question 1 of type multiselect must specify choices."},
        SpecCase{"MultiplechoiceTwoDefaults",
                 Spec(Q("multiplechoice", "a", R"("choices": "a\nb", "default": "a\nb")")), "",
                 "Multiple Choice (Single Select) can only have one default value."},
        SpecCase{"DefaultNotAChoiceList",
                 Spec(Q("multiplechoice", "a", R"("choices": ["a", "b"], "default": "c")")), "",
                 "Default choice must be answered from the choices listed."},
        SpecCase{"DefaultNotAChoiceString",
                 Spec(Q("multiselect", "a", R"("choices": "a\nb", "default": "a\nc")")), "",
                 "Default choice must be answered from the choices listed."},
        SpecCase{"DefaultNotAChoiceOddChoices",
                 Spec(Q("multiplechoice", "a", R"("choices": 5, "default": "5")")), "",
                 "Default choice must be answered from the choices listed."},
        SpecCase{"ChoiceCheckedBeforeEncrypted",
                 Spec(Q("multiplechoice", "a", R"("choices": "a", "default": "$encrypted$")")), "",
                 "Default choice must be answered from the choices listed."},
        SpecCase{"EncryptedOnText", Spec(Q("text", "a", R"("default": "$encrypted$")")), "",
                 "$encrypted$ is a reserved keyword for password question defaults, survey "
                 "question 0 is type text."},
        SpecCase{"EncryptedPrefixOnTextarea",
                 Spec(kText + ", " + Q("textarea", "b", R"("default": "$encrypted$xyz")")), "",
                 "$encrypted$ is a reserved keyword for password question defaults, survey "
                 "question 1 is type textarea."},
        SpecCase{"EncryptedOnChoice",
                 Spec(Q("multiplechoice", "a",
                        R"("choices": "$encrypted$\nb", "default": "$encrypted$")")),
                 "",
                 "$encrypted$ is a reserved keyword for password question defaults, survey "
                 "question 0 is type multiplechoice."},
        SpecCase{
            "EncryptedNewPasswordDefault", Spec(Q("password", "a", R"("default": "$encrypted$")")),
            "",
            "$encrypted$ is a reserved keyword, may not be used for new default in position 0."},
        SpecCase{
            "EncryptedPrefixNewPasswordDefault",
            Spec(Q("password", "a", R"("default": "$encrypted$abc")")), "",
            "$encrypted$ is a reserved keyword, may not be used for new default in position 0."},
        SpecCase{
            "EncryptedPreviousPlain", Spec(Q("password", "a", R"("default": "$encrypted$")")),
            Spec(Q("password", "a", R"("default": "plain")")),
            "$encrypted$ is a reserved keyword, may not be used for new default in position 0."},
        SpecCase{
            "EncryptedPreviousNoDefault", Spec(Q("password", "a", R"("default": "$encrypted$")")),
            Spec(Q("password", "a")),
            "$encrypted$ is a reserved keyword, may not be used for new default in position 0."},
        SpecCase{
            "EncryptedPreviousOtherVariable",
            Spec(Q("password", "a", R"("default": "$encrypted$")")),
            Spec(Q("password", "b", R"("default": "$encrypted$OLD")")),
            "$encrypted$ is a reserved keyword, may not be used for new default in position 0."}),
    [](const auto& info) { return std::string(info.param.name); });

// LA-9: what passes (AWX's isinstance rules: bools are ints; "" skips the default type check).
INSTANTIATE_TEST_SUITE_P(
    SurveyLA9Valid, SurveySpecValidation,
    ::testing::Values(
        SpecCase{"EveryType",
                 Spec(Q("text", "t", R"("default": "x", "min": 0, "max": 10)") + ", " +
                      Q("textarea", "ta", R"("default": "")") + ", " +
                      Q("password", "p", R"("default": "secret")") + ", " +
                      Q("integer", "i", R"("default": 5, "min": null, "max": 10)") + ", " +
                      Q("float", "f", R"("default": 2.5)") + ", " +
                      Q("multiplechoice", "mc", R"("choices": "a\nb", "default": "b")") + ", " +
                      Q("multiselect", "ms", R"("choices": ["a", "b"], "default": "a\nb")")),
                 "", nullptr},
        SpecCase{"EmptyDefaultAnyType", Spec(Q("integer", "a", R"("default": "")")), "", nullptr},
        SpecCase{"FloatDefaultInt", Spec(Q("float", "a", R"("default": 5)")), "", nullptr},
        SpecCase{"IntegerDefaultBool", Spec(Q("integer", "a", R"("default": true)")), "", nullptr},
        SpecCase{"MinBool", Spec(Q("text", "a", R"("min": true)")), "", nullptr},
        SpecCase{"ChoiceDefaultBlankLinesIgnored",
                 Spec(Q("multiplechoice", "a", R"("choices": "a\n\nb\n", "default": "\na\n\n")")),
                 "", nullptr},
        SpecCase{"ChoiceDefaultEmpty",
                 Spec(Q("multiplechoice", "a", R"("choices": "a", "default": "")")), "", nullptr},
        SpecCase{"SubstringDefaultPF14",
                 Spec(Q("multiselect", "a", R"("choices": "red\ngreen", "default": "re")")), "",
                 nullptr},
        SpecCase{"EncryptedKeepsPreviousEncrypted",
                 Spec(Q("password", "a", R"("default": "$encrypted$")")),
                 Spec(Q("password", "a", R"("default": "$encrypted$OLD")")), nullptr},
        SpecCase{"EncryptedKeepsPreviousEmpty",
                 Spec(Q("password", "a", R"("default": "$encrypted$")")),
                 Spec(Q("password", "a", R"("default": "")")), nullptr}),
    [](const auto& info) { return std::string(info.param.name); });

std::string FakeEncrypt(std::string_view s) {
  return "$encrypted$TEST$" + std::string(s);
}

// LA-9 normalisation on save.
TEST(SurveyLA9Normalize, ChoicesAndChoiceDefaultsLoseBlankLines) {
  json::object spec =
      Obj(Spec(Q("multiplechoice", "a", R"("choices": "a\n\n b\n\r\nc\n", "default": "\nc\n")") +
               ", " + Q("multiselect", "b", R"("choices": ["x", ""], "default": "x\n\n")") + ", " +
               Q("text", "c", R"("choices": "a\n\nb", "default": "\nq\n")"))
              .c_str());
  json::object out = NormalizeSurveySpec(spec, {}, FakeEncrypt);
  const auto& qs = out.at("spec").as_array();
  EXPECT_EQ(qs[0].at("choices"), "a\n b\nc");
  EXPECT_EQ(qs[0].at("default"), "c");
  EXPECT_EQ(qs[1].at("choices"), json::parse(R"(["x", ""])"));
  EXPECT_EQ(qs[1].at("default"), "x");
  EXPECT_EQ(qs[2].at("choices"), "a\n\nb");  // not a choice question: untouched
  EXPECT_EQ(qs[2].at("default"), "\nq\n");
}

TEST(SurveyLA9Normalize, PasswordDefaults) {
  json::object previous = Obj(Spec(Q("password", "kept", R"("default": "$encrypted$OLD")") + ", " +
                                   Q("password", "blank", R"("default": "")"))
                                  .c_str());
  json::object spec =
      Obj(Spec(Q("password", "kept", R"("default": "$encrypted$")") + ", " +
               Q("password", "blank", R"("default": "$encrypted$")") + ", " +
               Q("password", "new", R"("default": "secret")") + ", " +
               Q("password", "empty", R"("default": "")") + ", " + Q("password", "none") + ", " +
               Q("text", "plain", R"("default": "visible")"))
              .c_str());
  ASSERT_FALSE(ValidateSurveySpec(spec, previous).has_value());
  json::object out = NormalizeSurveySpec(spec, previous, FakeEncrypt);
  const auto& qs = out.at("spec").as_array();
  EXPECT_EQ(qs[0].at("default"), "$encrypted$OLD");  // unchanged spec keeps the stored value
  EXPECT_EQ(qs[1].at("default"), "");
  EXPECT_EQ(qs[2].at("default"), "$encrypted$TEST$secret");
  EXPECT_EQ(qs[3].at("default"), "");  // "" stays ""
  EXPECT_FALSE(qs[4].as_object().contains("default"));
  EXPECT_EQ(qs[5].at("default"), "visible");
  EXPECT_EQ(out.at("name"), "s");
}

// LA-9 GET: non-empty password defaults masked.
TEST(SurveyLA9Mask, PasswordDefaultsShownAsEncrypted) {
  json::object spec = Obj(Spec(Q("password", "a", R"("default": "$encrypted$TEST$x")") + ", " +
                               Q("password", "b", R"("default": "")") + ", " + Q("password", "c") +
                               ", " + Q("text", "d", R"("default": "$encrypted$TEST$x")"))
                              .c_str());
  json::object out = MaskSurveySpec(spec);
  const auto& qs = out.at("spec").as_array();
  EXPECT_EQ(qs[0].at("default"), "$encrypted$");
  EXPECT_EQ(qs[1].at("default"), "");
  EXPECT_FALSE(qs[2].as_object().contains("default"));
  EXPECT_EQ(qs[3].at("default"), "$encrypted$TEST$x");
  EXPECT_EQ(MaskSurveySpec({}), json::object{});
}

// LA-1: survey_enabled and variables_needed_to_start.
TEST(SurveyLA1, ActiveNeedsEnabledAndSpecList) {
  EXPECT_TRUE(SurveyActive(true, Obj(Spec(kText).c_str())));
  EXPECT_FALSE(SurveyActive(false, Obj(Spec(kText).c_str())));
  EXPECT_FALSE(SurveyActive(true, {}));
  EXPECT_FALSE(SurveyActive(true, Obj(R"({"name": "s"})")));
}

TEST(SurveyLA1, RequiredVariablesInSpecOrderRegardlessOfDefaults) {
  json::object spec = Obj(
      R"({"spec": [
        {"type": "text", "variable": "b", "required": true, "default": "x"},
        {"type": "text", "variable": "a", "required": false},
        {"type": "integer", "variable": "c", "required": true}]})");
  EXPECT_EQ(RequiredVariables(spec), (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(RequiredVariables({}).empty());
}

// LA-10: password variables.
TEST(SurveyLA10, PasswordVariablesInSpecOrder) {
  json::object spec =
      Obj(Spec(Q("password", "z") + ", " + kText + ", " + Q("password", "y")).c_str());
  EXPECT_EQ(PasswordVariables(spec), (std::vector<std::string>{"z", "y"}));
  EXPECT_TRUE(PasswordVariables({}).empty());
}

}  // namespace
}  // namespace baton::domain
