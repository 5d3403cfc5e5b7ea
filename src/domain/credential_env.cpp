#include "domain/credential_env.hpp"

#include <algorithm>
#include <array>

namespace baton::domain {
namespace {

constexpr std::array<std::string_view, 20> kEnvBlocklist = {"VIRTUAL_ENV",
                                                            "PATH",
                                                            "PYTHONPATH",
                                                            "JOB_ID",
                                                            "INVENTORY_ID",
                                                            "INVENTORY_SOURCE_ID",
                                                            "INVENTORY_UPDATE_ID",
                                                            "AD_HOC_COMMAND_ID",
                                                            "REST_API_URL",
                                                            "REST_API_TOKEN",
                                                            "MAX_EVENT_RES",
                                                            "CALLBACK_QUEUE",
                                                            "CALLBACK_CONNECTION",
                                                            "CACHE",
                                                            "JOB_CALLBACK_DEBUG",
                                                            "INVENTORY_HOSTVARS",
                                                            "AWX_HOST",
                                                            "PROJECT_REVISION",
                                                            "SUPERVISOR_CONFIG_PATH",
                                                            "SUPERVISOR_WEB_CONFIG_PATH"};

constexpr std::array<std::string_view, 3> kSetByRun = {"BATON_JOB_ID", "HOME",
                                                       "AWX_PRIVATE_DATA_DIR"};

}  // namespace

bool IsBlockedCredentialEnv(std::string_view name) {
  return std::find(kEnvBlocklist.begin(), kEnvBlocklist.end(), name) != kEnvBlocklist.end();
}

bool IsIgnoredByRun(std::string_view name) {
  if (IsBlockedCredentialEnv(name)) return true;
  if (std::find(kSetByRun.begin(), kSetByRun.end(), name) != kSetByRun.end()) return true;
  return name.starts_with("ANSIBLE_") && !name.starts_with("ANSIBLE_NET");
}

}  // namespace baton::domain
