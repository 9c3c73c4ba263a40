// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace cartcore::cli {

/** A plain-text receipt of a quote response: lines, every adjustment, totals, and why each offer did or did not apply. */
std::string renderBreakdown(const nlohmann::json& response);

}  // namespace cartcore::cli
