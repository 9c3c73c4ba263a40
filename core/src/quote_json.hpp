// SPDX-License-Identifier: MIT
#pragma once

#include "cartcore/engine.hpp"
#include <string>

namespace cartcore {

/** `{"ok":true,"quote":…}` as canonical JSON: sorted keys, no spaces, decimal-string money. */
std::string renderQuoteJson(const Quote& quote);

/** "sha256:…" over the config digest and the priced outcome, excluding explanations and stock display. */
std::string quoteDigest(const Quote& quote);

}  // namespace cartcore
