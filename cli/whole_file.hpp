// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace cartcore::cli {

/** Reads the file at `path` whole into `out`; false when it cannot be opened. */
bool readWholeFile(const std::string& path, std::string& out);

}  // namespace cartcore::cli
