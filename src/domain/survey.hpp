// Surveys of job templates and workflow job templates, as pure functions (no I/O):
// spec validation and normalisation (workflow-semantics.md LA-9, contract §13.6), answer
// validation (LA-8), the defaults a launch merges (LA-11) and password handling (LA-10).
// Secrets are encrypted and decrypted by callbacks so this layer holds no key.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace baton::domain {

using Encryptor = std::function<std::string(std::string_view plaintext)>;
// Returns the plaintext, or nullopt when the value cannot be decrypted.
using Decryptor = std::function<std::optional<std::string>(std::string_view stored)>;

// LA-9 validation of a posted spec; `previous` is the stored spec ({} when none), which decides
// whether a "$encrypted$" password default may be kept. Returns the message of the first failure
// (AWX answers 400 {"error": message}), or nullopt when the spec is valid.
std::optional<std::string> ValidateSurveySpec(const json::value& spec,
                                              const json::object& previous);

// LA-9 normalisation on save (the spec must be valid): string choices and choice defaults lose
// blank lines; a password default "$encrypted$" takes the previous stored (encrypted) default of
// the same variable; any other non-empty password default is encrypted with `encrypt`.
json::object NormalizeSurveySpec(const json::object& spec, const json::object& previous,
                                 const Encryptor& encrypt);

// The spec as GET shows it: every non-empty password default replaced by "$encrypted$".
json::object MaskSurveySpec(const json::object& spec);

// True when the survey takes part in launches: enabled and the spec has a "spec" list.
bool SurveyActive(bool survey_enabled, const json::object& spec);

// The variables of required questions, in spec order (variables_needed_to_start, LA-1).
std::vector<std::string> RequiredVariables(const json::object& spec);
// The variables of password questions, in spec order.
std::vector<std::string> PasswordVariables(const json::object& spec);

// LA-8: the errors of one question against the provided vars, in AWX's words and order.
std::vector<std::string> ValidateSurveyAnswer(const json::object& question,
                                              const json::object& vars);

// LA-6 step 2 over the whole spec: errors of every question (in spec order), and the names of
// variables whose question had errors (their values are rejected).
struct SurveyCheck {
  std::vector<std::string> errors;
  std::vector<std::string> rejected;
};
SurveyCheck ValidateSurveyAnswers(const json::object& spec, const json::object& vars);

// LA-11 step 2: the defaults a launch merges under the runtime vars: questions with a non-null
// default that passes the question's own validation (password defaults decrypted first; invalid
// or undecryptable ones are skipped). Values are the stored ones: a password default stays
// encrypted, as the job's extra vars keep it.
json::object SurveyDefaults(const json::object& spec, const Decryptor& decrypt);

// LA-10: drops "$encrypted$" placeholders given for password questions (they mean "use the
// default"), then returns the vars with the remaining non-empty password answers encrypted
// (values already starting with "$encrypted$" are kept).
json::object DropPasswordPlaceholders(const json::object& spec, const json::object& vars);
json::object EncryptPasswordAnswers(const json::object& spec, const json::object& vars,
                                    const Encryptor& encrypt);
// LA-10: {"<var>": "$encrypted$"} for every password question of the spec.
json::object SurveyPasswords(const json::object& spec);
// Replaces the value of every key of `survey_passwords` present in `vars` with "$encrypted$".
json::object RedactSurveyPasswords(const json::object& vars, const json::object& survey_passwords);

// Options of answer validation beyond LA-8's defaults.
struct SurveyAnswerOptions {
  // False when "required" errors are suppressed (workflow node prompts, DM-6): an absent
  // required variable, or a "$encrypted$" placeholder without default, is then no error.
  bool validate_required = true;
  // LA-6 step 2 (relaunch / node replay): for a question whose variable is a key of this map and
  // whose provided value is an encrypted string ("$encrypted$" followed by more text), the value
  // decrypted by `decrypt` is validated instead (the raw value when it cannot be decrypted).
  json::object survey_passwords;
  Decryptor decrypt;
};
std::vector<std::string> ValidateSurveyAnswer(const json::object& question,
                                              const json::object& vars,
                                              const SurveyAnswerOptions& options);
SurveyCheck ValidateSurveyAnswers(const json::object& spec, const json::object& vars,
                                  const SurveyAnswerOptions& options);

// The questions of a spec: the objects of its "spec" list, in order (non-objects skipped).
std::vector<const json::object*> SurveyQuestions(const json::object& spec);

// The choices of a choice question as a list: a list is taken as is, a string is split into
// lines (Python str.splitlines) without blank lines; anything else yields nullopt.
std::optional<json::array> SurveyChoiceList(const json::value& choices);

// Python semantics the survey rules rely on (shared by the survey files, usable elsewhere).
// ==: numbers compare by value across bool/int/float (True == 1 == 1.0), containers deeply.
bool PyEquals(const json::value& a, const json::value& b);
// `item in container`: list membership by ==, dict key membership, substring for a string
// (false for a non-string item); false for any other container.
bool PyContains(const json::value& container, const json::value& item);
// Truthiness: false, null, 0, 0.0, "", [], {} are false.
bool PyTruthy(const json::value& v);
// type(v).__name__: str, int, float, bool, list, dict, NoneType.
std::string_view PyTypeName(const json::value& v);
// len() of a str: the number of code points of the UTF-8 text.
size_t PyLen(std::string_view utf8);
// str.splitlines() (all of Python's line boundaries) keeping only lines where
// line.strip() != "".
std::vector<std::string> PySplitNonBlankLines(std::string_view text);
// str.splitlines() (all of Python's line boundaries), blank lines kept.
std::vector<std::string> PySplitLines(std::string_view text);
// str.isprintable() for one code point (Python 3.11 tables): repr() escapes the others.
bool PyIsPrintable(char32_t cp);
// repr() of a float: shortest round-trip digits, "1.0", "100000.0", "1e+16", "1e-05".
std::string PyFloatRepr(double d);

// Python's repr() of a JSON value, as AWX's messages render values: True, None, 3.5,
// ['a', 'b'], {'a': 1}; a top-level string is rendered bare (unquoted).
std::string PyRepr(const json::value& v, bool top_level = true);

}  // namespace baton::domain
