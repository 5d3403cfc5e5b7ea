// Environment variables a credential's injectors may not set (AWX's ENV_BLOCKLIST), one list for
// the validation of credential types (api) and for the run plan (runner).
#pragma once
#include <string_view>

namespace baton::domain {

// AWX's ENV_BLOCKLIST: refused in a credential type's env injectors with "Environment variable X
// is not allowed to be used in credentials."
bool IsBlockedCredentialEnv(std::string_view name);
// What a run ignores from the injectors: the blocklist, ANSIBLE_* (except ANSIBLE_NET_*), and
// the variables the run itself sets (BATON_JOB_ID, HOME, AWX_PRIVATE_DATA_DIR).
bool IsIgnoredByRun(std::string_view name);

}  // namespace baton::domain
