// Logging through spdlog. Never log secrets: credential inputs, passwords, tokens.
#pragma once
#include <spdlog/spdlog.h>

namespace baton {
void InitLogging(const std::string& level);
}
